"""Calendar arithmetic of the SLA clock, with mainland China's 2026 holidays and make-up working
days (调休) as core's working calendar holds them (seeded from the libraries after migrate)."""

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiaolian.core import workdays
from qiaolian.core.workdays import query as workdays_query
from qiaolian.core.workdays.seed import seed_calendar
from qiaolian.core.workdays.services import calendar_day_save
from qiaolian.hotline.models import CalendarKind, SlaCalendar
from qiaolian.hotline.services import sla

pytestmark = pytest.mark.django_db

BJ = ZoneInfo("Asia/Shanghai")
BUSINESS = SlaCalendar(
    name="b", kind=CalendarKind.BUSINESS, time_zone="Asia/Shanghai",
    day_start=time(9, 0), day_end=time(17, 30),
)  # fmt: skip
ALWAYS = SlaCalendar(name="a", kind=CalendarKind.ALWAYS, time_zone="Asia/Shanghai")
DAY = 8 * 60 + 30  # one 09:00–17:30 working day in minutes


@pytest.fixture(autouse=True)
def _seeded_calendar():
    """The calendar rows the clock reads, filled by the same function as after migrate."""
    seed_calendar()


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=BJ)


def test_it_knows_2026_holidays_and_make_up_days():
    assert not sla.is_working_day(bj(2026, 10, 1).date())  # National Day
    assert not sla.is_working_day(bj(2026, 10, 7).date())
    assert sla.is_working_day(bj(2026, 10, 8).date())
    # Saturday 10 October 2026 is the make-up working day (调休) for the National Day week.
    assert sla.is_working_day(bj(2026, 10, 10).date())
    assert not sla.is_working_day(bj(2026, 2, 17).date())  # Spring Festival
    assert sla.is_working_day(bj(2026, 2, 14).date())  # Saturday, made up


def test_a_make_up_sunday_entered_by_a_city_admin_moves_the_due_time(cast):
    # Friday 12 February 2027 at 17:00 with one business hour: half an hour that day, the
    # rest on Monday, until the administrator enters the Sunday as a make-up working day.
    start = bj(2027, 2, 12, 17, 0)
    assert sla.due_time(start, 60, BUSINESS).astimezone(BJ) == bj(2027, 2, 15, 9, 30)
    calendar_day_save(
        actor=cast.city_admin, date=date(2027, 2, 14), kind="workday", name="春节调休上班"
    )
    assert sla.due_time(start, 60, BUSINESS).astimezone(BJ) == bj(2027, 2, 14, 9, 30)


def test_it_counts_a_friday_1700_case_into_the_next_working_day():
    # Friday 27 November 2026 at 17:00: half an hour left that day, the rest on Monday.
    due = sla.due_time(bj(2026, 11, 27, 17, 0), 4 * 60, BUSINESS)
    assert due.astimezone(BJ) == bj(2026, 11, 30, 12, 30)


def test_it_skips_the_national_day_week():
    due = sla.due_time(bj(2026, 9, 30, 17, 0), 4 * 60, BUSINESS)
    assert due.astimezone(BJ) == bj(2026, 10, 8, 12, 30)


def test_it_counts_the_make_up_saturday_after_national_day():
    # Friday 9 October ends; the next working day is the make-up Saturday 10 October.
    due = sla.due_time(bj(2026, 10, 9, 17, 0), 60, BUSINESS)
    assert due.astimezone(BJ) == bj(2026, 10, 10, 9, 30)


def test_it_skips_spring_festival_2026_and_counts_its_make_up_saturdays():
    # Friday 13 Feb 16:00 → 1.5 h left that day, then Saturday 14 Feb (make-up day) counts.
    assert sla.due_time(bj(2026, 2, 13, 16, 0), 120, BUSINESS).astimezone(BJ) == bj(
        2026, 2, 14, 9, 30
    )
    # From the make-up Saturday evening, the holiday runs 15–23 Feb: due Tuesday 24 Feb.
    assert sla.due_time(bj(2026, 2, 14, 17, 30), 60, BUSINESS).astimezone(BJ) == bj(
        2026, 2, 24, 10, 0
    )


def test_it_starts_counting_at_opening_time_before_the_working_day():
    due = sla.due_time(bj(2026, 11, 26, 6, 0), 30, BUSINESS)
    assert due.astimezone(BJ) == bj(2026, 11, 26, 9, 30)


def test_it_ends_exactly_at_closing_time():
    due = sla.due_time(bj(2026, 11, 26, 17, 0), 30, BUSINESS)
    assert due.astimezone(BJ) == bj(2026, 11, 26, 17, 30)


def test_it_adds_five_business_days_over_a_weekend():
    # Thursday 09:00 + 5 working days → the next Thursday 09:00 + … = end of Wednesday.
    due = sla.due_time(bj(2026, 11, 26, 9, 0), 5 * DAY, BUSINESS)
    assert due.astimezone(BJ) == bj(2026, 12, 2, 17, 30)


def test_it_adds_wall_minutes_on_a_24x7_calendar():
    start = bj(2026, 10, 1, 23, 50)  # a holiday at night: the hotline clock still runs
    assert sla.due_time(start, 30, ALWAYS) == start + timedelta(minutes=30)
    assert sla.business_minutes_between(start, start + timedelta(hours=5), ALWAYS) == 300


def test_it_returns_utc():
    due = sla.due_time(bj(2026, 11, 26, 10, 0), 15, ALWAYS)
    assert due.utcoffset() == timedelta(0)


def test_it_measures_business_minutes_between_two_instants():
    # Friday 17:00 → Monday 10:00 is 30 + 60 business minutes.
    assert sla.business_minutes_between(bj(2026, 11, 27, 17), bj(2026, 11, 30, 10), BUSINESS) == 90
    assert sla.business_minutes_between(bj(2026, 10, 1, 9), bj(2026, 10, 7, 18), BUSINESS) == 0
    assert sla.business_minutes_between(bj(2026, 11, 30, 10), bj(2026, 11, 27, 17), BUSINESS) == 0


def test_it_falls_back_to_weekdays_for_unknown_years_and_warns_once(caplog):
    first, last = workdays.covered_years()
    assert first <= 2026 <= last
    year = last + 1
    workdays_query._warned_years.discard(year)
    workdays.clear_local_cache()
    with caplog.at_level(logging.WARNING, logger="qiaolian.core.workdays.query"):
        monday = date(year, 1, 5)
        monday += timedelta(days=-monday.weekday())
        assert sla.is_working_day(monday + timedelta(days=7))
        assert not sla.is_working_day(monday + timedelta(days=12))  # Saturday
        sla.is_working_day(monday + timedelta(days=8))
    warnings = [r for r in caplog.records if "working calendar" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize("calendar", [BUSINESS, ALWAYS], ids=["business", "24x7"])
@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(
        # hypothesis takes naive bounds and attaches the time zone itself
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001
        max_value=datetime(2026, 12, 31),  # noqa: DTZ001
        timezones=st.just(BJ),
    ),
    minutes=st.integers(min_value=0, max_value=20 * DAY),
    more=st.integers(min_value=0, max_value=3 * DAY),
)
def test_due_time_gives_at_least_the_minutes_and_grows_with_them(calendar, start, minutes, more):
    due = sla.due_time(start, minutes, calendar)
    assert due >= start
    # Exactly the minutes asked for lie between start and due (to float rounding).
    assert sla.business_minutes_between(start, due, calendar) == pytest.approx(minutes, abs=1e-6)
    assert sla.due_time(start, minutes + more, calendar) >= due
