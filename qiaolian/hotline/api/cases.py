"""Cases: list, detail, open, edit, status, assign, comment.

The same selectors and services as the case pages: lists start from restrict(), the case in
the path is found with get_visible() (404 outside the caller's scope, 403 when the action is
held nowhere), writes go through `hotline.services.cases`. Confidential notes never leave
through the API.
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from qiaolian.core.api_kit import ErrorOut, UnitOwnedOut, paginated, require, visible_unit
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.core.versioning import MAX_VERSION, if_match_version
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Case, CaseEvent, Channel, EventKind, Priority
from qiaolian.hotline.models import Status as CaseStatus
from qiaolian.hotline.selectors import cases as selectors
from qiaolian.hotline.services import cases as services
from qiaolian.people.models import Person

router = Router(tags=["hotline: cases"])


class CaseOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    number: str
    channel: Channel
    category: str
    priority: Priority
    status: CaseStatus
    subject: str
    requester: UUID | None = None
    requester_name: str
    contact_phone: str
    requester_time_zone: str
    assignee: str | None = None
    opened_at: datetime
    first_response_at: datetime | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    resolved_at: datetime | None
    version: int

    @staticmethod
    def resolve_requester(obj: Case):
        return obj.requester.public_id if obj.requester is not None else None

    @staticmethod
    def resolve_requester_name(obj: Case) -> str:
        return obj.requester_label or ""

    @staticmethod
    def resolve_assignee(obj: Case):
        return obj.assignee.get_username() if obj.assignee is not None else None


class EventOut(Schema):
    kind: EventKind
    at: datetime
    actor: str | None = None
    internal: bool
    text: str

    @staticmethod
    def resolve_actor(obj: CaseEvent):
        return obj.actor.get_username() if obj.actor is not None else None


class CaseDetailOut(CaseOut):
    description: str
    contact_name: str
    timeline: list[EventOut]


class CaseIn(Schema):
    unit: UUID
    category: str
    subject: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    channel: Channel = Channel.CALL
    priority: Priority = Priority.NORMAL
    requester: UUID | None = None
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=40)


class StatusIn(Schema):
    status: CaseStatus
    version: int | None = Field(None, ge=0, le=MAX_VERSION)
    note: str = Field(
        "",
        max_length=10000,
        description="a note on the timeline; required to resolve (the closing note, 办结意见): "
        "without it `resolved` is refused with 422",
    )


class CaseEditIn(Schema):
    """Only the fields sent are changed; `version` (optional) refuses a stale edit."""

    version: int | None = Field(None, ge=0, le=MAX_VERSION)
    subject: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    category: str | None = None
    priority: Priority | None = None
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)


class AssignIn(Schema):
    assignee: str | None = Field(None, description="username; null unassigns")
    version: int | None = Field(None, ge=0, le=MAX_VERSION)


class CommentIn(Schema):
    text: str = Field(..., min_length=1, max_length=10000)
    to_requester: bool = False


def case_with_timeline(user, case_pk: int) -> Case:
    case = (
        Case.objects.restrict(user, Action.VIEW)
        .select_related("unit", "requester", "assignee")
        .get(pk=case_pk)
    )
    # Confidential notes live in their own table and are never part of the timeline.
    case.timeline = list(selectors.timeline(user=user, case=case))  # type: ignore[attr-defined]
    return case


@router.get("/cases", response=list[CaseOut])
@paginated(page_size=100)
def case_list(
    request,
    q: str = "",
    queue: str = "all",
    status: CaseStatus | None = None,
    category: str = "",
    priority: Priority | None = None,
    channel: Channel | None = None,
    unit: UUID | None = None,
):
    """Cases in the caller's scope. `queue`: mine, unit (open), unassigned, breaching, all;
    `unit` narrows to a unit's subtree; `q` matches the number, subject or contact."""
    require(request.auth, HOTLINE.VIEW)
    within = visible_unit(request.auth, unit, HOTLINE.VIEW)
    queryset = selectors.case_list(user=request.auth, within=within)
    if queue not in selectors.QUEUES:
        queue = "all"
    queryset = queryset.filter(selectors.queue_q(queue, user=request.auth))
    filters = {
        "q": q,
        "status": status,
        "category": category,
        "priority": priority,
        "channel": channel,
    }
    return selectors.filter_cases(queryset, filters).order_by("-opened_at", "-pk")


@router.get("/cases/{case_id}", response=CaseDetailOut)
def case_detail(request, case_id: UUID):
    """One case with its timeline (internal comments included; confidential notes never)."""
    case = Case.objects.get_visible(request.auth, Action.VIEW, public_id=case_id)
    return case_with_timeline(request.auth, case.pk)


@router.post("/cases", response={201: CaseDetailOut})
def case_open(request, payload: CaseIn):
    """Open a case in a unit where the caller holds ADD; the number is issued by the server."""
    unit = Unit.objects.get_visible(request.auth, HOTLINE.ADD, public_id=payload.unit)
    requester = None
    if payload.requester is not None:
        requester = Person.objects.get_visible(
            request.auth, Action.VIEW, public_id=payload.requester
        )
    data = payload.dict(exclude={"unit", "requester"})
    case = services.case_open(actor=request.auth, unit=unit, requester=requester, **data)
    return Status(201, case_with_timeline(request.auth, case.pk))


@router.post("/cases/{case_id}/status", response={200: CaseDetailOut, 409: ErrorOut, 422: ErrorOut})
def case_status(request, case_id: UUID, payload: StatusIn):
    """Move the case along new → assigned → in progress → waiting → resolved → closed (or
    reopen); `version` or `If-Match` (optional) refuses the change if the case changed since
    it was read (409 with the current version). Resolving needs `note`, the closing note
    (办结意见): what was done and what the requester was told (422 without it). Callbacks
    still planned stay planned; the case page names them before resolving."""
    case = Case.objects.get_visible(request.auth, Action.CHANGE, public_id=case_id)
    services.case_change_status(
        actor=request.auth,
        case=case,
        status=payload.status,
        expected_version=if_match_version(request, payload.version),
        note=payload.note,
    )
    return case_with_timeline(request.auth, case.pk)


@router.patch("/cases/{case_id}", response={200: CaseDetailOut, 409: ErrorOut})
def case_edit(request, case_id: UUID, payload: CaseEditIn):
    """Change the subject, description, category, priority or quick contact of a case; a new
    category or priority re-applies the SLA policy. `version` or `If-Match` (optional) refuses
    a stale edit (409 with the current version)."""
    case = Case.objects.get_visible(request.auth, Action.CHANGE, public_id=case_id)
    fields = payload.dict(exclude={"version"}, exclude_none=True)
    expected = if_match_version(request, payload.version)
    services.case_update(actor=request.auth, case=case, expected_version=expected, **fields)
    return case_with_timeline(request.auth, case.pk)


@router.post("/cases/{case_id}/assign", response={200: CaseDetailOut, 409: ErrorOut})
def case_assign(request, case_id: UUID, payload: AssignIn):
    """Give the case to a colleague or volunteer who can see its unit (by username), or
    unassign it with `null`."""
    case = Case.objects.get_visible(request.auth, Action.CHANGE, public_id=case_id)
    assignee = None
    if payload.assignee is not None:
        assignee = selectors.eligible_users(case.unit).filter(username=payload.assignee).first()
        if assignee is None:
            raise ValidationError(
                {"assignee": _("No one by that username can take cases of this unit.")}
            )
    expected = if_match_version(request, payload.version)
    services.case_assign(
        actor=request.auth, case=case, assignee=assignee, expected_version=expected
    )
    return case_with_timeline(request.auth, case.pk)


@router.post("/cases/{case_id}/comments", response={201: EventOut})
def case_comment(request, case_id: UUID, payload: CommentIn):
    """Add an internal comment, or (`to_requester`) a reply to the requester."""
    case = Case.objects.get_visible(request.auth, Action.CHANGE, public_id=case_id)
    event = services.case_comment(
        actor=request.auth, case=case, text=payload.text, to_requester=payload.to_requester
    )
    return Status(201, event)
