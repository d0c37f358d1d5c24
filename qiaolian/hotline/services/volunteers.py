"""Volunteers (doctors, lawyers, cadres, interpreters, psychologists) and their duty shifts:
writes, who is on duty now, routing suggestions for a new case, and hours served. The rota's
reads (shifts over a span, the coverage gaps, the week grid) are in `selectors/rota.py`.

Hours served (see docs/hotline-calls.md) = shift hours inside the period
+ the durations of calls the volunteer took outside their shifts
+ CASE_CREDIT_MINUTES for each case assigned to them and resolved inside the period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.models import Unit, User
from qiaolian.core.scoping import Action, assert_visible, require_unit
from qiaolian.core.timezones import check_zone, zone
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import (
    CATEGORY_PROFESSION,
    OPEN_STATUSES,
    Call,
    Case,
    Shift,
    Status,
    Volunteer,
)
from qiaolian.hotline.selectors.rota import (
    day_bounds,
    merge_spans,
    visible_shifts,  # noqa: F401  (hotline/api/volunteers.py reads shifts through here)
)
from qiaolian.hotline.zones import HOTLINE_TIME_ZONE
from qiaolian.network.models import Group

VOLUNTEER_FIELDS = (
    "unit",
    "profession",
    "specialties",
    "languages",
    "time_zone",
    "availability",
    "is_active",
)
SHIFT_FIELDS = ("volunteer", "starts_at", "ends_at", "note")
MAX_SHIFT = timedelta(hours=24)
CASE_CREDIT_MINUTES = 30


# --- volunteers ---------------------------------------------------------------------------


def _require_volunteer(*, actor: Any, volunteer: Volunteer, action: Action = Action.CHANGE) -> None:
    if not Volunteer.objects.restrict(actor, action).filter(pk=volunteer.pk).exists():
        raise PermissionDenied(_("You may not change this volunteer."))


def _check_groups(*, actor: Any, groups: Any) -> list[Group]:
    groups = list(groups or [])
    visible = set(
        Group.objects.restrict(actor, Action.VIEW)
        .filter(pk__in=[g.pk for g in groups])
        .values_list("pk", flat=True)
    )
    if any(g.pk not in visible for g in groups):
        raise PermissionDenied(_("You cannot link to this group."))
    return groups


@transaction.atomic
def volunteer_create(
    *,
    actor: Any,
    unit: Unit,
    user: User,
    profession: str,
    licence_number: str = "",
    specialties: str = "",
    languages: str = "",
    time_zone: str = HOTLINE_TIME_ZONE,
    groups: Any = (),
    availability: str = "",
    is_active: bool = True,
) -> Volunteer:
    require_unit(actor, HOTLINE.ADD, unit)
    if not User.objects.restrict(actor, Action.VIEW).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You cannot link to this user account."))
    if Volunteer.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This user account is already a volunteer.")})
    check_zone(time_zone)
    volunteer = Volunteer(
        unit=unit,
        user=user,
        profession=profession,
        licence_number=(licence_number or "").strip(),
        specialties=specialties.strip(),
        languages=languages.strip(),
        time_zone=time_zone,
        availability=availability.strip(),
        is_active=is_active,
    )
    volunteer.full_clean()
    volunteer.save()
    volunteer.groups.set(_check_groups(actor=actor, groups=groups))
    assert_visible(actor, volunteer, Action.VIEW)
    changes = audit.diff({}, audit.snapshot(volunteer, VOLUNTEER_FIELDS))
    if volunteer.licence_number:
        changes["licence_number"] = [None, "***"]  # never the clear value in the log
    audit.record(actor=actor, action="volunteer.create", obj=volunteer, changes=changes)
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: Any, volunteer: Volunteer, **fields: Any) -> Volunteer:
    """Change a volunteer. `licence_number` left blank keeps the stored number (the form
    never shows it in clear); `groups` replaces the groups served."""
    _require_volunteer(actor=actor, volunteer=volunteer)
    current = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    before = audit.snapshot(current, VOLUNTEER_FIELDS)
    changes: dict[str, list] = {}
    groups = fields.pop("groups", None)
    licence = (fields.pop("licence_number", "") or "").strip()
    for name, value in fields.items():
        if name not in VOLUNTEER_FIELDS:
            raise ValueError(f"volunteer field {name!r} cannot be set here")
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if "unit" in fields:
        require_unit(actor, HOTLINE.CHANGE, current.unit)
    if "time_zone" in fields:
        check_zone(current.time_zone)
    if licence and licence != current.licence_number:
        current.licence_number = licence
        changes["licence_number"] = ["***", "*** (changed)"]
    current.full_clean()
    changes.update(audit.diff(before, audit.snapshot(current, VOLUNTEER_FIELDS)))
    current.save()
    if groups is not None:
        checked = _check_groups(actor=actor, groups=groups)
        old = sorted(str(g) for g in current.groups.all())
        new = sorted(str(g) for g in checked)
        if old != new:
            current.groups.set(checked)
            changes["groups"] = [old, new]
    assert_visible(actor, current, Action.CHANGE)
    if changes:
        audit.record(actor=actor, action="volunteer.update", obj=current, changes=changes)
    return current


@transaction.atomic
def reveal_licence(*, actor: Any, volunteer: Volunteer) -> str:
    """The licence number in clear, for holders of REVEAL; every reveal is audited."""
    if not Volunteer.objects.restrict(actor, Action.REVEAL).filter(pk=volunteer.pk).exists():
        raise PermissionDenied(_("You may not see licence numbers in clear."))
    audit.record(
        actor=actor,
        action="volunteer.reveal",
        obj=volunteer,
        message="licence_number",
    )
    return volunteer.licence_number


# --- shifts -------------------------------------------------------------------------------


def _check_shift(volunteer: Volunteer, starts_at: datetime, ends_at: datetime, pk=None) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError(_("Give the start and the end of the shift."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The shift must end after it starts.")})
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError({"ends_at": _("A shift lasts at most 24 hours; add another one.")})
    clash = (
        Shift.objects.filter(volunteer=volunteer, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk=pk)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        tz = zone(HOTLINE_TIME_ZONE)
        raise ValidationError(
            {
                "starts_at": _(
                    "%(volunteer)s already has a shift from %(start)s to %(end)s that overlaps "
                    "this one: change the times or edit that shift."
                )
                % {
                    "volunteer": volunteer.user,
                    "start": clash.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                    "end": clash.ends_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                }
            }
        )


@transaction.atomic
def shift_create(
    *, actor: Any, volunteer: Volunteer, starts_at: datetime, ends_at: datetime, note: str = ""
) -> Shift:
    _require_volunteer(actor=actor, volunteer=volunteer)
    require_unit(actor, HOTLINE.ADD, volunteer.unit, _("You cannot plan shifts for this unit."))
    # Lock the volunteer so two concurrent saves cannot both pass the overlap check.
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    _check_shift(volunteer, starts_at, ends_at)
    shift = Shift(
        unit=volunteer.unit,
        volunteer=volunteer,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip(),
    )
    shift.full_clean()
    shift.save()
    assert_visible(actor, shift, Action.VIEW)
    audit.record(
        actor=actor,
        action="shift.create",
        obj=shift,
        changes=audit.diff({}, audit.snapshot(shift, SHIFT_FIELDS)),
    )
    return shift


@transaction.atomic
def shift_update(*, actor: Any, shift: Shift, **fields: Any) -> Shift:
    if not Shift.objects.restrict(actor, Action.CHANGE).filter(pk=shift.pk).exists():
        raise PermissionDenied(_("You may not change this shift."))
    # Planning shifts is the unit's staff's job, as creating and deleting them: a volunteer's
    # CHANGE (narrowed to their own shifts) must not stretch the hours they are credited with.
    require_unit(actor, HOTLINE.CHANGE, shift.unit, _("You cannot plan shifts for this unit."))
    current = Shift.objects.select_for_update().get(pk=shift.pk)
    before = audit.snapshot(current, SHIFT_FIELDS)
    for name, value in fields.items():
        if name not in SHIFT_FIELDS:
            raise ValueError(f"shift field {name!r} cannot be set here")
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if "volunteer" in fields:
        _require_volunteer(actor=actor, volunteer=current.volunteer)
        current.unit = current.volunteer.unit
        require_unit(
            actor, HOTLINE.CHANGE, current.unit, _("You cannot plan shifts for this unit.")
        )
    Volunteer.objects.select_for_update().filter(pk=current.volunteer_id).first()
    _check_shift(current.volunteer, current.starts_at, current.ends_at, pk=current.pk)
    current.full_clean()
    changes = audit.diff(before, audit.snapshot(current, SHIFT_FIELDS))
    if not changes:
        return current
    current.save()
    assert_visible(actor, current, Action.CHANGE)
    audit.record(actor=actor, action="shift.update", obj=current, changes=changes)
    return current


@transaction.atomic
def shift_delete(*, actor: Any, shift: Shift) -> None:
    if not Shift.objects.restrict(actor, Action.DELETE).filter(pk=shift.pk).exists():
        raise PermissionDenied(_("You may not delete this shift."))
    audit.record(
        actor=actor,
        action="shift.delete",
        obj=shift,
        changes=audit.diff(audit.snapshot(shift, SHIFT_FIELDS), {}),
    )
    shift.delete()


# --- duty rota reads ----------------------------------------------------------------------


def on_duty(
    user: Any,
    at: datetime | None = None,
    profession: str | None = None,
    *,
    within: Unit | None = None,
):
    """Active volunteers visible to `user` with a shift running at `at` (default now)."""
    at = at or timezone.now()
    running = Shift.objects.filter(starts_at__lte=at, ends_at__gt=at)
    queryset = Volunteer.objects.restrict(user, Action.VIEW).filter(
        is_active=True, pk__in=running.values("volunteer_id")
    )
    if profession:
        queryset = queryset.filter(profession=profession)
    if within is not None:
        queryset = queryset.in_subtree(within)
    return queryset.select_related("user", "unit").order_by("profession", "user__display_name")


# --- routing ------------------------------------------------------------------------------

LANGUAGE_ALIASES = {
    "zh": ("中文", "汉语", "普通话", "国语", "chinese", "mandarin", "zh"),
    "yue": ("粤语", "广东话", "cantonese", "yue"),
    "wuu": ("宁波话", "吴语", "上海话", "wu"),
    "en": ("english", "英语", "英文", "en"),
    "it": ("italian", "italiano", "意大利语", "it"),
    "es": ("spanish", "español", "espanol", "西班牙语", "es"),
    "fr": ("french", "français", "francais", "法语", "fr"),
    "de": ("german", "deutsch", "德语", "de"),
    "pt": ("portuguese", "português", "portugues", "葡萄牙语", "pt"),
    "ja": ("japanese", "日本語", "日语", "ja"),
    "ko": ("korean", "한국어", "韩语", "ko"),
    "ru": ("russian", "русский", "俄语", "ru"),
    "nl": ("dutch", "nederlands", "荷兰语", "nl"),
    "ar": ("arabic", "العربية", "阿拉伯语", "ar"),
}
_ALIAS = {alias.lower(): code for code, names in LANGUAGE_ALIASES.items() for alias in names}


def language_codes(text: str) -> set[str]:
    """Languages written freely ("中文, English", "Italiano/粤语") as comparable codes."""
    parts = [p.strip().lower() for p in re.split(r"[,，、;；/|]+", text or "") if p.strip()]
    return {_ALIAS.get(p, p) for p in parts}


@dataclass
class Suggestion:
    """A volunteer to route a case to, with the reasons, best first."""

    volunteer: Volunteer
    on_duty: bool
    profession_match: bool
    language_match: bool | None  # None: the requester's language is unknown
    open_cases: int
    shift_ends: datetime | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def user(self) -> User:
        return self.volunteer.user

    @property
    def rank_key(self) -> tuple:
        return (
            not self.on_duty,
            not self.profession_match,
            self.language_match is False,
            self.open_cases,
            str(self.volunteer.user),
        )


def suggest_assignees(
    user: Any, case: Case, at: datetime | None = None, *, limit: int = 5
) -> list[Suggestion]:
    """Volunteers who could take `case`: on duty at `at`, of the profession its category
    needs (CATEGORY_PROFESSION), speaking the requester's language, with the fewest open
    cases, in that order of weight. Only volunteers who hold a grant covering the case's unit
    (the cases area's `eligible_users`) and who are visible to `user` are offered."""
    from qiaolian.hotline.selectors.cases import eligible_users

    at = at or timezone.now()
    needed = CATEGORY_PROFESSION.get(case.category)
    # Only those the case may be assigned to: a grant carrying VIEW at its unit or above.
    candidates = Volunteer.objects.restrict(user, Action.VIEW).filter(
        is_active=True, user__in=eligible_users(case.unit)
    )
    if needed:
        candidates = candidates.filter(profession=needed)
    candidates = candidates.select_related("user")
    candidates = candidates.annotate(
        open_count=Count(
            "user__assigned_cases",
            filter=Q(user__assigned_cases__status__in=OPEN_STATUSES),
            distinct=True,
        )
    )
    running = {
        s.volunteer_id: s.ends_at
        for s in Shift.objects.filter(
            volunteer__in=candidates.values("pk"), starts_at__lte=at, ends_at__gt=at
        ).order_by("ends_at")
    }
    wanted_languages = language_codes(case.requester.languages) if case.requester_id else set()
    tz = zone(HOTLINE_TIME_ZONE)
    suggestions = []
    for volunteer in candidates:
        spoken = language_codes(volunteer.languages)
        language_match = bool(spoken & wanted_languages) if wanted_languages else None
        ends = running.get(volunteer.pk)
        reasons = []
        if ends is not None:
            reasons.append(
                _("On duty until %(time)s") % {"time": ends.astimezone(tz).strftime("%H:%M")}
            )
        else:
            reasons.append(_("Not on duty now"))
        if needed:
            reasons.append(
                _("%(profession)s, as the category needs")
                % {"profession": volunteer.get_profession_display()}
            )
        if language_match:
            reasons.append(_("Speaks %(languages)s") % {"languages": volunteer.languages or "—"})
        elif language_match is False:
            reasons.append(
                _("Does not list the requester's language (%(languages)s)")
                % {"languages": case.requester.languages}
            )
        reasons.append(
            _("%(count)s open cases") % {"count": volunteer.open_count}  # type: ignore[attr-defined]
        )
        suggestions.append(
            Suggestion(
                volunteer=volunteer,
                on_duty=ends is not None,
                profession_match=bool(needed) and volunteer.profession == needed,
                language_match=language_match,
                open_cases=volunteer.open_count,  # type: ignore[attr-defined]
                shift_ends=ends,
                reasons=reasons,
            )
        )
    suggestions.sort(key=lambda s: s.rank_key)
    return suggestions[:limit]


# --- hours served -------------------------------------------------------------------------


@dataclass
class HoursServed:
    shift_hours: float
    call_hours: float
    resolved_cases: int
    case_hours: float

    @property
    def total(self) -> float:
        return round(self.shift_hours + self.call_hours + self.case_hours, 2)


def hours_served(volunteer: Volunteer, start: datetime, end: datetime) -> HoursServed:
    """Hours the volunteer served in [start, end): see the module docstring.

    Calls are counted only outside their shifts (time on shift is already counted whole);
    a resolved case is credited CASE_CREDIT_MINUTES, the written work no call records."""
    shifts = [
        (max(s.starts_at, start), min(s.ends_at, end))
        for s in Shift.objects.filter(volunteer=volunteer, starts_at__lt=end, ends_at__gt=start)
    ]
    shift_seconds = sum((b - a).total_seconds() for a, b in merge_spans(shifts))
    call_seconds = 0.0
    calls = Call.objects.filter(
        taken_by=volunteer.user, started_at__gte=start, started_at__lt=end
    ).only("started_at", "duration_seconds")
    for call in calls:
        if not any(a <= call.started_at < b for a, b in shifts):
            call_seconds += call.duration_seconds
    resolved = Case.objects.filter(
        assignee=volunteer.user,
        resolved_at__gte=start,
        resolved_at__lt=end,
        status__in=(Status.RESOLVED, Status.CLOSED),
    ).count()
    return HoursServed(
        shift_hours=round(shift_seconds / 3600, 2),
        call_hours=round(call_seconds / 3600, 2),
        resolved_cases=resolved,
        case_hours=round(resolved * CASE_CREDIT_MINUTES / 60, 2),
    )


def month_bounds(day: date, tz_name: str = HOTLINE_TIME_ZONE) -> tuple[datetime, datetime]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return day_bounds(first, tz_name)[0], day_bounds(following, tz_name)[0]
