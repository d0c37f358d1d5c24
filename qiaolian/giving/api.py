"""The donations API (mounted at /api/giving): the same selectors and services as the pages;
every list and detail starts from restrict()."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from ninja import Field, Router, Schema, Status

from qiaolian.core.api_kit import UnitOwnedOut, paginated, require, visible_unit
from qiaolian.core.scoping import Action
from qiaolian.giving import selectors, services
from qiaolian.giving.apps import GIVING
from qiaolian.giving.models import Donation, DonationKind, Donor, Drive, Fund, Receipt

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
