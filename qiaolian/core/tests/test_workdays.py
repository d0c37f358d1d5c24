"""The working calendar: seeded from the libraries, corrected by a city administrator, read by
the SLA clock through a per-process copy that every edit invalidates."""

import time as time_module
from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qiaolian.core import workdays
from qiaolian.core.models import AuditEvent, CalendarDay, CalendarYear
from qiaolian.core.testing.parity import stored_values
from qiaolian.core.workdays import query, seed, services

pytestmark = pytest.mark.django_db

SUNDAY_2027 = date(2027, 2, 14)  # a Sunday after the 2027 Spring Festival


def make_up_sunday(actor) -> CalendarDay:
    return services.calendar_day_save(
        actor=actor,
        date=SUNDAY_2027,
        kind=CalendarDay.Kind.WORKDAY,
        name="春节调休上班",
        name_en="Make-up working day (Spring Festival)",
    )


def test_migrate_seeds_2024_to_2028_from_the_libraries():
    years = CalendarYear.objects.in_bulk(field_name="year")
    assert set(range(2024, 2029)) <= set(years)
    assert {years[y].source for y in range(2024, 2029)} == {CalendarYear.Source.LIBRARY}


def test_it_knows_2026_holidays_and_make_up_days_from_the_libraries():
    assert not workdays.is_working_day(date(2026, 10, 1))  # National Day
    assert workdays.is_working_day(date(2026, 10, 10))  # Saturday, made up
    assert workdays.is_working_day(date(2026, 1, 4))  # Sunday, made up for New Year
    assert not workdays.is_working_day(date(2026, 10, 17))  # an ordinary Saturday
    made_up = CalendarDay.objects.filter(year__year=2026, kind=CalendarDay.Kind.WORKDAY)
    # Both libraries publish the same six days; the name says which holiday they pay for.
    assert made_up.count() == 6
    assert made_up.get(date=date(2026, 10, 10)).name == "国庆节调休上班"


def test_it_knows_2027_holidays_from_the_holidays_library():
    # chinese_calendar 1.11 raises for 2027; python-holidays knows the holidays.
    assert not workdays.is_working_day(date(2027, 10, 1))  # National Day, a Friday
    assert not workdays.is_working_day(date(2027, 2, 8))  # Spring Festival, a Monday
    assert workdays.is_working_day(date(2027, 2, 11))  # an ordinary Thursday
    holiday = CalendarDay.objects.get(date=date(2027, 10, 1))
    assert (holiday.name, holiday.name_en) == ("国庆节", "National Day")


def test_a_make_up_sunday_entered_by_an_admin_is_a_working_day(cast):
    assert not workdays.is_working_day(SUNDAY_2027)
    make_up_sunday(cast.city_admin)
    # The process that wrote it answers from the new schedule at once (the SLA clock of the
    # same request included), the others after the commit (see below).
    assert workdays.is_working_day(SUNDAY_2027)
    year = CalendarYear.objects.get(year=2027)
    assert year.source == CalendarYear.Source.ADMIN
    event = AuditEvent.objects.get(action="calendar.day_save")
    assert event.actor == cast.city_admin
    assert event.changes["date"] == [None, "2027-02-14"]
    assert event.changes["kind"] == [None, "workday"]


def test_the_seed_never_overwrites_a_year_an_admin_entered(cast):
    make_up_sunday(cast.city_admin)
    holiday = CalendarDay.objects.get(date=date(2027, 10, 1))
    services.calendar_day_delete(actor=cast.city_admin, day=holiday)

    written = seed.seed_calendar()

    assert 2027 not in written
    assert CalendarDay.objects.filter(date=SUNDAY_2027).exists()
    assert not CalendarDay.objects.filter(date=date(2027, 10, 1)).exists()
    assert workdays.is_working_day(date(2027, 10, 1))  # the admin's word holds


def test_the_seed_refreshes_a_library_year_and_leaves_a_confirmed_one(cast):
    # A library update (simulated: a row gone) is picked up for an unconfirmed library year...
    CalendarDay.objects.filter(date=date(2028, 10, 2)).delete()
    assert seed.seed_calendar() == [2028]
    assert CalendarDay.objects.filter(date=date(2028, 10, 2)).exists()
    # ...but not once an administrator confirmed the year as it stands.
    services.calendar_year_confirm(actor=cast.city_admin, year=2028)
    CalendarDay.objects.filter(date=date(2028, 10, 2)).delete()
    assert seed.seed_calendar() == []
    assert not CalendarDay.objects.filter(date=date(2028, 10, 2)).exists()
    assert seed.seed_calendar() == []  # and a second run writes nothing either


def test_confirming_a_year_records_who_and_when(cast):
    row = services.calendar_year_confirm(actor=cast.city_admin, year=2027)
    assert row.confirmed_by == cast.city_admin
    assert row.confirmed_at is not None
    assert AuditEvent.objects.filter(action="calendar.year_confirm", message="2027").exists()


def test_it_refuses_to_confirm_an_empty_year(cast):
    with pytest.raises(ValidationError):
        services.calendar_year_confirm(actor=cast.city_admin, year=2031)
    assert not CalendarYear.objects.filter(year=2031).exists()


def test_only_a_city_administrator_edits_the_calendar(cast):
    # A district administrator holds CONFIGURE, but only in the district: the calendar is
    # the whole federation's.
    with pytest.raises(PermissionDenied):
        make_up_sunday(cast.district_manager)
    with pytest.raises(PermissionDenied):
        services.calendar_year_confirm(actor=cast.district_manager, year=2027)
    assert not CalendarDay.objects.filter(date=SUNDAY_2027).exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


@translation.override("en")
def test_a_make_up_working_day_is_a_weekend_day_and_a_date_is_entered_once(cast):
    with pytest.raises(ValidationError) as weekday:
        services.calendar_day_save(
            actor=cast.city_admin, date=date(2027, 2, 12), kind="workday", name="调休"
        )
    assert "Saturday or Sunday" in weekday.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as twice:
        services.calendar_day_save(
            actor=cast.city_admin, date=date(2027, 10, 1), kind="holiday", name="国庆节"
        )
    assert "already in the calendar" in twice.value.message_dict["date"][0]


def test_a_year_without_schedule_counts_monday_to_friday():
    CalendarYear.objects.filter(year=2028).delete()
    assert workdays.is_working_day(date(2028, 10, 2))  # a Monday, National Day in the library
    assert not workdays.is_working_day(date(2028, 10, 7))  # a Saturday


def test_other_processes_reload_when_the_shared_version_moves():
    assert not workdays.is_working_day(SUNDAY_2027)  # this process now holds 2027
    # Another process writes the day and, after its commit, bumps the shared version.
    row = CalendarYear.objects.get(year=2027)
    CalendarDay.objects.create(year=row, date=SUNDAY_2027, kind="workday", name="调休上班")
    cache.set(query.VERSION_KEY, "bumped by another process")
    query._checked[0] = time_module.monotonic()
    assert not workdays.is_working_day(SUNDAY_2027)  # within CHECK_SECONDS: still the copy
    query._checked[0] -= query.CHECK_SECONDS  # the next check is due
    assert workdays.is_working_day(SUNDAY_2027)


def test_an_edit_bumps_the_shared_version_on_commit(cast, django_capture_on_commit_callbacks):
    before = cache.get(query.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        make_up_sunday(cast.city_admin)
        assert cache.get(query.VERSION_KEY) == before  # nothing announced before the commit
    assert cache.get(query.VERSION_KEY) not in (None, before)


def test_a_cache_outage_neither_stops_the_clock_nor_an_edit(cast, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(query.cache, "get", down)
    monkeypatch.setattr(query.cache, "set", down)
    query._checked[0] = float("-inf")
    assert not workdays.is_working_day(SUNDAY_2027)  # answered from the tables
    query.clear_cache()  # what runs after an edit's commit
    assert not workdays.is_working_day(SUNDAY_2027)


def test_a_seeded_day_equals_the_day_the_service_writes(cast):
    # The seed inserts days in bulk; an administrator entering the same day through the
    # service stores the same row, field by field (the date is unique, so one after the other).
    seeded = CalendarDay.objects.get(date=date(2026, 10, 10))
    values = {name: getattr(seeded, name) for name in services.DAY_FIELDS}
    seeded_row = stored_values(seeded)
    seeded.delete()
    made = services.calendar_day_save(actor=cast.city_admin, **values)
    assert stored_values(made) == seeded_row
