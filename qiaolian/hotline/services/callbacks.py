"""Overseas callers' time: their local time, and callbacks scheduled inside their daytime.

The daytime window is 09:00–21:00 in the requester's zone (`DAY_START`/`DAY_END`; a deployment
may set `HOTLINE_CALLBACK_DAYTIME = ("08:00", "22:00")`, and a single call may pass `window=`).
A callback outside it is refused with a message giving the requester's local time, unless the
scheduler writes down a reason for calling anyway.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit, timezones
from qiaolian.core.scoping import Action, assert_visible

# The hotline's names for the shared helpers (callers import them from here too).
from qiaolian.core.timezones import zone, zone_label
from qiaolian.hotline.models import Callback, Case, EventKind

HOTLINE_TIME_ZONE = "Asia/Shanghai"
DAY_START = time(9, 0)
DAY_END = time(21, 0)
# A callback may be scheduled a little in the past (typing takes time), not more.
PAST_GRACE = timedelta(minutes=10)


def daytime_window() -> tuple[time, time]:
    configured = getattr(settings, "HOTLINE_CALLBACK_DAYTIME", None)
    if configured:
        start, end = configured
        return time.fromisoformat(str(start)), time.fromisoformat(str(end))
    return DAY_START, DAY_END


def local_time(tz_name: str, at: datetime | None = None) -> datetime:
    """`at` (default now) as wall-clock time in `tz_name` (an unknown zone: the hotline's)."""
    local = timezones.local_time(tz_name, at, default=HOTLINE_TIME_ZONE)
    assert local is not None  # a default zone always gives a time
    return local


def in_daytime(local: datetime, window: tuple[time, time] | None = None) -> bool:
    start, end = window or daytime_window()
    wall = local.time().replace(second=0, microsecond=0)
    return start <= wall <= end


def known_time_zone(case: Case) -> str:
    """The zone stored on the case, else the requester's, else derived from their country or
    the quick contact's phone; "" when nothing tells it."""
    from qiaolian.hotline.selectors.cases import page_memo

    return page_memo(case, "known_time_zone", lambda: _known_time_zone(case))


def _known_time_zone(case: Case) -> str:
    from qiaolian.hotline.services.calls import zone_for_number, zone_for_person

    if case.requester_time_zone:
        return case.requester_time_zone
    if case.requester_id:
        phone = case.requester.contacts.filter(kind="phone").first()
        return zone_for_person(case.requester, phone.normalized if phone else "", default="")
    if case.contact_phone_e164:
        return zone_for_number(case.contact_phone_e164)
    return ""


def requester_time_zone(case: Case) -> str:
    """`known_time_zone`, else the hotline's own (callbacks need a zone to check against)."""
    return known_time_zone(case) or HOTLINE_TIME_ZONE


def _as_aware(when: datetime, tz_name: str) -> datetime:
    """A naive datetime is the requester's wall-clock time; an aware one is kept."""
    if timezone.is_naive(when):
        return when.replace(tzinfo=zone(tz_name))
    return when


def _require_case(actor: Any, case: Case) -> None:
    if not Case.objects.restrict(actor, Action.CHANGE).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not schedule callbacks on this case."))


@transaction.atomic
def schedule_callback(
    actor: Any,
    case: Case,
    when_local_or_utc: datetime,
    *,
    override_reason: str = "",
    window: tuple[time, time] | None = None,
    now: datetime | None = None,
) -> Callback:
    """Schedule a call back to the requester at `when` (naive: their local time)."""
    from qiaolian.hotline.services import cases

    _require_case(actor, case)
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it before scheduling a callback."))
    tz_name = requester_time_zone(case)
    when = _as_aware(when_local_or_utc, tz_name)
    if when < (now or timezone.now()) - PAST_GRACE:
        raise ValidationError({"scheduled_for": _("The callback time has already passed.")})
    local = local_time(tz_name, when)
    start, end = window or daytime_window()
    reason = (override_reason or "").strip()
    if not in_daytime(local, (start, end)) and not reason:
        raise ValidationError(
            {
                "scheduled_for": _(
                    "That is %(local)s in %(zone)s; callbacks must fall between %(start)s and "
                    "%(end)s their time, or give a reason to override."
                )
                % {
                    "local": local.strftime("%H:%M"),
                    "zone": zone_label(tz_name),
                    "start": start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                }
            }
        )
    callback = Callback(
        case=case,
        scheduled_for=when,
        time_zone=tz_name,
        override_reason=reason[:200] if not in_daytime(local, (start, end)) else "",
        created_by=actor,
    )
    callback.full_clean()
    callback.save()
    assert_visible(actor, callback, Action.VIEW)
    text = _("Callback scheduled for %(local)s %(zone)s.") % {
        "local": local.strftime("%Y-%m-%d %H:%M"),
        "zone": zone_label(tz_name),
    }
    if callback.override_reason:
        text += " " + _("Outside their daytime: %(reason)s") % {"reason": callback.override_reason}
    cases.add_event(
        case,
        EventKind.CALLBACK,
        actor,
        text=text,
        data={"callback": str(callback.public_id), "scheduled_for": when.isoformat()},
    )
    audit.record(
        actor=actor,
        action="callback.schedule",
        obj=callback,
        unit=case.unit,
        changes={
            "scheduled_for": [None, when.isoformat()],
            "time_zone": [None, tz_name],
            "override_reason": [None, callback.override_reason],
        },
    )
    return callback


@transaction.atomic
def complete_callback(actor: Any, callback: Callback, *, note: str = "") -> Callback:
    """Mark a callback done (the call itself is logged separately, on the case)."""
    from qiaolian.hotline.services import cases

    if not Callback.objects.restrict(actor, Action.CHANGE).filter(pk=callback.pk).exists():
        raise PermissionDenied(_("You may not change this callback."))
    current = Callback.objects.select_for_update().get(pk=callback.pk)
    if current.done_at is not None:
        raise ValidationError(_("This callback is already done."))
    current.done_at = timezone.now()
    current.save(update_fields=["done_at"])
    cases.add_event(
        current.case,
        EventKind.CALLBACK,
        actor,
        text=(_("Callback done.") + (" " + note.strip() if note.strip() else "")),
        data={"callback": str(current.public_id), "done": True},
    )
    audit.record(
        actor=actor,
        action="callback.done",
        obj=current,
        unit=current.case.unit,
        changes={"done_at": [None, current.done_at.isoformat()]},
    )
    return current


@transaction.atomic
def cancel_callback(actor: Any, callback: Callback, *, reason: str = "") -> None:
    """Call off a planned callback (to plan another time, schedule a new one). The callback
    goes; the case's timeline and the audit log keep when it was planned and who cancelled."""
    from qiaolian.hotline.services import cases

    if not Callback.objects.restrict(actor, Action.CHANGE).filter(pk=callback.pk).exists():
        raise PermissionDenied(_("You may not change this callback."))
    current = Callback.objects.select_for_update().select_related("case").get(pk=callback.pk)
    if current.done_at is not None:
        raise ValidationError(_("This callback is already done."))
    local = current.scheduled_for.astimezone(zone(current.time_zone))
    when = f"{local:%Y-%m-%d %H:%M} {zone_label(current.time_zone)}"
    text = _("Callback of %(when)s cancelled.") % {"when": when}
    if reason.strip():
        text += " " + reason.strip()
    cases.add_event(
        current.case,
        EventKind.CALLBACK,
        actor,
        text=text,
        data={"callback": str(current.public_id), "cancelled": True},
    )
    audit.record(
        actor=actor,
        action="callback.cancel",
        obj=current,
        unit=current.case.unit,
        changes={"scheduled_for": [current.scheduled_for.isoformat(), None]},
        message=reason.strip()[:200],
    )
    current.delete()
