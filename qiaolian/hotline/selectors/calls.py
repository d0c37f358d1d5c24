"""Reads of calls and callbacks for the pages and exports; each starts from `restrict()`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from qiaolian.core.scoping import Action
from qiaolian.core.timezones import zone
from qiaolian.hotline.models import Call, Callback, Case
from qiaolian.hotline.zones import HOTLINE_TIME_ZONE


def call_list(*, user: Any, action: Action = Action.VIEW, within: Any = None) -> QuerySet:
    queryset = Call.objects.restrict(user, action).in_subtree(within)
    return queryset.select_related("unit", "person", "case", "taken_by")


def call_links(user: Any, call: Call) -> dict:
    """What the call page may link to: the caller and the case only when the user may see
    them (a call visible to a volunteer through their case does not open the register), and
    whether the user may edit the call."""
    from qiaolian.people.models import Person

    return {
        "person_visible": bool(call.person_id)
        and Person.objects.restrict(user, Action.VIEW).filter(pk=call.person_id).exists(),
        "case_visible": bool(call.case_id)
        and Case.objects.restrict(user, Action.VIEW).filter(pk=call.case_id).exists(),
        "can_change": Call.objects.restrict(user, Action.CHANGE).filter(pk=call.pk).exists(),
    }


def filter_calls(queryset: QuerySet, data: dict) -> QuerySet:
    if q := (data.get("q") or "").strip():
        digits = "".join(ch for ch in q if ch.isdigit())
        match = Q(number__icontains=q) | Q(notes__icontains=q) | Q(person__surname__icontains=q)
        if digits:
            match |= Q(number_e164__contains=digits)
        queryset = queryset.filter(match)
    if direction := data.get("direction"):
        queryset = queryset.filter(direction=direction)
    if outcome := data.get("outcome"):
        queryset = queryset.filter(outcome=outcome)
    tz = zone(HOTLINE_TIME_ZONE)
    if start := data.get("start"):
        queryset = queryset.filter(
            started_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=tz)
        )
    if end := data.get("end"):
        queryset = queryset.filter(
            started_at__lt=datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        )
    if data.get("without_case"):
        queryset = queryset.filter(case__isnull=True)
    return queryset


def callback_list(*, user: Any, action: Action = Action.VIEW, within: Any = None) -> QuerySet:
    queryset = Callback.objects.restrict(user, action).in_subtree(within)
    return queryset.select_related("case", "case__requester", "case__assignee", "created_by")


def due_callbacks(
    user: Any, *, at: datetime | None = None, within: Any = None, horizon: timedelta | None = None
) -> QuerySet:
    """Callbacks not yet done that are due by the end of today in the hotline's zone (or by
    `at + horizon`): overdue ones first."""
    at = at or timezone.now()
    if horizon is None:
        local = at.astimezone(zone(HOTLINE_TIME_ZONE))
        until = datetime.combine(
            local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo
        )
    else:
        until = at + horizon
    return (
        callback_list(user=user, within=within)
        .filter(done_at__isnull=True, scheduled_for__lt=until)
        .order_by("scheduled_for")
    )


def filter_callbacks(queryset: QuerySet, data: dict, *, at: datetime | None = None) -> QuerySet:
    at = at or timezone.now()
    show = data.get("show") or "open"
    local = at.astimezone(zone(HOTLINE_TIME_ZONE))
    day_end = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)
    if show == "overdue":
        return queryset.filter(done_at__isnull=True, scheduled_for__lt=at)
    if show == "today":
        return queryset.filter(done_at__isnull=True, scheduled_for__lt=day_end)
    if show == "done":
        return queryset.filter(done_at__isnull=False).order_by("-done_at")
    if show == "all":
        return queryset
    return queryset.filter(done_at__isnull=True)


def case_callbacks(user: Any, case: Case) -> QuerySet:
    return (
        Callback.objects.restrict(user, Action.VIEW)
        .filter(case=case)
        .order_by("done_at", "scheduled_for")
    )


def other_open_cases(user: Any, case: Case) -> QuerySet:
    """The requester's (or the quick contact number's) other open cases the user may see."""
    from qiaolian.hotline.models import OPEN_STATUSES

    if case.requester_id:
        match = Q(requester_id=case.requester_id)
    elif case.contact_phone_e164:
        match = Q(contact_phone_e164=case.contact_phone_e164)
    else:
        return Case.objects.none()
    return (
        Case.objects.restrict(user, Action.VIEW)
        .filter(match, status__in=OPEN_STATUSES)
        .exclude(pk=case.pk)
        .order_by("-opened_at")
    )
