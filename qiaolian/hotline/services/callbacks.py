"""Overseas callers' time: their local time, and callbacks scheduled inside their daytime.

The daytime window is 09:00–21:00 in the requester's zone (hotline/zones.py; a deployment may
set `HOTLINE_CALLBACK_DAYTIME = ("08:00", "22:00")`, and a single call may pass `window=`).
A callback outside it is refused with a message giving the requester's local time, unless the
scheduler writes down a reason for calling anyway.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.scoping import Action, assert_visible

# The hotline's names for the shared helpers (callers import them from here too).
from qiaolian.core.timezones import zone, zone_label
from qiaolian.hotline.models import Callback, Case, EventKind
from qiaolian.hotline.timeline import add_event
from qiaolian.hotline.zones import daytime_window, in_daytime, local_time, requester_time_zone

# A callback may be scheduled a little in the past (typing takes time), not more.
PAST_GRACE = timedelta(minutes=10)


def _as_aware(when: datetime, tz_name: str) -> datetime:
    """A naive datetime is the requester's wall-clock time; an aware one is kept."""
    if timezone.is_naive(when):
        return when.replace(tzinfo=zone(tz_name))
    return when


def _require_case(actor: Any, case: Case) -> None:
    if not Case.objects.restrict(actor, Action.CHANGE).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not schedule callbacks on this case."))


@transaction.atomic
def callback_schedule(
    *,
    actor: Any,
    case: Case,
    when_local_or_utc: datetime,
    override_reason: str = "",
    window: tuple[time, time] | None = None,
    now: datetime | None = None,
) -> Callback:
    """Schedule a call back to the requester at `when` (naive: their local time)."""
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
                    "zone": zone_label(tz_name, local),
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
        "zone": zone_label(tz_name, local),
    }
    if callback.override_reason:
        text += " " + _("Outside their daytime: %(reason)s") % {"reason": callback.override_reason}
    add_event(
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
def callback_complete(*, actor: Any, callback: Callback, note: str = "") -> Callback:
    """Mark a callback done (the call itself is logged separately, on the case)."""
    if not Callback.objects.restrict(actor, Action.CHANGE).filter(pk=callback.pk).exists():
        raise PermissionDenied(_("You may not change this callback."))
    current = Callback.objects.select_for_update().get(pk=callback.pk)
    if current.done_at is not None:
        raise ValidationError(_("This callback is already done."))
    current.done_at = timezone.now()
    current.save(update_fields=["done_at"])
    add_event(
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
def callback_cancel(*, actor: Any, callback: Callback, reason: str = "") -> None:
    """Call off a planned callback (to plan another time, schedule a new one). The callback
    goes; the case's timeline and the audit log keep when it was planned and who cancelled."""
    if not Callback.objects.restrict(actor, Action.CHANGE).filter(pk=callback.pk).exists():
        raise PermissionDenied(_("You may not change this callback."))
    current = Callback.objects.select_for_update().select_related("case").get(pk=callback.pk)
    if current.done_at is not None:
        raise ValidationError(_("This callback is already done."))
    local = current.scheduled_for.astimezone(zone(current.time_zone))
    when = f"{local:%Y-%m-%d %H:%M} {zone_label(current.time_zone, local)}"
    text = _("Callback of %(when)s cancelled.") % {"when": when}
    if reason.strip():
        text += " " + reason.strip()
    add_event(
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
