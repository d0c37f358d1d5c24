"""SLA clock: due times from policies and calendars, pause while waiting, breach detection.

Interface used by `hotline.services.cases` (keep these signatures):
- `start_clock(case)`: pick the policy for the case's category/priority, set `sla_policy`,
  `first_response_due`, `resolution_due` (not saved: the caller saves).
- `on_status_change(case, old_status, new_status, at)`: pause when entering WAITING, resume
  (push due times by the calendar time paused) when leaving it, stop on RESOLVED/CLOSED,
  restart the resolution clock on reopen. Mutates the case; the caller saves.
- `on_first_response(case, at)`: record the first response (sets `first_response_at`).

Calendars: a 24×7 calendar counts wall-clock time. A business calendar counts only the minutes
between `day_start` and `day_end` (in the calendar's time zone) of mainland China's working
days, as core's working calendar holds them (`qiaolian.core.workdays`: seeded from the holiday
libraries, each year's official schedule entered by a city administrator): public holidays are
skipped and the make-up working days (调休, usually a Saturday or Sunday) count. A year with no
schedule counts Monday to Friday and is logged once; the dashboard warns before that happens.

`due_time` is called for every case opened (and benchmarked per case): it jumps over whole
days, never loops over minutes, and the working-day test reads a per-process copy of the year.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qiaolian.core import audit, timezones
from qiaolian.core.apps import CORE
from qiaolian.core.scoping import ancestor_paths
from qiaolian.core.services import can_configure
from qiaolian.core.workdays import is_working_day
from qiaolian.hotline.models import (
    OPEN_STATUSES,
    CalendarKind,
    EventKind,
    Priority,
    SlaCalendar,
    SlaPolicy,
    Status,
)
from qiaolian.hotline.timeline import add_event

logger = logging.getLogger(__name__)

DEFAULT_WARN_MINUTES = 60
STOPPED = (Status.RESOLVED, Status.CLOSED)
BEIJING = ZoneInfo("Asia/Shanghai")

# --- calendar arithmetic ----------------------------------------------------------------------


def _is_24x7(calendar: Any) -> bool:
    return (
        calendar is None
        or calendar.kind == CalendarKind.ALWAYS
        or not calendar.day_start
        or not calendar.day_end
        or calendar.day_end <= calendar.day_start
    )


def _zone(name: str) -> ZoneInfo:
    # A calendar's zone is checked when it is saved; an old unknown one counts in Beijing time.
    return timezones.zone(name, default=BEIJING.key)


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _at(day: date, seconds: float, zone: ZoneInfo) -> datetime:
    """The aware instant `seconds` after local midnight of `day` (wall-clock arithmetic)."""
    return datetime.combine(day, time(), tzinfo=zone) + timedelta(seconds=seconds)


def _add_business_seconds(start: datetime, seconds: float, calendar: Any) -> datetime:
    zone = _zone(calendar.time_zone)
    open_s, close_s = _seconds(calendar.day_start), _seconds(calendar.day_end)
    day_length = close_s - open_s
    local = start.astimezone(zone)
    day = local.date()
    now_s = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    remaining = max(seconds, 0.0)
    if is_working_day(day) and now_s < close_s:
        cursor = max(now_s, open_s)
        if remaining <= close_s - cursor:
            return _at(day, cursor + remaining, zone)
        remaining -= close_s - cursor
    # Whole working days at a time; only the last day is cut short.
    while True:
        day += timedelta(days=1)
        if not is_working_day(day):
            continue
        if remaining <= day_length:
            return _at(day, open_s + remaining, zone)
        remaining -= day_length


def due_time(start: datetime, minutes: float, calendar: Any) -> datetime:
    """The instant `minutes` of the calendar's time after `start` (aware, in UTC).

    On a business calendar a start outside working hours begins counting at the next opening,
    so a case filed on Friday at 17:00 with 4 business hours is due Monday (or the next
    make-up working day) at 12:30 with a 09:00–17:30 day.
    """
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    if _is_24x7(calendar):
        return (start + timedelta(minutes=minutes)).astimezone(UTC)
    return _add_business_seconds(start, minutes * 60, calendar).astimezone(UTC)


def business_seconds_between(a: datetime, b: datetime, calendar: Any) -> float:
    """Seconds of calendar time from `a` to `b` (0 when `b` is not after `a`)."""
    if b <= a:
        return 0.0
    if _is_24x7(calendar):
        return (b - a).total_seconds()
    zone = _zone(calendar.time_zone)
    open_s, close_s = _seconds(calendar.day_start), _seconds(calendar.day_end)
    first, last = a.astimezone(zone), b.astimezone(zone)
    total = 0.0
    day = first.date()
    while day <= last.date():
        if is_working_day(day):
            lo = _at(day, open_s, zone)
            hi = _at(day, close_s, zone)
            span = (min(hi, b) - max(lo, a)).total_seconds()
            if span > 0:
                total += span
        day += timedelta(days=1)
    return total


def business_minutes_between(a: datetime, b: datetime, calendar: Any) -> float:
    return business_seconds_between(a, b, calendar) / 60


# --- policies ---------------------------------------------------------------------------------


def policy_for(category: str, priority: str) -> SlaPolicy | None:
    """The most specific active policy: category+priority, category, priority, default."""
    candidates = {
        (p.category, p.priority): p
        for p in SlaPolicy.objects.filter(
            Q(category=category) | Q(category=""),
            Q(priority=priority) | Q(priority=""),
            is_active=True,
        ).select_related("calendar")
    }
    for key in ((category, priority), (category, ""), ("", priority), ("", "")):
        if key in candidates:
            return candidates[key]
    return None


# --- the clock --------------------------------------------------------------------------------


def _calendar(case: Any) -> Any:
    policy = case.sla_policy
    return policy.calendar if policy is not None else None


def start_clock(case: Any) -> None:
    policy = policy_for(case.category, case.priority)
    case.sla_policy = policy
    if policy is None:
        case.first_response_due = case.resolution_due = None
        return
    opened = case.opened_at or timezone.now()
    case.first_response_due = due_time(opened, policy.first_response_minutes, policy.calendar)
    case.resolution_due = due_time(opened, policy.resolution_minutes, policy.calendar)


SLA_FIELDS = ("sla_policy", "first_response_due", "resolution_due", "warned_at")


def reapply_policy(case: Any) -> None:
    """The category or priority of an open case changed: the new policy's targets, counted
    from the opening and pushed by the time already spent waiting for the requester. Earlier
    breach flags stay on record; the new targets get fresh notices. Mutates `SLA_FIELDS`."""
    if case.status not in OPEN_STATUSES:
        return
    start_clock(case)
    calendar = _calendar(case)
    if calendar is not None and case.paused_seconds:
        waited = case.paused_seconds / 60
        if case.first_response_due and case.first_response_at is None:
            case.first_response_due = due_time(case.first_response_due, waited, calendar)
        case.resolution_due = due_time(case.resolution_due, waited, calendar)
    case.warned_at = None


def _pause(case: Any, at: datetime) -> None:
    if case.paused_since is None:
        case.paused_since = at


def _resume(case: Any, at: datetime) -> None:
    if case.paused_since is None:
        return
    calendar = _calendar(case)
    paused = business_seconds_between(case.paused_since, at, calendar)
    case.paused_seconds = (case.paused_seconds or 0) + round(paused)
    if paused > 0:
        # The due times still ahead when the wait began move by the calendar time the clock
        # stood still; one already missed stays missed.
        since = case.paused_since
        first, resolution = case.first_response_due, case.resolution_due
        if first and case.first_response_at is None and first > since:
            case.first_response_due = due_time(first, paused / 60, calendar)
        if resolution and resolution > since:
            case.resolution_due = due_time(resolution, paused / 60, calendar)
    case.paused_since = None


def _stop(case: Any, new_status: str, at: datetime) -> None:
    if new_status == Status.RESOLVED or case.resolved_at is None:
        case.resolved_at = at
    if new_status == Status.CLOSED:
        case.closed_at = at
    if case.resolution_due and at > case.resolution_due:
        case.resolution_breached = True
    # A case closed without any reply answered its requester by the resolution itself.
    responded = case.first_response_at or at
    if case.first_response_due and responded > case.first_response_due:
        case.first_response_breached = True


def _restart(case: Any, at: datetime) -> None:
    policy = case.sla_policy or policy_for(case.category, case.priority)
    case.sla_policy = policy
    if policy is not None:
        case.resolution_due = due_time(at, policy.resolution_minutes, policy.calendar)
    case.resolved_at = None
    case.closed_at = None
    # A new resolution target deserves new notices; the earlier breach stays on record.
    case.warned_at = None
    case.breach_notified_at = None


def on_status_change(case: Any, old_status: str, new_status: str, at: datetime) -> None:
    if old_status == new_status:
        return
    if old_status == Status.WAITING:
        _resume(case, at)
    if new_status in STOPPED and old_status not in STOPPED:
        _stop(case, new_status, at)
    elif old_status in STOPPED and new_status in OPEN_STATUSES:
        _restart(case, at)
    if new_status == Status.WAITING:
        _pause(case, at)


def on_first_response(case: Any, at: datetime) -> None:
    if case.first_response_at is None:
        case.first_response_at = at
        if case.first_response_due and at > case.first_response_due:
            case.first_response_breached = True


# --- queries ----------------------------------------------------------------------------------


def _first_response_pending() -> Q:
    return Q(first_response_at__isnull=True, first_response_due__isnull=False)


def breaching_soon_q(now: datetime) -> Q:
    """Open, running cases whose first-response or resolution due time falls inside the warning
    window of their policy (60 minutes without a policy). Reads the few distinct windows."""
    windows = set(SlaPolicy.objects.values_list("warn_before_minutes", flat=True).distinct())
    # A range on the two due times wide enough for every window comes first: it lets the
    # database read the few candidates from the due-time indexes instead of every open case.
    widest = now + timedelta(minutes=max(windows | {DEFAULT_WARN_MINUTES}))
    candidates = (
        _first_response_pending() & Q(first_response_due__gt=now, first_response_due__lte=widest)
    ) | Q(resolution_due__gt=now, resolution_due__lte=widest)
    within = Q(pk__in=[])
    for minutes in windows | {DEFAULT_WARN_MINUTES}:
        edge = now + timedelta(minutes=minutes)
        owner = (
            Q(sla_policy__warn_before_minutes=minutes)
            if minutes != DEFAULT_WARN_MINUTES
            else Q(sla_policy__warn_before_minutes=minutes) | Q(sla_policy__isnull=True)
        )
        due = (
            _first_response_pending() & Q(first_response_due__gt=now, first_response_due__lte=edge)
        ) | Q(resolution_due__gt=now, resolution_due__lte=edge)
        within |= owner & due
    return Q(status__in=OPEN_STATUSES, paused_since__isnull=True) & candidates & within


def first_response_breached_q(now: datetime) -> Q:
    return _first_response_pending() & Q(first_response_due__lte=now)


def resolution_breached_q(now: datetime) -> Q:
    return Q(resolution_due__lte=now)


def breached_q(now: datetime) -> Q:
    """Open, running cases past a due time (first response not given in time, or unresolved)."""
    return Q(status__in=OPEN_STATUSES, paused_since__isnull=True) & (
        first_response_breached_q(now) | resolution_breached_q(now)
    )


# --- configuration (CONFIGURE at a root unit) -------------------------------------------------

CALENDAR_FIELDS = ("name", "kind", "time_zone", "day_start", "day_end")
POLICY_FIELDS = (
    "name",
    "category",
    "priority",
    "calendar",
    "first_response_minutes",
    "resolution_minutes",
    "warn_before_minutes",
    "is_active",
)


def _require_configure(*, actor: Any) -> None:
    if not can_configure(actor=actor):
        raise PermissionDenied(_("Only the city federation's administrators edit SLA settings."))


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict:
    return {name: str(getattr(obj, name)) for name in fields}


@transaction.atomic
def sla_calendar_save(*, actor: Any, calendar: SlaCalendar | None = None, **fields) -> SlaCalendar:
    """Create (calendar=None) or update an SLA calendar."""
    _require_configure(actor=actor)
    is_new = calendar is None
    if calendar is None:
        calendar = SlaCalendar()
    else:
        calendar = SlaCalendar.objects.select_for_update().get(pk=calendar.pk)
    before = _snapshot(calendar, CALENDAR_FIELDS) if not is_new else {}
    for name in CALENDAR_FIELDS:
        if name in fields:
            setattr(calendar, name, fields[name])
    if calendar.kind == CalendarKind.BUSINESS:
        if not calendar.day_start or not calendar.day_end:
            raise ValidationError(
                {"day_start": _("A business-hours calendar needs the start and end of the day.")}
            )
        if calendar.day_end <= calendar.day_start:
            raise ValidationError(
                {"day_end": _("The working day must end after it starts (e.g. 09:00–17:30).")}
            )
    timezones.check_zone(
        calendar.time_zone, message=_("Unknown time zone: use a name like Asia/Shanghai.")
    )
    calendar.full_clean()
    calendar.save()
    after = _snapshot(calendar, CALENDAR_FIELDS)
    audit.record(
        actor=actor,
        action="sla_calendar.create" if is_new else "sla_calendar.update",
        obj=calendar,
        changes=audit.diff(before, after),
    )
    return calendar


@transaction.atomic
def sla_policy_save(*, actor: Any, policy: SlaPolicy | None = None, **fields) -> SlaPolicy:
    """Create (policy=None) or update an SLA policy; one active policy per category/priority."""
    _require_configure(actor=actor)
    is_new = policy is None
    if policy is None:
        policy = SlaPolicy()
    else:
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    before = _snapshot(policy, POLICY_FIELDS) if not is_new else {}
    for name in POLICY_FIELDS:
        if name in fields:
            setattr(policy, name, fields[name])
    first, resolve = policy.first_response_minutes, policy.resolution_minutes
    if first is not None and resolve is not None and first > resolve:
        raise ValidationError(
            {
                "first_response_minutes": _(
                    "The first-response target cannot be longer than the resolution target."
                )
            }
        )
    if policy.is_active:
        clash = SlaPolicy.objects.filter(
            category=policy.category, priority=policy.priority, is_active=True
        ).exclude(pk=policy.pk)
        if clash.exists():
            raise ValidationError(
                _(
                    "An active policy already covers this category and priority: edit it or "
                    "deactivate it first."
                )
            )
    policy.full_clean(validate_constraints=False)
    policy.save()
    after = _snapshot(policy, POLICY_FIELDS)
    audit.record(
        actor=actor,
        action="sla_policy.create" if is_new else "sla_policy.update",
        obj=policy,
        changes=audit.diff(before, after),
    )
    return policy


# --- built-in data ----------------------------------------------------------------------------

# Names are data in the federation's language, as an admin would type them (they were once
# "中文 / English" pairs; migration 0006 renamed those).

ALWAYS_NAME = "24×7 热线"
BUSINESS_NAME = "工作时间（中国）"
DAY = 24 * 60


def ensure_default_policies(**_kwargs: Any) -> None:
    """Create the built-in calendars and policies when missing; an admin's edits are kept.

    Connected to post_migrate (hotline/apps.py) and called by the demo seed.
    """
    always, _created = SlaCalendar.objects.get_or_create(
        name=ALWAYS_NAME, defaults={"kind": CalendarKind.ALWAYS, "time_zone": "Asia/Shanghai"}
    )
    business, _created = SlaCalendar.objects.get_or_create(
        name=BUSINESS_NAME,
        defaults={
            "kind": CalendarKind.BUSINESS,
            "time_zone": "Asia/Shanghai",
            "day_start": time(9, 0),
            "day_end": time(17, 30),
        },
    )
    business_day = 8 * 60 + 30  # 09:00–17:30
    defaults = [
        # (name, category, priority, calendar, first response, resolution, warn before)
        ("热线默认", "", "", always, 30, 3 * DAY, 60),
        ("紧急", "", Priority.URGENT, always, 15, DAY, 60),
        ("法律维权", "legal", "", business, 4 * 60, 5 * business_day, 120),
        ("政策解读", "policy", "", business, 4 * 60, 5 * business_day, 120),
    ]
    for name, category, priority, calendar, first, resolve, warn in defaults:
        if SlaPolicy.objects.filter(category=category, priority=priority).exists():
            continue
        SlaPolicy.objects.create(
            name=name,
            category=category,
            priority=priority,
            calendar=calendar,
            first_response_minutes=first,
            resolution_minutes=resolve,
            warn_before_minutes=warn,
        )


# --- escalation -------------------------------------------------------------------------------

CHECK_BATCH = 500  # cases per kind and run; the next tick takes the rest


def _sla_event(case: Any, text: str, data: dict, at: datetime) -> None:
    add_event(case, EventKind.SLA, None, text=text, data=data, internal=True, at=at)


def _admin_role_codes() -> list[str]:
    from qiaolian.core.models import Role

    return [r.code for r in Role.objects.all() if r.grants(CORE.ADMIN)]


def recipients(case: Any, admin_roles: list[str]) -> list[str]:
    """The assignee and the admins of the case's unit (or of the nearest unit above that has
    any), as e-mail addresses."""
    from qiaolian.core.models import UnitRole

    prefixes = [*ancestor_paths(case.unit.path), case.unit.path]
    grants = UnitRole.objects.filter(  # scoping: exempt, system task reads the unit's admins
        unit__path__in=prefixes,
        unit__is_active=True,
        role__code__in=admin_roles,
        user__is_active=True,
    ).values_list("unit__path", "user__email")
    by_path: dict[str, list[str]] = {}
    for unit_path, email in grants:
        if email:
            by_path.setdefault(unit_path, []).append(email)
    addresses: list[str] = []
    if case.assignee_id and case.assignee.is_active and case.assignee.email:
        addresses.append(case.assignee.email)
    if by_path:
        addresses += by_path[max(by_path, key=len)]
    return sorted(set(addresses))


def _beijing(value: datetime | None) -> str:
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if value else "—"


def _notice(case: Any, kind: str, targets: list[str]) -> tuple[str, str, str]:
    """(timeline text, mail subject, mail body) in the site's language."""
    labels = {"first_response": _("first response"), "resolution": _("resolution")}
    due = {"first_response": case.first_response_due, "resolution": case.resolution_due}
    phrase = _("%(what)s due %(at)s") if kind == "warning" else _("%(what)s was due %(at)s")
    items = _("; ").join(phrase % {"what": labels[t], "at": _beijing(due[t])} for t in targets)
    if kind == "warning":
        text = _("SLA warning: %(items)s (Beijing time).") % {"items": items}
        subject = _("[Qiaolian] Case %(number)s is about to breach its SLA") % {
            "number": case.number
        }
    else:
        text = _("SLA breached: %(items)s (Beijing time).") % {"items": items}
        subject = _("[Qiaolian] Case %(number)s has breached its SLA") % {"number": case.number}
    body = "\n".join(
        [
            text,
            "",
            f"{case.number} {case.subject}",
            _("Unit: %(unit)s") % {"unit": case.unit.label},
            _("Assignee: %(name)s") % {"name": case.assignee or _("nobody yet")},
            _("Status: %(status)s") % {"status": case.get_status_display()},
        ]
    )
    return text, subject, body


def _targets(case: Any, now: datetime, *, soon: bool) -> list[str]:
    targets = []
    frd, rd = case.first_response_due, case.resolution_due
    warn = case.sla_policy.warn_before_minutes if case.sla_policy else DEFAULT_WARN_MINUTES
    edge = now + timedelta(minutes=warn)
    if case.first_response_at is None and frd and (now < frd <= edge if soon else frd <= now):
        targets.append("first_response")
    if rd and (now < rd <= edge if soon else rd <= now):
        targets.append("resolution")
    return targets


def _escalate(case_id: int, kind: str, now: datetime, admin_roles: list[str]) -> bool:
    """Warn about or report the breach of one case, once: the marker column is claimed by a
    conditional UPDATE, so a second run (or a second worker) finds nothing to do."""
    from qiaolian.core.tasks import enqueue_on_commit, send_email
    from qiaolian.hotline.models import Case
    from qiaolian.hotline.services import rollup

    marker = "warned_at" if kind == "warning" else "breach_notified_at"
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))  # scoping: exempt, system task
            .select_related("unit", "assignee", "sla_policy")
            .filter(pk=case_id, **{f"{marker}__isnull": True})
            .first()
        )
        if case is None:
            return False
        targets = _targets(case, now, soon=kind == "warning")
        if not targets:
            return False
        changed: dict[str, Any] = {marker: now}
        if kind == "breach":
            if "first_response" in targets:
                changed["first_response_breached"] = True
            if "resolution" in targets:
                changed["resolution_breached"] = True
        with rollup.tracked(case.pk):  # the breach flags are figures
            claimed = Case.objects.filter(pk=case.pk, **{f"{marker}__isnull": True}).update(
                **changed
            )
        if not claimed:
            return False
        for name, value in changed.items():
            setattr(case, name, value)
        with translation.override(settings.LANGUAGE_CODE):
            text, subject, body = _notice(case, kind, targets)
        _sla_event(case, text, {"sla": kind, "targets": targets}, now)
        audit.record(
            actor=None,
            action=f"case.sla_{kind}",
            obj=case,
            # a moment as ISO text and a flag as a boolean: the log shows both in words
            changes={
                k: [None, v.isoformat() if isinstance(v, datetime) else v]
                for k, v in changed.items()
            },
            message=text,  # in the site's language: the log shows no target codes
        )
        to = recipients(case, admin_roles)
        if to:
            enqueue_on_commit(send_email, subject=subject, body=body, to=to)
        _bell(case, kind, targets)
    return True


def _bell(case: Any, kind: str, targets: list[str]) -> None:
    """The in-app notice beside the e-mail: the assignee and the unit's managers."""
    from qiaolian.hotline.services import notify

    due = case.first_response_due if targets[0] == "first_response" else case.resolution_due
    people = [case.assignee, *notify.unit_managers(case.unit)]
    notify.case_deadline(case=case, kind=kind, due=_beijing(due), recipients=people)


def check_sla_now(now: datetime | None = None) -> dict[str, int]:
    """Warn about cases breaching soon and report breached ones; returns the counts."""
    from qiaolian.hotline.models import Case

    now = now or timezone.now()
    admin_roles = _admin_role_codes()
    counts = {"warned": 0, "breached": 0}
    # scoping: exempt, a system task sweeps every unit's cases
    soon = Case.objects.filter(breaching_soon_q(now), warned_at__isnull=True)
    late = Case.objects.filter(breached_q(now), breach_notified_at__isnull=True)
    for kind, queryset, key in (("breach", late, "breached"), ("warning", soon, "warned")):
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:CHECK_BATCH])
        for case_id in ids:
            if _escalate(case_id, kind, now, admin_roles):
                counts[key] += 1
    return counts
