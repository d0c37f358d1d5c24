"""The hotline's call console and routing in a real Chromium, in Chinese: a call from a known
number opening the caller and a new case, and a medicine case assigned to the on-duty doctor.
Screenshots: hotline-call-console, hotline-rota, hotline-routing."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.hotline.models import Call, Case
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory, ShiftFactory
from qiaolian.hotline.tests.support_calls import volunteer_with_grant
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory

from .screens import shoot
from .test_flows import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


# (a) -------------------------------------------------------------------------------------------
def test_a_call_from_a_known_number_opens_the_caller_and_a_new_case(page, cast):
    person = PersonFactory(
        unit=cast.district_a,
        surname="陈",
        given_name="罗马",
        country="IT",
        city="Roma",
        languages="中文, Italiano",
        phones=["+39 333 123 4567"],
    )
    MembershipFactory(
        group=GroupFactory(unit=cast.district_a, name="罗马温州同乡群"), person=person
    )
    CaseFactory(unit=cast.district_a, requester=person, subject="护照到期换发咨询")
    log_in(page, "district_manager")
    page.goto("/hotline/calls/console/")

    # Typed in another format than the register holds (+39 333 123 4567).
    page.fill("#id_number", "0039 333-123-4567")
    card = page.locator("#caller-card")
    expect(card).to_contain_text("陈罗马")
    expect(card).to_contain_text("罗马温州同乡群")
    expect(card).to_contain_text("护照到期换发咨询")
    expect(page.locator("#caller-local-time")).to_contain_text("罗马 (UTC+")
    rome_now = timezone.now().astimezone(ZoneInfo("Europe/Rome"))
    expect(page.locator("#caller-local-time")).to_contain_text(rome_now.strftime("%H:"))

    page.select_option("#id_category", "medicine")
    page.fill("#id_subject", "在意大利就医需要国内病历")
    page.fill("#id_description", "来电人询问如何调取宁波的住院病历。")
    page.fill("#id_duration_minutes", "6")
    shoot(page, "hotline-call-console")
    with page.expect_navigation():
        page.click("#call-new-case")

    case = Case.objects.get(subject="在意大利就医需要国内病历")
    assert f"/hotline/cases/{case.public_id}/" in page.url
    assert case.requester == person
    assert Call.objects.get(case=case).number == "0039 333-123-4567"
    expect(page.locator("body")).to_contain_text(case.number)
    expect(page.locator("#panel-caller")).to_contain_text("罗马 (UTC+")
    expect(page.locator("#requester-groups")).to_contain_text("罗马温州同乡群")
    expect(page.locator("#requester-other-cases")).to_contain_text("护照到期换发咨询")


# (b) -------------------------------------------------------------------------------------------
def test_a_medicine_case_is_assigned_to_the_on_duty_doctor(page, cast):
    now = timezone.now()
    on_duty = volunteer_with_grant(cast.district_a, name="值班王医生", languages="中文, Italiano")
    off_duty = volunteer_with_grant(cast.district_a, name="休班李医生", languages="中文")
    lawyer = volunteer_with_grant(cast.district_a, profession="lawyer", name="值班赵律师")
    ShiftFactory(
        volunteer=on_duty, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=6)
    )
    ShiftFactory(
        volunteer=lawyer, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=6)
    )
    ShiftFactory(
        volunteer=off_duty, starts_at=now + timedelta(hours=6), ends_at=now + timedelta(hours=14)
    )
    requester = PersonFactory(
        unit=cast.district_a,
        surname="吴",
        given_name="米兰",
        country="IT",
        languages="Italiano",
        phones=["+39 347 555 0101"],
    )
    case = CaseFactory(
        unit=cast.district_a,
        category="medicine",
        requester=requester,
        subject="老人血压高，想问用药",
        requester_time_zone="Europe/Rome",
    )
    log_in(page, "district_manager")

    page.goto("/hotline/rota/")
    expect(page.locator("#on-duty-now")).to_contain_text("值班王医生")
    expect(page.locator("#rota-table")).to_contain_text("休班李医生")
    shoot(page, "hotline-rota")

    page.goto(f"/hotline/cases/{case.public_id}/")
    first = page.locator("#routing-suggestions .routing-suggestion").first
    expect(first).to_contain_text("值班王医生")
    expect(page.locator("#routing-suggestions")).not_to_contain_text("值班赵律师")
    shoot(page, "hotline-routing")
    with page.expect_navigation():
        first.locator(".routing-assign").click()
    expect(page.locator("#case-assignee")).to_contain_text("值班王医生")
    case.refresh_from_db()
    assert case.assignee == on_duty.user
