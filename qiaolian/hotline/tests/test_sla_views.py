"""SLA pages: policies and calendars (CONFIGURE at a root unit to edit), the breach report
(scoped, filtered, exported) and the SLA panel of the case page."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.core import workdays
from qiaolian.core.models import AuditEvent
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker, response_text
from qiaolian.hotline.models import Case, SlaCalendar, SlaPolicy, Status
from qiaolian.hotline.services import sla
from qiaolian.hotline.tests.factories import CaseFactory
from qiaolian.hotline.views.sla import sla_panel, span_text

BJ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english(client):
    # The site speaks Chinese by default; these tests read the English messages.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def login(client, user):
    client.force_login(user)
    return client


def policy_data(calendar, **overrides):
    data = {
        "name": "物资 / Supplies",
        "category": "supplies",
        "priority": "",
        "calendar": calendar.pk,
        "first_response_minutes": 60,
        "resolution_minutes": 1440,
        "warn_before_minutes": 30,
        "is_active": "on",
    }
    return {**data, **overrides}


# --- policies and calendars -------------------------------------------------------------------


@pytest.mark.django_db
def test_everyone_with_view_reads_the_policies_but_only_the_city_edits(client, cast):
    login(client, cast.district_clerk)
    response = client.get(reverse("hotline:sla_policy_list"))
    assert response.status_code == 200
    assert "Urgent" in response_text(response)
    assert "sla-policy-create" not in response_text(response)
    login(client, cast.city_admin)
    assert "sla-policy-create" in response_text(client.get(reverse("hotline:sla_policy_list")))
    login(client, cast.nobody)
    assert client.get(reverse("hotline:sla_policy_list")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["sla_policy_create", "sla_calendar_create"], ids=["policy", "calendar"]
)
def test_only_configure_at_a_root_unit_opens_the_forms(client, cast, name):
    url = reverse(f"hotline:{name}")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    # The district manager holds CONFIGURE, but at a district: it does not count for
    # federation-wide settings, so the form is refused outright (403, nothing saved).
    for user in (cast.district_manager, cast.district_clerk, cast.nobody):
        login(client, user)
        assert client.get(url).status_code == 403, user
        assert client.post(url, {"name": "x"}).status_code == 403, user
    login(client, cast.city_admin)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_city_admin_creates_and_edits_a_policy(client, cast):
    calendar = SlaCalendar.objects.get(name=sla.ALWAYS_NAME)
    login(client, cast.city_admin)
    response = client.post(reverse("hotline:sla_policy_create"), policy_data(calendar))
    assert response.status_code == 302, response.context["form"].errors
    policy = SlaPolicy.objects.get(category="supplies", priority="")
    assert sla.policy_for("supplies", "normal") == policy
    assert AuditEvent.objects.filter(action="sla_policy.create", object_id=str(policy.pk))
    url = reverse("hotline:sla_policy_edit", args=[policy.pk])
    response = client.post(url, policy_data(calendar, first_response_minutes=45))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.first_response_minutes == 45
    event = AuditEvent.objects.get(action="sla_policy.update")
    assert event.changes["first_response_minutes"] == ["60", "45"]
    assert client.get(reverse("hotline:sla_policy_edit", args=[99999])).status_code == 404


@pytest.mark.django_db
def test_it_refuses_a_second_active_policy_for_the_same_slot(client, cast):
    calendar = SlaCalendar.objects.get(name=sla.ALWAYS_NAME)
    login(client, cast.city_admin)
    # The built-in default policy is the active one for "any category, any priority".
    response = client.post(reverse("hotline:sla_policy_create"), policy_data(calendar, category=""))
    assert response.status_code == 400
    assert "already covers this category and priority" in response_text(response)
    assert SlaPolicy.objects.filter(category="", priority="", is_active=True).count() == 1


@pytest.mark.django_db
def test_it_refuses_a_first_response_target_longer_than_the_resolution(client, cast):
    calendar = SlaCalendar.objects.get(name=sla.ALWAYS_NAME)
    login(client, cast.city_admin)
    data = policy_data(calendar, first_response_minutes=2000)
    response = client.post(reverse("hotline:sla_policy_create"), data)
    assert response.status_code == 400
    assert "cannot be longer than the resolution target" in response_text(response)


@pytest.mark.django_db
def test_the_city_admin_edits_a_calendar_and_bad_hours_are_refused(client, cast):
    calendar = SlaCalendar.objects.get(name=sla.BUSINESS_NAME)
    login(client, cast.city_admin)
    url = reverse("hotline:sla_calendar_edit", args=[calendar.pk])
    page = client.get(url)
    assert 'value="09:00"' in response_text(page)
    data = {"name": calendar.name, "kind": "business", "time_zone": "Asia/Shanghai"}
    bad = client.post(url, {**data, "day_start": "18:00", "day_end": "09:00"})
    assert bad.status_code == 400
    assert "must end after it starts" in response_text(bad)
    zone = client.post(url, {**data, "time_zone": "Mars/Olympus", "day_start": "09:00",
                             "day_end": "17:00"})  # fmt: skip
    assert zone.status_code == 400
    assert "Unknown time zone" in response_text(zone)
    ok = client.post(url, {**data, "day_start": "08:30", "day_end": "17:00"})
    assert ok.status_code == 302
    calendar.refresh_from_db()
    assert calendar.day_start.strftime("%H:%M") == "08:30"
    assert AuditEvent.objects.filter(action="sla_calendar.update")
    listing = response_text(
        login(client, cast.district_clerk).get(reverse("hotline:sla_calendar_list"))
    )
    assert "08:30–17:00" in listing
    first, last = workdays.covered_years()
    assert f"{first}–{last}" in listing


# --- breach report ----------------------------------------------------------------------------


def breached_case(unit, subject, *, due=None, first=False, resolution=True, **fields):
    due = due or timezone.now() - timedelta(hours=2)
    return CaseFactory(
        unit=unit,
        subject=subject,
        status=fields.pop("status", Status.IN_PROGRESS),
        first_response_due=due if first else None,
        first_response_breached=first,
        resolution_due=due,
        resolution_breached=resolution,
        **fields,
    )


class BreachReportTests(ScopedViewTests.List):
    model = Case
    url_name = "hotline:sla_breaches"
    export_formats = ("csv", "xlsx")
    max_queries = 16

    @classmethod
    def make_object(cls, unit):
        return breached_case(unit, next_marker("超时"), assignee=None)

    def marker(self, obj):
        return obj.subject


@pytest.mark.django_db
def test_the_breach_report_counts_by_category_and_unit_within_the_period(client, cast):
    now = timezone.now()
    breached_case(cast.district_a, "甲区首响超时", first=True, resolution=False, category="legal")
    breached_case(cast.township_a1, "街道处理超时", category="legal")
    breached_case(cast.township_a1, "街道两项超时", first=True, category="supplies")
    breached_case(cast.district_a, "上季度的超时", due=now - timedelta(days=60))
    CaseFactory(unit=cast.district_a, subject="按时办结", resolution_due=now - timedelta(hours=1))
    breached_case(cast.district_b, "乙区超时")
    login(client, cast.district_manager)
    response = client.get(reverse("hotline:sla_breaches"))
    text = response_text(response)
    assert "甲区首响超时" in text and "街道两项超时" in text
    # Outside the default 30 days, not breached, or another district's: not listed.
    assert "上季度的超时" not in text and "按时办结" not in text and "乙区超时" not in text
    summary = response.context["summary"]
    assert summary["totals"] == {"cases": 3, "first_response": 2, "resolution": 2}
    by_category = {row["category"]: row for row in summary["by_category"]}
    assert by_category["legal"]["cases"] == 2 and by_category["legal"]["first_response"] == 1
    assert by_category["supplies"]["resolution"] == 1
    by_unit = {row["unit__path"]: row["cases"] for row in summary["by_unit"]}
    assert by_unit == {cast.district_a.path: 1, cast.township_a1.path: 2}
    assert "Township A1" in text  # unit names in the page's language

    only_first = client.get(reverse("hotline:sla_breaches"), {"kind": "first_response"})
    assert only_first.context["summary"]["totals"]["cases"] == 2
    earlier = (now - timedelta(days=70)).date().isoformat()
    wide = client.get(reverse("hotline:sla_breaches"), {"start": earlier})
    assert "上季度的超时" in response_text(wide)
    legal = client.get(reverse("hotline:sla_breaches"), {"category": "legal"})
    assert legal.context["summary"]["totals"]["cases"] == 2


@pytest.mark.django_db
def test_the_breach_export_is_audited_and_needs_export(client, cast):
    breached_case(cast.district_a, "导出的超时工单")
    login(client, cast.district_manager)
    response = client.get(reverse("hotline:sla_breaches"), {"export": "csv"})
    assert "导出的超时工单" in response_text(response)
    assert AuditEvent.objects.filter(action="export.sla-breaches")
    login(client, cast.district_clerk)  # read-only: no EXPORT anywhere
    assert client.get(reverse("hotline:sla_breaches"), {"export": "csv"}).status_code == 403


# --- the case page's panel --------------------------------------------------------------------


def test_span_text_reads_like_a_duration():
    with translation.override("en"):
        assert span_text(90) == "1 h 30 min"
        assert span_text(3 * 1440 + 60) == "3 d 1 h"
        assert span_text(600, business=True) == "10 h"  # a business day is not 24 hours
        assert span_text(0) == "0 min"


@pytest.mark.django_db
def test_the_panel_shows_targets_due_times_in_beijing_and_the_pause(cast):
    policy = SlaPolicy.objects.get(category="", priority="")
    now = timezone.now()
    case = CaseFactory(
        unit=cast.district_a, sla_policy=policy, status=Status.WAITING,
        opened_at=now - timedelta(minutes=20), paused_since=now - timedelta(minutes=10),
        first_response_at=now - timedelta(minutes=15),
        first_response_due=now + timedelta(minutes=10), resolution_due=now + timedelta(hours=5),
    )  # fmt: skip
    request = RequestFactory().get("/")
    request.user = cast.district_manager
    context = sla_panel(request, case)
    assert context["template"] == "hotline/sla/panel.html"
    resolution = context["targets"][1]
    # Paused ten minutes ago: the time left is measured from the pause, not from now.
    assert resolution["left"] == "5 h 10 min"
    assert context["targets"][0]["breached"] is False
    from django.template.loader import render_to_string

    html = render_to_string(context["template"], context)
    assert "Paused" in html
    beijing = case.resolution_due.astimezone(BJ).strftime("%Y-%m-%d %H:%M")
    assert beijing in html and "Beijing time" in html
    since = case.paused_since.astimezone(BJ).strftime("%Y-%m-%d %H:%M")
    assert since in html


@pytest.mark.django_db
def test_the_case_page_shows_an_overdue_case(client, cast):
    policy = SlaPolicy.objects.get(category="", priority="")
    now = timezone.now()
    case = CaseFactory(
        unit=cast.district_a, sla_policy=policy, status=Status.IN_PROGRESS,
        first_response_at=now - timedelta(hours=4), resolution_due=now - timedelta(minutes=75),
        resolution_breached=True,
    )  # fmt: skip
    login(client, cast.district_manager)
    text = response_text(client.get(reverse("hotline:case_detail", args=[case.public_id])))
    assert 'id="sla-panel"' in text
    assert "overdue by 1 h 15 min" in text


def test_no_policy_no_panel():
    case = Case(sla_policy=None, resolution_due=None)
    assert sla_panel(RequestFactory().get("/"), case) is None
