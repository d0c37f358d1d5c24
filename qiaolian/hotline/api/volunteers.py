"""Volunteers (list: profession, on duty now; detail) and duty shifts (list over a window).

The licence number never leaves in clear: the output carries only the masked form (revealing
it is an audited page action). A volunteer reads only their own record and shifts
(`Volunteer.assigned_to`, `Shift.assigned_to`).
"""

from dataclasses import asdict
from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from qiaolian.core.api_kit import PageHook, paginated, require, visible_unit
from qiaolian.core.scoping import Action
from qiaolian.core.timezones import zone
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Profession, Shift, Volunteer
from qiaolian.hotline.selectors import volunteers as selectors
from qiaolian.hotline.services import volunteers as services
from qiaolian.hotline.zones import HOTLINE_TIME_ZONE
from qiaolian.network.models import Group

router = Router(tags=["hotline: volunteers"])

MAX_SHIFT_WINDOW = timedelta(days=93)


class VolunteerOut(Schema):
    id: UUID = Field(..., alias="public_id")
    unit: str
    unit_name: str
    username: str
    display_name: str
    profession: Profession
    licence_number_masked: str = Field(..., description="the clear number never leaves")
    specialties: str
    languages: str
    time_zone: str
    availability: str
    is_active: bool
    on_duty: bool = Field(False, description="a shift is running now")

    @staticmethod
    def resolve_unit(obj: Volunteer) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Volunteer) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_username(obj: Volunteer) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_display_name(obj: Volunteer) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_licence_number_masked(obj: Volunteer) -> str:
        return obj.licence_masked

    @staticmethod
    def resolve_on_duty(obj: Volunteer) -> bool:
        return getattr(obj, "is_on_duty", False)


class GroupRef(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str


class HoursOut(Schema):
    period_start: datetime
    period_end: datetime
    shift_hours: float
    call_hours: float
    resolved_cases: int
    case_hours: float
    total: float


class VolunteerDetailOut(VolunteerOut):
    groups: list[GroupRef]
    hours_this_month: HoursOut

    @staticmethod
    def resolve_groups(obj: Volunteer) -> list:
        return obj.visible_groups

    @staticmethod
    def resolve_hours_this_month(obj: Volunteer) -> dict:
        return obj.hours_this_month


class ShiftOut(Schema):
    id: UUID = Field(..., alias="public_id")
    unit: str
    volunteer: UUID
    volunteer_name: str
    profession: Profession
    starts_at: datetime
    ends_at: datetime
    note: str

    @staticmethod
    def resolve_unit(obj: Shift) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_volunteer(obj: Shift) -> UUID:
        return obj.volunteer.public_id

    @staticmethod
    def resolve_volunteer_name(obj: Shift) -> str:
        return str(obj.volunteer.user)

    @staticmethod
    def resolve_profession(obj: Shift) -> str:
        return obj.volunteer.profession


def _mark_on_duty(user):
    def hook(volunteers: list[Volunteer]) -> None:
        running = selectors.on_duty_ids(user, volunteers)
        for volunteer in volunteers:
            volunteer.is_on_duty = volunteer.pk in running

    return hook


@router.get("/volunteers", response=list[VolunteerOut])
@paginated(page_size=100)
def volunteer_list(
    request,
    q: str = "",
    profession: Profession | None = None,
    on_duty: bool = False,
    inactive: bool = False,
    unit: UUID | None = None,
):
    """Active volunteers in the caller's scope (`inactive=true` adds the others); `on_duty=true`
    keeps those with a shift running now; `q` matches name, username, specialties, languages."""
    user = request.auth
    require(user, HOTLINE.VIEW)
    queryset = selectors.volunteer_list(user=user, within=visible_unit(user, unit, HOTLINE.VIEW))
    filters = {"q": q, "profession": profession, "on_duty": on_duty, "inactive": inactive}
    queryset = selectors.filter_volunteers(queryset, filters, user=user)
    return PageHook(
        queryset.order_by("profession", "user__display_name", "pk"), _mark_on_duty(user)
    )


@router.get("/volunteers/{volunteer_id}", response=VolunteerDetailOut)
def volunteer_detail(request, volunteer_id: UUID):
    """One volunteer: the groups they serve (those the caller may see) and this month's hours
    served (shifts, calls outside shifts, resolved cases; see docs/hotline-calls.md)."""
    user = request.auth
    volunteer = selectors.volunteer_list(user=user).get_visible(
        user, Action.VIEW, public_id=volunteer_id
    )
    _mark_on_duty(user)([volunteer])
    volunteer.visible_groups = list(
        Group.objects.restrict(user, Action.VIEW)
        .filter(pk__in=volunteer.groups.values("pk"))
        .order_by("name")
    )
    today = timezone.now().astimezone(zone(HOTLINE_TIME_ZONE)).date()
    start, end = services.month_bounds(today)
    hours = services.hours_served(volunteer, start, end)
    volunteer.hours_this_month = {
        **asdict(hours),
        "total": hours.total,
        "period_start": start,
        "period_end": end,
    }
    return volunteer


@router.get("/shifts", response=list[ShiftOut])
@paginated(page_size=200)
def shift_list(
    request,
    start: datetime | None = None,
    end: datetime | None = None,
    profession: Profession | None = None,
    volunteer: UUID | None = None,
    unit: UUID | None = None,
):
    """Shifts of active volunteers overlapping [`start`, `end`) (default: today 00:00 Beijing
    time and the 7 days after; at most 93 days), by start time."""
    user = request.auth
    require(user, HOTLINE.VIEW)
    if start is None:
        start = services.day_bounds(timezone.now().astimezone(zone(HOTLINE_TIME_ZONE)).date())[0]
    if end is None:
        end = start + timedelta(days=7)
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError({"start": _("Give the time with its offset, e.g. +08:00.")})
    if end <= start:
        raise ValidationError({"end": _("The end must come after the start.")})
    if end - start > MAX_SHIFT_WINDOW:
        raise ValidationError({"end": _("Ask for at most 93 days at a time.")})
    queryset = services.visible_shifts(user, visible_unit(user, unit, HOTLINE.VIEW), start, end)
    if profession:
        queryset = queryset.filter(volunteer__profession=profession)
    if volunteer is not None:
        queryset = queryset.filter(volunteer__public_id=volunteer)
    return queryset.order_by("starts_at", "pk")
