"""SLA pause and breach in a real Chromium, in Chinese: a case on a short policy is set to wait
for the requester (the SLA panel shows the paused clock), resumed, then its resolution target
passes (moved into the past through the ORM: the live server runs in another thread, out of
freezegun's reach); the SLA check reports the breach on the case page and in the breach report.
Screenshots: hotline-sla, hotline-breaches."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.hotline import tasks
from qiaolian.hotline.models import Case, CaseEvent, EventKind, SlaCalendar, SlaPolicy, Status
from qiaolian.hotline.services import cases as case_services
from qiaolian.hotline.services import sla

from .screens import shoot
from .test_flows import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def test_sla_pause_and_breach(page, cast):
    sla.ensure_default_policies()
    SlaPolicy.objects.create(
        name="物资支持（快速）/ Supplies (fast)",
        category="supplies",
        calendar=SlaCalendar.objects.get(name=sla.ALWAYS_NAME),
        first_response_minutes=5,
        resolution_minutes=30,
        warn_before_minutes=10,
    )
    manager = cast.district_manager
    manager.email = "manager@a.example"
    manager.save()
    case = case_services.case_open(
        actor=manager,
        unit=cast.district_a,
        category="supplies",
        subject="急需防疫物资",
        contact_name="陈女士",
        contact_phone="+39 333 765 4321",
        assignee=manager,
        opened_at=timezone.now() - timedelta(minutes=3),
    )
    case = case_services.case_change_status(actor=manager, case=case, status=Status.IN_PROGRESS)
    case_services.case_comment(
        actor=manager, case=case, text="已收到，正在联系物资。", to_requester=True
    )
    url = f"/hotline/cases/{case.public_id}/"

    log_in(page, "district_manager")
    page.goto(url)
    panel = page.locator("#sla-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#sla-resolution")).to_contain_text("北京时间")

    # Waiting for the requester: the clock stops and the panel says since when.
    with page.expect_navigation():
        page.click("#status-waiting")
    expect(page.locator("#sla-paused")).to_be_visible()
    expect(page.locator("#sla-paused-since")).to_be_visible()
    case.refresh_from_db()
    assert case.paused_since is not None

    # The requester answers: resume. The due time moves by the time spent waiting.
    Case.objects.filter(pk=case.pk).update(paused_since=timezone.now() - timedelta(minutes=7))
    due_before = case.resolution_due
    with page.expect_navigation():
        page.click("#status-in_progress")
    expect(page.locator("#sla-paused")).to_have_count(0)
    expect(page.locator("#sla-paused-total")).to_be_visible()
    case.refresh_from_db()
    assert case.paused_since is None and case.paused_seconds >= 7 * 60
    assert case.resolution_due >= due_before + timedelta(minutes=7)

    # Time passes: the resolution target is now 20 minutes behind us.
    Case.objects.filter(pk=case.pk).update(resolution_due=timezone.now() - timedelta(minutes=20))
    tasks.check_sla.enqueue()
    run_queued_tasks()  # the SLA check
    run_queued_tasks()  # the notices it queued
    case.refresh_from_db()
    assert case.resolution_breached and case.breach_notified_at is not None
    assert CaseEvent.objects.filter(case=case, kind=EventKind.SLA).exists()
    assert [m.to for m in mail.outbox] == [["manager@a.example"]]

    page.goto(url)
    expect(page.locator("#sla-breached")).to_be_visible()
    expect(page.locator("#sla-resolution")).to_contain_text("20")
    shoot(page, "hotline-sla")

    page.goto("/hotline/sla/breaches/")
    expect(page.locator("#breach-table")).to_contain_text(case.number)
    expect(page.locator("#total-resolution")).to_have_text("1")
    expect(page.locator("#breach-by-unit")).to_contain_text("甲区侨联")
    shoot(page, "hotline-breaches")
