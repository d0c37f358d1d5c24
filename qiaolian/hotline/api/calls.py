"""Calls: list (direction, outcome, number, date range), detail, log a call, and a new case
from a logged call.

The same selectors and services as the call pages (`selectors.calls`, `services.calls`): the
number is normalised and the caller matched by `call_log`; a volunteer reads only the calls
they took or that belong to their cases (`Call.assigned_to`).
"""

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from qiaolian.core.api_kit import UnitOwnedOut, paginated, require, visible_unit
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.hotline.api.cases import CaseDetailOut, case_with_timeline
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Call, CallDirection, CallOutcome, Case, Priority
from qiaolian.hotline.selectors import calls as selectors
from qiaolian.hotline.services import calls as services
from qiaolian.people.models import Person

router = Router(tags=["hotline: calls"])


class CallOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    direction: CallDirection
    number: str = Field(..., description="as typed")
    number_e164: str = Field(..., description="normalised (E.164)")
    person: UUID | None = Field(None, description="the caller, when matched")
    person_name: str
    case: UUID | None = None
    case_number: str | None = None
    started_at: datetime
    duration_seconds: int
    outcome: CallOutcome
    notes: str
    taken_by: str | None = None

    @staticmethod
    def resolve_person(obj: Call):
        return obj.person.public_id if obj.person_id else None

    @staticmethod
    def resolve_person_name(obj: Call) -> str:
        return str(obj.person) if obj.person_id else ""

    @staticmethod
    def resolve_case(obj: Call):
        return obj.case.public_id if obj.case_id else None

    @staticmethod
    def resolve_case_number(obj: Call):
        return obj.case.number if obj.case_id else None

    @staticmethod
    def resolve_taken_by(obj: Call):
        return obj.taken_by.get_username() if obj.taken_by_id else None


class CallIn(Schema):
    """`unit` is needed unless `case` is given (a call on a case takes the case's unit)."""

    unit: UUID | None = None
    case: UUID | None = Field(None, description="log the call on this case")
    person: UUID | None = Field(
        None, description="the caller; without it, the one visible person with the number"
    )
    number: str = Field(..., min_length=1, max_length=40)
    direction: CallDirection = CallDirection.INBOUND
    outcome: CallOutcome = CallOutcome.ANSWERED
    duration_seconds: int = Field(0, ge=0, le=24 * 3600)
    started_at: datetime | None = None
    notes: str = ""


class NewCaseIn(Schema):
    category: str
    subject: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    priority: Priority = Priority.NORMAL
    contact_name: str = Field("", max_length=100, description="when the caller is not matched")


def _call(user, pk: int) -> Call:
    return selectors.call_list(user=user).get(pk=pk)


@router.get("/calls", response=list[CallOut])
@paginated(page_size=100)
def call_list(
    request,
    q: str = "",
    direction: CallDirection | None = None,
    outcome: CallOutcome | None = None,
    number: str = "",
    start: date | None = None,
    end: date | None = None,
    without_case: bool = False,
    unit: UUID | None = None,
):
    """Calls in the caller's scope, newest first. `number` is normalised and matched exactly
    (+39 333 …, 0039 …); `q` matches digits, notes or the caller's surname; `start`/`end` are
    dates in the hotline's time zone (inclusive)."""
    require(request.auth, HOTLINE.VIEW)
    queryset = selectors.call_list(
        user=request.auth, within=visible_unit(request.auth, unit, HOTLINE.VIEW)
    )
    filters = {
        "q": q,
        "direction": direction,
        "outcome": outcome,
        "start": start,
        "end": end,
        "without_case": without_case,
    }
    queryset = selectors.filter_calls(queryset, filters)
    if number.strip():
        queryset = queryset.filter(number_e164=services.normalise_number(number))
    return queryset.order_by("-started_at", "-pk")


@router.get("/calls/{call_id}", response=CallOut)
def call_detail(request, call_id: UUID):
    calls = selectors.call_list(user=request.auth)
    return calls.get_visible(request.auth, Action.VIEW, public_id=call_id)


@router.post("/calls", response={201: CallOut})
def call_log(request, payload: CallIn):
    """Log a call. With `case`, on that case (CHANGE on it is enough: a volunteer logs calls
    on their cases); otherwise in `unit` (ADD there). The number is normalised and the caller
    matched to the register; a number that is not one is refused naming `number`."""
    user = request.auth
    case = unit = person = None
    if payload.case is not None:
        case = Case.objects.get_visible(user, Action.CHANGE, public_id=payload.case)
    if payload.unit is not None:
        unit = Unit.objects.get_visible(user, HOTLINE.ADD, public_id=payload.unit)
    if case is None and unit is None:
        raise ValidationError({"unit": _("Choose the unit the call belongs to, or a case.")})
    if payload.person is not None:
        person = Person.objects.get_visible(user, Action.VIEW, public_id=payload.person)
    call = services.call_log(
        actor=user,
        unit=unit,
        case=case,
        person=person,
        number=payload.number,
        direction=payload.direction,
        outcome=payload.outcome,
        duration_seconds=payload.duration_seconds,
        started_at=payload.started_at,
        notes=payload.notes,
    )
    return Status(201, _call(user, call.pk))


@router.post("/calls/{call_id}/case", response={201: CaseDetailOut})
def call_new_case(request, call_id: UUID, payload: NewCaseIn):
    """Open a case from a logged call: the matched caller becomes the requester, otherwise the
    number (and `contact_name`) is kept as the quick contact."""
    call = Call.objects.get_visible(request.auth, Action.CHANGE, public_id=call_id)
    case = services.case_open_from_call(actor=request.auth, call=call, **payload.dict())
    return Status(201, case_with_timeline(request.auth, case.pk))
