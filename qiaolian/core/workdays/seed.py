"""Fill the working calendar from what the libraries know, after every migrate.

`holidays` (python-holidays) knows China's public holidays years ahead and, once updated after
the State Council's notice, that year's make-up working days (`weekend_workdays`).
`chinese_calendar` knows both up to its last release (2026 for 1.11) and raises after it.
A year takes the union of their make-up days. Years an administrator edited or confirmed are
never touched; library years are refreshed when a library update changes them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

import chinese_calendar
import holidays
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_migrate
from django.utils import timezone

from qiaolian.core.models import CalendarDay, CalendarYear
from qiaolian.core.workdays.query import schedule_changed

FIRST_SEEDED_YEAR = 2024
YEARS_AHEAD = 2

# chinese_calendar names the festival a make-up working day belongs to, in English.
FESTIVALS_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


@dataclass(frozen=True)
class LibraryDay:
    date: date
    kind: str
    name: str
    name_en: str


def seed_years(today: date | None = None) -> range:
    """2024 up to two years ahead of today (at least 2028)."""
    this_year = (today or timezone.localdate()).year
    return range(FIRST_SEEDED_YEAR, max(FIRST_SEEDED_YEAR + 4, this_year + YEARS_AHEAD) + 1)


@functools.cache
def library_schedule(year: int) -> tuple[LibraryDay, ...]:
    """The year's holidays and make-up working days as the installed libraries know them."""
    zh = holidays.country_holidays("CN", years=year, language="zh_CN")
    en = holidays.country_holidays("CN", years=year, language="en_US")
    days = [
        LibraryDay(day, CalendarDay.Kind.HOLIDAY.value, str(name)[:60], str(en.get(day, ""))[:100])
        for day, name in sorted(zh.items())
        if day.year == year
    ]
    workdays = {day for day in zh.weekend_workdays if day.year == year}
    workdays |= {day for day in chinese_calendar.constants.workdays if day.year == year}
    for day in sorted(workdays):
        festival = chinese_calendar.constants.workdays.get(day, "")
        if festival in FESTIVALS_ZH:
            name, name_en = f"{FESTIVALS_ZH[festival]}调休上班", f"Make-up working day ({festival})"
        else:
            name, name_en = "调休上班", "Make-up working day"
        days.append(LibraryDay(day, CalendarDay.Kind.WORKDAY.value, name, name_en))
    return tuple(sorted(days, key=lambda d: d.date))


@transaction.atomic
def seed_calendar(years: range | None = None) -> list[int]:
    """Create or refresh the library years; returns the years written. Years entered or
    confirmed by an administrator are left alone."""
    written = []
    for year in years or seed_years():
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        if row is not None and (row.source == CalendarYear.Source.ADMIN or row.is_confirmed):
            continue
        wanted = library_schedule(year)
        if row is None:
            row = CalendarYear.objects.create(year=year, source=CalendarYear.Source.LIBRARY)
        have = {
            LibraryDay(d.date, d.kind, d.name, d.name_en)
            for d in CalendarDay.objects.filter(year=row)
        }
        if have == set(wanted):
            continue
        CalendarDay.objects.filter(year=row).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(year=row, date=d.date, kind=d.kind, name=d.name, name_en=d.name_en)
            for d in wanted
        )
        written.append(year)
    if written:
        schedule_changed()
    return written


def _after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    # Migrated (or a test flushed) below the calendar's tables: nothing to fill.
    tables = connections[using].introspection.table_names()
    if CalendarDay._meta.db_table not in tables:
        return
    seed_calendar()


def connect(sender: Any) -> None:
    post_migrate.connect(_after_migrate, sender=sender, dispatch_uid="qiaolian_workdays_seed")
