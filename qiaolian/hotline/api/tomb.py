"""Proxy / cloud tomb-sweeping orders: list, detail, create (with its case, or for an existing
tomb-sweeping case), edit with a version check, schedule, fulfil (upload proof), cancel.

Every write is a function of `hotline.services.tomb`, as on the pages. Proof files are listed
as metadata only (no file address, no private-link token: only whether a link is active and
until when). A performer or the case's assignee (a volunteer) reads the orders they serve
(`TombSweepingOrder.assigned_to`); the case is named only to those who may read it.
"""

import enum
from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from qiaolian.core.api_kit import ErrorOut, PageHook, UnitOwnedOut, paginated, require, visible_unit
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.core.versioning import MAX_VERSION, if_match_version
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import (
    Case,
    Channel,
    Priority,
    TombKind,
    TombProof,
    TombStatus,
    TombSweepingOrder,
)
from qiaolian.hotline.selectors import tomb as selectors
from qiaolian.hotline.services import tomb as services
from qiaolian.people.models import Person

router = Router(tags=["hotline: tomb-sweeping"])

# The seasons the list filters on (qingming, dongzhi), as the tomb service defines them.
Season = enum.StrEnum("Season", {name: name for name in services.SEASONS})


class TombOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    case: UUID | None = Field(None, description="null when the caller may not read the case")
    case_number: str | None = None
    kind: TombKind
    deceased_name: str
    cemetery: str
    grave_location: str
    service_date: date
    rites: str
    performer: str | None = Field(None, description="username")
    status: TombStatus
    fulfilled_at: datetime | None
    created_at: datetime
    link_active: bool = Field(..., description="a private link for the requester is open")
    link_expires_at: datetime | None = None
    version: int

    @staticmethod
    def resolve_case(obj: TombSweepingOrder):
        return obj.case.public_id if getattr(obj, "case_visible", False) else None

    @staticmethod
    def resolve_case_number(obj: TombSweepingOrder):
        return obj.case.number if getattr(obj, "case_visible", False) else None

    @staticmethod
    def resolve_performer(obj: TombSweepingOrder):
        return obj.performer.get_username() if obj.performer_id else None

    @staticmethod
    def resolve_link_active(obj: TombSweepingOrder) -> bool:
        expires = obj.share_expires_at
        return bool(obj.share_token_hash) and expires is not None and expires > timezone.now()

    @staticmethod
    def resolve_link_expires_at(obj: TombSweepingOrder):
        return obj.share_expires_at if obj.share_token_hash else None


class ProofOut(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str
    content_type: str
    size: int
    uploaded_at: datetime
    uploaded_by: str | None = None

    @staticmethod
    def resolve_uploaded_by(obj: TombProof):
        return obj.uploaded_by.get_username() if obj.uploaded_by_id else None


class TombDetailOut(TombOut):
    proofs: list[ProofOut] = Field(..., description="metadata only; files are not served here")

    @staticmethod
    def resolve_proofs(obj: TombSweepingOrder) -> list:
        return obj.proof_list


class TombOrderIn(Schema):
    kind: TombKind = TombKind.PROXY
    deceased_name: str = Field("", max_length=100)
    cemetery: str = Field(..., min_length=1, max_length=150)
    grave_location: str = Field(..., min_length=1, max_length=200)
    service_date: date
    rites: str = Field("", max_length=300)


class TombOpenIn(TombOrderIn):
    """A new case of the tomb-sweeping category and its order, in one step."""

    unit: UUID
    subject: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    channel: Channel = Channel.CALL
    priority: Priority = Priority.NORMAL
    requester: UUID | None = None
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=40)


class TombEditIn(Schema):
    """Only the fields sent are changed; `version` (optional) refuses a stale edit."""

    version: int | None = Field(None, ge=0, le=MAX_VERSION)
    kind: TombKind | None = None
    deceased_name: str | None = Field(None, max_length=100)
    cemetery: str | None = Field(None, min_length=1, max_length=150)
    grave_location: str | None = Field(None, min_length=1, max_length=200)
    service_date: date | None = None
    rites: str | None = Field(None, max_length=300)


class ScheduleIn(Schema):
    performer: str = Field(..., description="username of a user of the caller's units")
    service_date: date | None = None


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


def _mark_case_visible(user):
    def hook(orders: list[TombSweepingOrder]) -> None:
        case_ids = [o.case_id for o in orders]
        visible = set(
            Case.objects.restrict(user, Action.VIEW)
            .filter(pk__in=case_ids)
            .values_list("pk", flat=True)
        )
        for order in orders:
            order.case_visible = order.case_id in visible

    return hook


def _detail(user, pk: int) -> TombSweepingOrder:
    order = selectors.order_list(user=user).get(pk=pk)
    _mark_case_visible(user)([order])
    order.proof_list = list(
        selectors.order_proofs(user=user, order=order).select_related("uploaded_by")
    )
    return order


def _order(user, order_id: UUID, action: Action) -> TombSweepingOrder:
    return selectors.order_list(user=user, action=action).get_visible(
        user, action, public_id=order_id
    )


@router.get("/tomb", response=list[TombOut])
@paginated(page_size=100)
def tomb_list(
    request,
    q: str = "",
    status: TombStatus | None = None,
    kind: TombKind | None = None,
    season: Season | None = None,
    year: int | None = Query(None, ge=2000, le=2100),
    unit: UUID | None = None,
):
    """Orders in the caller's scope, latest service date first. `q` matches the cemetery, the
    deceased, the grave or the case number; `season` (qingming, dongzhi) with `year` (this year
    by default) keeps the 15 days around the solar term."""
    user = request.auth
    require(user, HOTLINE.VIEW)
    if season and not year:
        year = timezone.localdate().year
    queryset = selectors.order_list(user=user, within=visible_unit(user, unit, HOTLINE.VIEW))
    filters = {"q": q, "status": status, "kind": kind, "season": season, "year": year}
    queryset = selectors.filter_orders(queryset, filters).order_by("-service_date", "-pk")
    return PageHook(queryset, _mark_case_visible(user))


@router.get("/tomb/{order_id}", response=TombDetailOut)
def tomb_detail(request, order_id: UUID):
    """One order with its proof files (metadata only)."""
    order = _order(request.auth, order_id, Action.VIEW)
    return _detail(request.auth, order.pk)


@router.post("/tomb", response={201: TombDetailOut})
def tomb_open(request, payload: TombOpenIn):
    """A new tomb-sweeping case and its order (a caller asking for the service): ADD in `unit`;
    the case number is issued by the server."""
    user = request.auth
    unit = Unit.objects.get_visible(user, HOTLINE.ADD, public_id=payload.unit)
    requester = None
    if payload.requester is not None:
        requester = Person.objects.get_visible(user, Action.VIEW, public_id=payload.requester)
    data = payload.dict(exclude={"unit", "requester"})
    order = services.order_open(actor=user, unit=unit, requester=requester, **data)
    return Status(201, _detail(user, order.pk))


@router.post("/cases/{case_id}/tomb", response={201: TombDetailOut})
def tomb_create_for_case(request, case_id: UUID, payload: TombOrderIn):
    """The order of an existing case of the tomb-sweeping category (one per case)."""
    user = request.auth
    case = Case.objects.get_visible(user, Action.CHANGE, public_id=case_id)
    order = services.order_create(actor=user, case=case, **payload.dict())
    return Status(201, _detail(user, order.pk))


@router.patch("/tomb/{order_id}", response={200: TombDetailOut, 409: ErrorOut})
def tomb_edit(request, order_id: UUID, payload: TombEditIn):
    """Change the order's details. With `version` or `If-Match`, an order edited or scheduled
    since is not changed: 409 names the fields whose stored value differs from what was sent."""
    user = request.auth
    order = _order(user, order_id, Action.CHANGE)
    fields = payload.dict(exclude={"version"}, exclude_none=True)
    expected = if_match_version(request, payload.version)
    services.order_update(actor=user, order=order, expected_version=expected, **fields)
    return _detail(user, order.pk)


@router.post("/tomb/{order_id}/schedule", response=TombDetailOut)
def tomb_schedule(request, order_id: UUID, payload: ScheduleIn):
    """Name who performs the service (a username) and, optionally, a new date; repeat to
    reschedule. requested/scheduled → scheduled."""
    user = request.auth
    order = _order(user, order_id, Action.CHANGE)
    performer = services.performers_for(actor=user).filter(username=payload.performer).first()
    services.order_schedule(
        actor=user, order=order, performer=performer, service_date=payload.service_date
    )
    return _detail(user, order.pk)


@router.post("/tomb/{order_id}/fulfil", response=TombDetailOut)
def tomb_fulfil(
    request,
    order_id: UUID,
    proof: File[list[UploadedFile]] = None,
    early_reason: Form[str] = "",
):
    """Mark the service done with its proof: `multipart/form-data`, one or more `proof` files
    (JPEG/PNG/WebP photos, MP4 video, checked by their bytes). More proof may be added to a
    done order. The performer and the case's assignee may do this too. Before the order's
    `service_date` the order is done only with `early_reason` (why it happened early): 422
    naming `early_reason` otherwise."""
    user = request.auth
    order = _order(user, order_id, Action.CHANGE)
    try:
        services.order_fulfil(
            actor=user, order=order, files=list(proof or []), early_reason=early_reason
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"proof": exc.messages}) from exc
    return _detail(user, order.pk)


@router.post("/tomb/{order_id}/cancel", response=TombDetailOut)
def tomb_cancel(request, order_id: UUID, payload: CancelIn):
    """Cancel a requested or scheduled order, giving the reason (closes any private link)."""
    user = request.auth
    order = _order(user, order_id, Action.CHANGE)
    services.order_cancel(actor=user, order=order, reason=payload.reason)
    return _detail(user, order.pk)
