"""Is this date a working day in mainland China? Answered from the calendar tables, fast.

The SLA clock asks for every day it counts over, for every case opened, so each process keeps
one year's holidays and make-up working days in memory once it has read them. An edit clears
this process's copy at once and, after the commit, bumps a version in the shared cache; the
other processes compare that version at most every `CHECK_SECONDS` and reload when it moved.

A year with no schedule at all counts Monday to Friday and logs a warning once per process:
the dashboard tells the city administrators before that happens (see `selectors`).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Min

from qiaolian.core.models import CalendarDay, CalendarYear

logger = logging.getLogger(__name__)

VERSION_KEY = "core:workdays:version"
CHECK_SECONDS = 5.0


@dataclass(frozen=True)
class YearSchedule:
    """One year as the clock needs it: is it known, and which dates depart from Mon–Fri."""

    known: bool
    holidays: frozenset[date]
    workdays: frozenset[date]


_lock = threading.Lock()
_years: dict[int, YearSchedule] = {}
_answers: dict[date, bool] = {}  # derived from _years, cleared with it
_version: list[str | None] = [None]  # the shared version this process's copy belongs to
_checked: list[float] = [float("-inf")]
_warned_years: set[int] = set()


def _sync() -> None:
    now = time.monotonic()
    if now - _checked[0] < CHECK_SECONDS:
        return
    try:
        version = cache.get(VERSION_KEY)
    except Exception:  # the shared cache is down: keep answering from this process's copy
        logger.exception("could not read the working calendar's version from the cache")
        return
    with _lock:
        _checked[0] = now
        if version != _version[0]:
            _years.clear()
            _answers.clear()
            _version[0] = version


def _load(year: int) -> YearSchedule:
    rows = list(CalendarYear.objects.filter(year=year).values_list("days__date", "days__kind"))
    holidays = frozenset(d for d, kind in rows if kind == CalendarDay.Kind.HOLIDAY)
    workdays = frozenset(d for d, kind in rows if kind == CalendarDay.Kind.WORKDAY)
    return YearSchedule(known=bool(rows), holidays=holidays, workdays=workdays)


def year_schedule(year: int) -> YearSchedule:
    """The year's schedule, from this process's copy or (once) from the database."""
    _sync()
    schedule = _years.get(year)
    if schedule is None:
        schedule = _load(year)
        with _lock:
            _years[year] = schedule
    return schedule


def is_working_day(day: date) -> bool:
    """Mainland China's working day: holidays off, make-up days (调休) on, otherwise Monday to
    Friday. A year without any schedule counts Monday to Friday (warned once per process)."""
    if time.monotonic() - _checked[0] >= CHECK_SECONDS:
        _sync()
    answer = _answers.get(day)  # the SLA clock's hot path: one lookup per day counted
    if answer is None:
        answer = _answers[day] = _working(day)
    return answer


def _working(day: date) -> bool:
    schedule = year_schedule(day.year)
    if day in schedule.workdays:
        return True
    if day in schedule.holidays:
        return False
    if not schedule.known and day.year not in _warned_years:
        _warned_years.add(day.year)
        span = covered_years()
        logger.warning(
            "The working calendar has no schedule for %s (known: %s); Monday to Friday count "
            "as working days. A city administrator enters it on the calendar page.",
            day.year,
            f"{span[0]}-{span[1]}" if span else "none",
        )
    return day.weekday() < 5


def covered_years() -> tuple[int, int] | None:
    """The first and last year the calendar holds a schedule for (None when it is empty)."""
    span = CalendarYear.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return None
    return span["first"], span["last"]


def clear_local_cache() -> None:
    """Forget this process's copy (the next question reads the tables again)."""
    with _lock:
        _years.clear()
        _answers.clear()


def clear_cache() -> None:
    """Forget every process's copy: this one now, the others on their next check."""
    version = uuid.uuid4().hex
    try:
        cache.set(VERSION_KEY, version, None)
    except Exception:  # the edit is committed; other processes reload when the cache is back
        logger.exception("could not announce the working calendar's new version")
    with _lock:
        _years.clear()
        _answers.clear()
        _version[0] = version


def schedule_changed() -> None:
    """Called by every write to the calendar, inside its transaction: this process sees the
    change at once, every process after the commit."""
    clear_local_cache()
    transaction.on_commit(clear_cache)
