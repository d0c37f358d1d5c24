"""The dashboard's "my work" and the notification bell in a real Chromium, in Chinese first:
a district manager opens the site to their cases, deadlines, callbacks, imports and
duplicates, follows the bell to the notifications page, opens one, marks all read; then the
same pages in English."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.hotline.models import Callback, SlaPolicy, Status
from qiaolian.hotline.services import cases as case_services
from qiaolian.hotline.services import sla
from qiaolian.hotline.tests.factories import CaseFactory
from qiaolian.people.models import DuplicateCandidate, ImportBatch
from qiaolian.people.tests.factories import PersonFactory

from .screens import shoot
from .test_flows import log_in, switch

pytestmark = pytest.mark.browser


@pytest.fixture
def work(transactional_db, fast_passwords):
    cast = Cast.build()
    manager, unit = cast.district_manager, cast.district_a
    policy = SlaPolicy.objects.get(category="", priority="")
    now = timezone.now()

    def case(subject, **kwargs):
        return CaseFactory(unit=unit, subject=subject, sla_policy=policy, **kwargs)

    visa = case("意大利居留证续签咨询", status=Status.NEW, resolution_due=now + timedelta(days=2))
    case_services.case_assign(actor=cast.city_admin, case=visa, assignee=manager)
    case(
        "父亲在老家住院需要联系医生", status=Status.IN_PROGRESS, assignee=manager,
        first_response_at=now - timedelta(hours=2), resolution_due=now + timedelta(minutes=30),
    )  # fmt: skip
    late = case(
        "子女回国入学政策", status=Status.IN_PROGRESS, assignee=manager,
        first_response_at=now - timedelta(days=3), resolution_due=now - timedelta(hours=5),
    )  # fmt: skip
    Callback.objects.create(
        case=late, scheduled_for=now + timedelta(minutes=40), time_zone="Europe/Rome"
    )
    case_services.case_comment(
        actor=cast.city_admin, case=late, text="@district_manager 请今天回电，家长很着急。"
    )
    sla.check_sla_now()
    ImportBatch.objects.create(
        unit=unit, created_by=manager, file_name="2026年新侨登记表.xlsx", file_sha256="0" * 64,
        status=ImportBatch.Status.PREVIEWED, row_count=120,
    )  # fmt: skip
    first = PersonFactory(unit=unit, surname="陈", given_name="志明")
    second = PersonFactory(unit=unit, surname="陈", given_name="志明")
    a, b = sorted((first, second), key=lambda p: p.pk)
    DuplicateCandidate.objects.create(person_a=a, person_b=b, score=92, reasons=["same_name"])
    return cast


def test_my_work_and_the_bell_in_chinese_then_english(page, work):
    log_in(page, "district_manager")
    expect(page.locator(".page-title")).to_have_text("我的待办")
    panels = page.locator("#my-work")
    expect(panels.locator("#work-hotline\\.my_cases .card-title")).to_have_text("我的在办工单")
    expect(panels.locator("#work-hotline\\.my_cases [data-count]")).to_have_text("3")
    expect(panels.locator("#work-hotline\\.past_deadline")).to_contain_text("子女回国入学政策")
    expect(panels.locator("#work-hotline\\.near_deadline")).to_contain_text("联系医生")
    expect(panels.locator("#work-hotline\\.callbacks_today [data-count]")).to_have_text("1")
    expect(panels.locator("#work-people\\.imports_waiting")).to_contain_text("新侨登记表")
    expect(panels.locator("#work-people\\.duplicates_to_review")).to_contain_text("陈志明")
    # Assigned, mentioned, one deadline close and one passed: four unread.
    expect(page.locator("#notification-count")).to_have_text("4")
    shoot(page, "my-work")

    # A count opens the list filtered the same way.
    with page.expect_navigation():
        page.locator("#work-hotline\\.past_deadline [data-count]").click()
    expect(page.locator("#queue-overdue")).to_have_class("nav-link active")
    expect(page.locator("body")).to_contain_text("子女回国入学政策")

    with page.expect_navigation():
        page.click("#notification-bell")
    expect(page.locator(".page-title")).to_have_text("通知")
    items = page.locator("#notification-list .list-group-item")
    expect(items).to_have_count(4)
    expect(page.locator("#notification-list")).to_contain_text("city_admin 在工单")
    expect(page.locator("#notification-list")).to_contain_text("已分派给您")
    shoot(page, "notifications")

    # Opening one marks it read and goes to the case.
    mention = items.filter(has_text="提到了您")
    with page.expect_navigation():
        mention.locator("button").click()
    expect(page.locator("body")).to_contain_text("子女回国入学政策")
    expect(page.locator("#notification-count")).to_have_text("3")

    with page.expect_navigation():
        page.click("#notification-bell")
    with page.expect_navigation():
        page.click("#notifications-read-all")
    expect(page.locator("#notification-count")).to_have_count(0)
    expect(page.locator("#notification-list [data-unread='1']")).to_have_count(0)

    # The same pages in English.
    switch(page, "#language-switch", "en")
    expect(page.locator(".page-title")).to_have_text("Notifications")
    expect(page.locator("#notification-list")).to_contain_text("mentioned you on case")
    shoot(page, "notifications")
    page.goto("/")
    expect(page.locator(".page-title")).to_have_text("My work")
    expect(page.locator("#work-hotline\\.my_cases .card-title")).to_have_text("My open cases")
    shoot(page, "my-work")
    switch(page, "#language-switch", "zh-hans")


def test_a_portal_user_on_the_staff_site_is_pointed_to_the_portal(page, console, transactional_db):
    console.allow(r"status of 403")  # the staff pages refuse the portal account
    Cast.build()
    log_in(page, "portal_user")
    notice = page.locator("#portal-user-notice")
    expect(notice.locator("h2")).to_have_text("本系统供侨联工作人员使用")
    expect(notice).to_contain_text("侨胞自助门户尚未开通")
    expect(page.locator(".navbar-vertical")).to_have_count(0)
    shoot(page, "portal-user")
    page.locator("#language-switcher button", has_text="English").click()
    expect(notice.locator("h2")).to_have_text("This site is for federation staff")
    shoot(page, "portal-user")
