"""The donations API (mounted at /api/giving): the same selectors and services as the pages;
every list and detail starts from restrict()."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Router, Schema, Status

from qiaolian.core.api_kit import UnitOwnedOut, paginated, require, visible_unit
from qiaolian.core.scoping import Action
from qiaolian.giving import selectors, services
from qiaolian.giving.apps import GIVING
from qiaolian.giving.models import (
    Donation,
    DonationKind,
    Donor,
    DonorKind,
    Drive,
    Fund,
    Grant,
    Instalment,
    Pledge,
    Receipt,
)

router = Router(tags=["giving"])


class DriveOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    title: str
    starts_on: date
    ends_on: date | None
    designated_use: str
    target_cny: Decimal | None
    is_public: bool


class DonationOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    donor: str
    donor_kind: str
    drive: UUID | None
    kind: DonationKind
    received_on: date
    amount: Decimal | None
    currency: str
    rate: Decimal | None
    value_cny: Decimal
    bank_reference: str
    duplicate_reference: bool
    receipt: str | None

    @staticmethod
    def resolve_donor(obj: Donation) -> str:
        return obj.donor.name

    @staticmethod
    def resolve_donor_kind(obj: Donation) -> str:
        return obj.donor.kind

    @staticmethod
    def resolve_drive(obj: Donation) -> UUID | None:
        return obj.drive.public_id if obj.drive else None

    @staticmethod
    def resolve_receipt(obj: Donation) -> str | None:
        receipt = obj.valid_receipt
        return receipt.code if receipt else None


class DonationIn(Schema):
    unit: UUID
    donor: UUID
    drive: UUID | None = None
    received_on: date
    amount: Decimal
    currency: str = "CNY"
    method: str = "transfer"
    bank_reference: str = ""
    allow_duplicate: bool = False
    to_fund: bool = False
    show_name: bool = False
    show_amount: bool = True


class ReceiptOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    code: str
    status: str
    issued_on: date
    donation: UUID
    donor: str
    void_reason: str

    @staticmethod
    def resolve_donation(obj: Receipt) -> UUID:
        return obj.donation.public_id

    @staticmethod
    def resolve_donor(obj: Receipt) -> str:
        return obj.donation.donor.name


class FundOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    name: str
    balance_cny: Decimal

    @staticmethod
    def resolve_balance_cny(obj: Fund) -> Decimal:
        return services.fund_balance(obj)


@router.get("/drives", response=list[DriveOut])
@paginated(page_size=100)
def giving_drive_list(request):
    """Donation drives in the caller's scope."""
    require(request.auth, GIVING.VIEW)
    return Drive.objects.restrict(request.auth, Action.VIEW).select_related("unit").order_by("pk")


@router.get("/donations", response=list[DonationOut])
@paginated(page_size=100)
def giving_donation_list(request, unit: UUID | None = None):
    """Donations in the caller's scope (or a unit's subtree in it), oldest first."""
    require(request.auth, GIVING.VIEW)
    within = visible_unit(request.auth, unit, GIVING.VIEW)
    rows = selectors.donations(user=request.auth, within=within)
    return rows.select_related("unit", "donor", "drive").order_by("received_on", "pk")


@router.get("/donations/{donation_id}", response=DonationOut)
def giving_donation_detail(request, donation_id: UUID):
    return Donation.objects.get_visible(request.auth, GIVING.VIEW, public_id=donation_id)


@router.post("/donations", response={201: DonationOut})
def giving_donation_create(request, payload: DonationIn):
    """Record a money donation (its receipt is issued with it)."""
    require(request.auth, GIVING.ADD)
    user = request.auth
    data = payload.dict()
    unit = visible_unit(user, data.pop("unit"), GIVING.ADD)
    donor = Donor.objects.get_visible(user, GIVING.VIEW, public_id=data.pop("donor"))
    drive_id = data.pop("drive")
    drive = Drive.objects.get_visible(user, GIVING.VIEW, public_id=drive_id) if drive_id else None
    donation = services.donation_create(actor=user, unit=unit, donor=donor, drive=drive, **data)
    return Status(201, donation)


@router.get("/receipts", response=list[ReceiptOut])
@paginated(page_size=100)
def giving_receipt_list(request):
    require(request.auth, GIVING.VIEW)
    rows = Receipt.objects.restrict(request.auth, Action.VIEW)
    return rows.select_related("unit", "donation__donor").order_by("year", "number", "pk")


@router.get("/funds", response=list[FundOut])
@paginated(page_size=100)
def giving_fund_list(request):
    require(request.auth, GIVING.VIEW)
    return Fund.objects.restrict(request.auth, Action.VIEW).select_related("unit").order_by("pk")


# --- goods donations, donors, pledges, grants ------------------------------------------------


class GoodsLineIn(Schema):
    item: UUID
    warehouse: UUID
    quantity: int
    value_cny: Decimal | None = None


class GoodsDonationIn(Schema):
    unit: UUID
    donor: UUID
    drive: UUID | None = None
    received_on: date
    lines: list[GoodsLineIn]
    show_name: bool = False
    show_amount: bool = True
    note: str = ""


@router.post("/goods-donations", response={201: DonationOut})
def giving_donation_create_goods(request, payload: GoodsDonationIn):
    """Record a goods donation: each line (catalogue item, warehouse, quantity) is received into
    stock as a lot pointing back at the donation; its receipt is issued with it."""
    from qiaolian.relief.models import Item, Warehouse

    require(request.auth, GIVING.ADD)
    user = request.auth
    data = payload.dict()
    unit = visible_unit(user, data.pop("unit"), GIVING.ADD)
    donor = Donor.objects.get_visible(user, GIVING.VIEW, public_id=data.pop("donor"))
    drive_id = data.pop("drive")
    drive = Drive.objects.get_visible(user, GIVING.VIEW, public_id=drive_id) if drive_id else None
    items = Item.objects.restrict_shared_down(user, "relief.view")
    lines = []
    for line in data.pop("lines"):
        item = items.filter(public_id=line["item"]).first()
        if item is None:
            raise Http404
        warehouse = Warehouse.objects.get_visible(user, "relief.add", public_id=line["warehouse"])
        lines.append(
            {
                "item": item,
                "warehouse": warehouse,
                "quantity": line["quantity"],
                "value_cny": line["value_cny"],
            }
        )
    donation = services.donation_create(
        actor=user,
        unit=unit,
        donor=donor,
        drive=drive,
        kind=DonationKind.GOODS,
        lines=lines,
        **data,
    )
    return Status(201, donation)


class DonorOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    kind: str
    name: str
    country: str
    contact: str


class DonorIn(Schema):
    unit: UUID
    kind: DonorKind
    name: str = ""
    country: str = ""
    contact: str = ""


@router.get("/donors", response=list[DonorOut])
@paginated(page_size=100)
def giving_donor_list(request, unit: UUID | None = None):
    """Donors in the caller's scope (or a unit's subtree in it)."""
    require(request.auth, GIVING.VIEW)
    within = visible_unit(request.auth, unit, GIVING.VIEW)
    rows = Donor.objects.restrict(request.auth, Action.VIEW).in_subtree(within)
    return rows.select_related("unit").order_by("pk")


@router.get("/donors/{donor_id}", response=DonorOut)
def giving_donor_detail(request, donor_id: UUID):
    return Donor.objects.get_visible(request.auth, GIVING.VIEW, public_id=donor_id)


@router.post("/donors", response={201: DonorOut})
def giving_donor_create(request, payload: DonorIn):
    """Record a donor (a person, company or association) in a unit."""
    require(request.auth, GIVING.ADD)
    data = payload.dict()
    unit = visible_unit(request.auth, data.pop("unit"), GIVING.ADD)
    return Status(201, services.donor_create(actor=request.auth, unit=unit, **data))


class InstalmentOut(Schema):
    due_on: date
    amount: Decimal
    paid: bool
    donation: UUID | None

    @staticmethod
    def resolve_paid(obj: Instalment) -> bool:
        return obj.donation_id is not None

    @staticmethod
    def resolve_donation(obj: Instalment) -> UUID | None:
        return obj.donation.public_id if obj.donation_id else None


class PledgeOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    donor: str
    drive: UUID | None
    amount: Decimal
    currency: str
    pledged_on: date
    instalments: list[InstalmentOut]

    @staticmethod
    def resolve_donor(obj: Pledge) -> str:
        return obj.donor.name

    @staticmethod
    def resolve_drive(obj: Pledge) -> UUID | None:
        return obj.drive.public_id if obj.drive_id else None

    @staticmethod
    def resolve_instalments(obj: Pledge) -> list[Instalment]:
        return list(obj.instalments.all())


def _pledges(user):
    # scoping: exempt - the instalments of pledges already restricted below.
    instalments = Instalment.objects.select_related("donation").order_by("due_on", "pk")
    return (
        Pledge.objects.restrict(user, Action.VIEW)
        .select_related("unit", "donor", "drive")
        .prefetch_related(Prefetch("instalments", queryset=instalments))
    )


@router.get("/pledges", response=list[PledgeOut])
@paginated(page_size=100)
def giving_pledge_list(request):
    """Pledges in the caller's scope with their instalments."""
    require(request.auth, GIVING.VIEW)
    return _pledges(request.auth).order_by("pledged_on", "pk")


@router.get("/pledges/{pledge_id}", response=PledgeOut)
def giving_pledge_detail(request, pledge_id: UUID):
    require(request.auth, GIVING.VIEW)
    pledge = _pledges(request.auth).filter(public_id=pledge_id).first()
    if pledge is None:
        raise Http404
    return pledge


class GrantOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    fund: UUID
    applicant: str
    purpose: str
    amount_cny: Decimal
    applied_on: date
    status: str
    decided_on: date | None
    approvals: int
    approvals_needed: int

    @staticmethod
    def resolve_fund(obj: Grant) -> UUID:
        return obj.fund.public_id

    @staticmethod
    def resolve_approvals(obj: Grant) -> int:
        return obj.approvals.count()


def _grants(user):
    return Grant.objects.restrict(user, Action.VIEW).select_related("unit", "fund")


@router.get("/grants", response=list[GrantOut])
@paginated(page_size=100)
def giving_grant_list(request):
    """Grants from the charity fund in the caller's scope, newest first."""
    require(request.auth, GIVING.VIEW)
    return _grants(request.auth).order_by("-applied_on", "-pk")


@router.get("/grants/{grant_id}", response=GrantOut)
def giving_grant_detail(request, grant_id: UUID):
    require(request.auth, GIVING.VIEW)
    grant = _grants(request.auth).filter(public_id=grant_id).first()
    if grant is None:
        raise Http404
    return grant
