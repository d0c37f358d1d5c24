"""The working calendar's pages (city administrators only) and the dashboard's warning when
next year's schedule is missing or unconfirmed."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from qiaolian.core.models import AuditEvent, CalendarDay, CalendarYear
from qiaolian.core.testing.scoped import response_text
from qiaolian.core.workdays import services

pytestmark = pytest.mark.django_db

SUNDAY_2027 = date(2027, 2, 14)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def login(client, user):
    client.force_login(user)
    return client


def day_data(**overrides):
    return {
        "date": "2027-02-14",
        "kind": "workday",
        "name": "春节调休上班",
        "name_en": "Make-up working day (Spring Festival)",
        **overrides,
    }


PAGES = [
    ("core:calendar_list", {}),
    ("core:calendar_year", {"year": 2027}),
    ("core:calendar_day_create", {"year": 2027}),
    ("core:calendar_day_edit", {"day": "2027-10-01"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_a_district_administrator_is_refused_every_page(client, cast, name, kwargs):
    # CONFIGURE held in a district is not enough: the calendar is the whole federation's.
    response = login(client, cast.district_manager).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 403


def test_a_district_administrator_cannot_write_through_the_pages(client, cast):
    login(client, cast.district_manager)
    create = client.post(reverse("core:calendar_day_create", args=[2027]), day_data())
    confirm = client.post(reverse("core:calendar_year_confirm", args=[2027]))
    delete = client.post(reverse("core:calendar_day_delete", args=["2027-10-01"]))
    assert (create.status_code, confirm.status_code, delete.status_code) == (403, 403, 403)
    assert not CalendarDay.objects.filter(date=SUNDAY_2027).exists()
    assert CalendarDay.objects.filter(date=date(2027, 10, 1)).exists()
    assert not CalendarYear.objects.get(year=2027).is_confirmed


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("core:calendar_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@freeze_time("2026-12-07 10:00:00")
def test_the_city_administrator_sees_the_years_and_their_status(client, cast):
    services.calendar_year_confirm(actor=cast.city_admin, year=2026)
    CalendarYear.objects.filter(year=2028).delete()  # not in the list, not "missing" either
    text = response_text(login(client, cast.city_admin).get(reverse("core:calendar_list")))
    assert 'href="/calendar/2027/"' in text
    assert "已确认" in text  # 2026
    assert "未确认" in text  # 2027, seeded from the libraries
    assert "由节假日库导入" in text
    # Labels, never the stored codes.
    assert "library" not in text


@freeze_time("2026-12-07 10:00:00")
def test_a_missing_next_year_is_listed_as_missing(client, cast):
    CalendarYear.objects.filter(year=2027).delete()
    response = login(client, cast.city_admin).get(reverse("core:calendar_list"))
    assert "calendar-missing" in response_text(response)


def test_the_year_page_lists_holidays_and_make_up_days(client, cast):
    text = response_text(
        login(client, cast.city_admin).get(reverse("core:calendar_year", args=[2026]))
    )
    assert "2026-10-10" in text
    assert "国庆节调休上班" in text
    assert "调休上班日" in text  # the kind's label
    assert "放假日" in text
    assert "workday" not in text.replace('"workday"', "")


def test_the_city_administrator_adds_a_make_up_sunday(client, cast):
    login(client, cast.city_admin)
    response = client.post(reverse("core:calendar_day_create", args=[2027]), day_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("core:calendar_year", args=[2027])
    day = CalendarDay.objects.get(date=SUNDAY_2027)
    assert (day.kind, day.name) == ("workday", "春节调休上班")
    event = AuditEvent.objects.get(action="calendar.day_save")
    assert event.actor == cast.city_admin
    assert CalendarYear.objects.get(year=2027).source == CalendarYear.Source.ADMIN


def test_the_form_explains_a_refused_day(client, cast):
    login(client, cast.city_admin)
    url = reverse("core:calendar_day_create", args=[2027])
    weekday = client.post(url, day_data(date="2027-02-12"))
    assert weekday.status_code == 400
    assert "调休上班日应为周六或周日" in response_text(weekday)
    other_year = client.post(url, day_data(date="2028-02-13"))
    assert other_year.status_code == 400
    assert "请选择 2027 年内的日期" in response_text(other_year)
    taken = client.post(url, day_data(date="2027-10-01", kind="holiday"))
    assert taken.status_code == 400
    assert "该日期已在日历中" in response_text(taken)
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


def test_the_city_administrator_renames_and_deletes_a_day(client, cast):
    login(client, cast.city_admin)
    edit = client.post(
        reverse("core:calendar_day_edit", args=["2027-10-01"]),
        day_data(date="2027-10-01", kind="holiday", name="国庆", name_en="National Day"),
    )
    assert edit.status_code == 302
    assert CalendarDay.objects.get(date=date(2027, 10, 1)).name == "国庆"
    assert AuditEvent.objects.get(action="calendar.day_save").changes["name"] == ["国庆节", "国庆"]
    delete = client.post(reverse("core:calendar_day_delete", args=["2027-10-01"]))
    assert delete.status_code == 302
    assert not CalendarDay.objects.filter(date=date(2027, 10, 1)).exists()
    assert AuditEvent.objects.filter(action="calendar.day_delete").exists()
    missing = client.post(reverse("core:calendar_day_delete", args=["2027-10-01"]))
    assert missing.status_code == 404


def test_the_city_administrator_confirms_the_year(client, cast):
    login(client, cast.city_admin)
    response = client.post(reverse("core:calendar_year_confirm", args=[2027]))
    assert response.status_code == 302
    row = CalendarYear.objects.get(year=2027)
    assert row.confirmed_by == cast.city_admin
    assert AuditEvent.objects.filter(action="calendar.year_confirm").exists()
    page = response_text(client.get(reverse("core:calendar_year", args=[2027])))
    assert "已确认" in page
    assert "calendar-year-confirm" not in page  # nothing left to confirm


def test_the_dictionaries_page_links_to_the_calendar_for_city_administrators(client, cast):
    text = response_text(login(client, cast.city_admin).get(reverse("core:dict_list")))
    assert reverse("core:calendar_list") in text
    text = response_text(login(client, cast.district_manager).get(reverse("core:dict_list")))
    assert reverse("core:calendar_list") not in text


# --- the dashboard's warning --------------------------------------------------------------------


def dashboard(client, user) -> str:
    return response_text(login(client, user).get(reverse("core:dashboard")))


@freeze_time("2026-11-02 10:00:00")
def test_the_dashboard_warns_after_1_november_that_next_year_is_unconfirmed(client, cast):
    text = dashboard(client, cast.city_admin)
    assert 'id="calendar-warning"' in text
    assert "2027 年的工作日历尚未确认" in text
    assert reverse("core:calendar_year", args=[2027]) in text
    # Only those who can act on it see it.
    assert 'id="calendar-warning"' not in dashboard(client, cast.district_manager)
    services.calendar_year_confirm(actor=cast.city_admin, year=2027)
    assert 'id="calendar-warning"' not in dashboard(client, cast.city_admin)


@freeze_time("2026-11-02 10:00:00")
def test_the_dashboard_warns_that_next_year_is_missing(client, cast):
    CalendarYear.objects.filter(year=2027).delete()
    assert "尚无 2027 年的工作日历" in dashboard(client, cast.city_admin)


@freeze_time("2026-06-01 10:00:00")
def test_the_dashboard_is_quiet_before_1_november(client, cast):
    CalendarYear.objects.filter(year=2027).delete()
    assert 'id="calendar-warning"' not in dashboard(client, cast.city_admin)
    # This year's schedule missing is always worth a warning.
    CalendarYear.objects.filter(year=2026).delete()
    assert "尚无 2026 年的工作日历" in dashboard(client, cast.city_admin)
