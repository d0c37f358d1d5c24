"""Reads of the SLA area: the breach report (scoped like every case read) and the SLA panel's
figures. Policies and calendars are federation-wide configuration, read without scoping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qiaolian.core.models import Unit
from qiaolian.core.models.dictionaries import localized
from qiaolian.core.scoping import Action
from qiaolian.hotline.categories import category_labels
from qiaolian.hotline.models import Case, SlaCalendar, SlaPolicy
from qiaolian.hotline.services import sla


def policy_list() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.select_related("calendar").order_by(  # scoping: exempt, global
        "-is_active", "category", "priority", "name"
    )


def calendar_list() -> QuerySet[SlaCalendar]:
    return SlaCalendar.objects.order_by("name")  # scoping: exempt, global


def _day_bounds(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    today = timezone.localdate()
    end = end or today
    start = start or end - timedelta(days=29)
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time(), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=zone),
    )


def breach_filter(start: date | None, end: date | None, kind: str = "") -> Q:
    """Cases whose breached target fell due inside the period (local dates, inclusive)."""
    lo, hi = _day_bounds(start, end)
    first = Q(first_response_breached=True, first_response_due__gte=lo, first_response_due__lt=hi)
    resolution = Q(resolution_breached=True, resolution_due__gte=lo, resolution_due__lt=hi)
    if kind == "first_response":
        return first
    if kind == "resolution":
        return resolution
    return first | resolution


def breach_list(
    *,
    user: Any,
    action: Action = Action.VIEW,
    within: Unit | None = None,
    start: date | None = None,
    end: date | None = None,
    kind: str = "",
    category: str = "",
) -> QuerySet[Case]:
    queryset = (
        Case.objects.restrict(user, action)
        .in_subtree(within)
        .filter(breach_filter(start, end, kind))
        .select_related("unit", "assignee", "sla_policy")
    )
    if category:
        queryset = queryset.filter(category=category)
    return queryset


def breach_summary(queryset: QuerySet[Case], labels: dict[str, str] | None = None) -> dict:
    """Counts by category and by unit, first-response and resolution breaches apart."""
    counts = {
        "cases": Count("pk"),
        "first_response": Count("pk", filter=Q(first_response_breached=True)),
        "resolution": Count("pk", filter=Q(resolution_breached=True)),
    }
    labels = category_labels() if labels is None else labels
    by_category = [
        {**row, "label": labels.get(row["category"], row["category"])}
        for row in queryset.order_by().values("category").annotate(**counts).order_by("-cases")
    ]
    by_unit = [
        {**row, "label": localized(row["unit__name"], row["unit__name_en"])}
        for row in queryset.order_by()
        .values("unit__path", "unit__name", "unit__name_en")
        .annotate(**counts)
        .order_by("unit__path")
    ]
    totals = queryset.order_by().aggregate(**counts)
    return {"by_category": by_category, "by_unit": by_unit, "totals": totals}


@dataclass
class Target:
    """One SLA target of a case as the panel shows it."""

    key: str
    minutes: int | None
    due: datetime | None
    done_at: datetime | None
    breached: bool
    remaining_minutes: float | None  # business minutes left (running) …
    overdue_minutes: float | None  # … or past due


def case_targets(case: Case, now: datetime | None = None) -> list[Target]:
    now = now or timezone.now()
    policy = case.sla_policy
    calendar = policy.calendar if policy else None
    rows = [
        (
            "first_response",
            policy.first_response_minutes if policy else None,
            case.first_response_due,
            case.first_response_at,
            case.first_response_breached,
        ),
        (
            "resolution",
            policy.resolution_minutes if policy else None,
            case.resolution_due,
            case.resolved_at if not case.is_open else None,
            case.resolution_breached,
        ),
    ]
    targets = []
    for key, minutes, due, done_at, breached in rows:
        remaining = overdue = None
        if due is not None and done_at is None:
            # While paused the clock stands still at the moment the wait began.
            clock = case.paused_since or now
            if due > clock:
                remaining = sla.business_minutes_between(clock, due, calendar)
            else:
                overdue = sla.business_minutes_between(due, clock, calendar)
                breached = True
        elif due is not None and done_at is not None and done_at > due:
            breached = True
        targets.append(Target(key, minutes, due, done_at, breached, remaining, overdue))
    return targets
