"""The hotline's panels of the dashboard's "my work" (declared in apps.py: `my_work()`).

Each reads through `restrict()` like any selector, and its count is exactly what the list it
links to shows (the same queue or filter)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core.registry import WorkItem, WorkList
from qiaolian.hotline.selectors import calls as call_selectors
from qiaolian.hotline.selectors import cases as case_selectors

SHOWN = 5


def _when(value) -> str:
    # Short: month, day and time in the reader's zone (the year is this one, or next).
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else ""


def _case_item(case, note: str = "", tone: str = "") -> WorkItem:
    return WorkItem(
        f"{case.number} {case.subject}",
        reverse("hotline:case_detail", args=[case.public_id]),
        note,
        tone,
    )


def _queue(queue: str, *, user, within, order: str, note) -> WorkList:
    cases = case_selectors.cases(user=user, within=within).filter(
        case_selectors.queue_q(queue, user=user)
    )
    shown = [_case_item(case, *note(case)) for case in cases.order_by(order, "pk")[:SHOWN]]
    return WorkList(cases.count(), f"{reverse('hotline:case_list')}?queue={queue}", tuple(shown))


def my_cases(*, user, within=None) -> WorkList:
    """The open cases assigned to the user, the next due first."""

    def note(case) -> tuple[str, str]:
        return (
            (_("due %(at)s") % {"at": _when(case.resolution_due)}, "")
            if case.resolution_due
            else ("", "")
        )

    return _queue("mine", user=user, within=within, order="resolution_due", note=note)


def near_deadline(*, user, within=None) -> WorkList:
    """Open cases whose first response or resolution is due within the warning window."""

    def note(case) -> tuple[str, str]:
        return _("due %(at)s") % {"at": _when(case.resolution_due)}, "warning"

    return _queue("breaching", user=user, within=within, order="resolution_due", note=note)


def past_deadline(*, user, within=None) -> WorkList:
    """Open cases past a due time, the longest overdue first."""

    def note(case) -> tuple[str, str]:
        return _("was due %(at)s") % {"at": _when(case.resolution_due)}, "danger"

    return _queue("overdue", user=user, within=within, order="resolution_due", note=note)


def callbacks_today(*, user, within=None) -> WorkList | None:
    """Callbacks not done that are due by the end of today (overdue ones first)."""
    due = call_selectors.due_callbacks(user, within=within)
    now = timezone.now()
    shown: list[Any] = []
    for callback in due[:SHOWN]:
        late = callback.scheduled_for < now
        shown.append(
            WorkItem(
                f"{callback.case.number} {callback.case.requester or callback.case.subject}",
                reverse("hotline:case_detail", args=[callback.case.public_id]),
                _when(callback.scheduled_for),
                "danger" if late else "",
            )
        )
    return WorkList(due.count(), f"{reverse('hotline:callback_list')}?show=today", tuple(shown))
