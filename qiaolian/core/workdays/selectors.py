"""Reads for the calendar pages and the dashboard. The calendar is federation-wide reference
data owned by no unit (like the dictionaries); who may read it is decided by the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from qiaolian.core.models import CalendarDay, CalendarYear
from qiaolian.core.services import can_configure

WARN_FROM_MONTH_DAY = (11, 1)  # from 1 November the next year's schedule should be in


def calendar_year_list() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.select_related("confirmed_by").annotate(
        holiday_count=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
        workday_count=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
    )


def calendar_year_get(year: int) -> CalendarYear | None:
    return calendar_year_list().filter(year=year).first()


def calendar_day_list(year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(year__year=year).order_by("date")


@dataclass(frozen=True)
class ScheduleWarning:
    year: int
    missing: bool  # no schedule at all (else: there, but not confirmed)


def schedule_warning(*, user, today: date) -> ScheduleWarning | None:
    """What a city administrator should do about the calendar: this year's schedule missing,
    or, from 1 November, next year's missing or unconfirmed. None for everyone else."""
    if not can_configure(actor=user):
        return None
    years = [today.year]
    if (today.month, today.day) >= WARN_FROM_MONTH_DAY:
        years.append(today.year + 1)
    rows = {row.year: row for row in CalendarYear.objects.filter(year__in=years)}
    for year in years:
        row = rows.get(year)
        if row is None:
            return ScheduleWarning(year=year, missing=True)
        if year > today.year and not row.is_confirmed:
            return ScheduleWarning(year=year, missing=False)
    return None
