"""Issue 9 in a real Chromium, in Chinese (then English for the screenshots): resolving a case
asks for the closing note (办结意见) in a confirmation dialog that names the planned callback;
the call console suggests answers as the caller's question is typed and puts one into the
reply; the tomb-sweeping order page warns before its date and links the requester to the
register. Screenshots: hotline-resolve, hotline-console-answers, hotline-tomb-order (zh, en)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.hotline.models import AnswerStatus, Callback, Case, EventKind, Status
from qiaolian.hotline.services import cases as services
from qiaolian.hotline.services.answers import answer_create
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory, TombOrderFactory

from .screens import shoot
from .test_flows import log_in, switch, zh

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def test_resolving_asks_for_the_closing_note_and_names_the_planned_callback(page, cast):
    case = services.case_open(
        actor=cast.district_manager,
        unit=cast.district_a,
        category="policy",
        subject="咨询子女回国入学",
        contact_name="王先生",
        contact_phone="+39 333 123 4567",
        assignee=cast.district_manager,
    )
    case = services.case_change_status(
        actor=cast.district_manager, case=case, status=Status.IN_PROGRESS
    )
    planned = timezone.now() + timedelta(days=1)
    Callback.objects.create(case=case, scheduled_for=planned, time_zone="Europe/Rome")
    log_in(page, "district_manager")
    page.goto(f"/hotline/cases/{case.public_id}/")

    page.click("#status-resolved")
    dialog = page.locator("#resolve-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(zh("Closing note"))
    expect(page.locator("#resolve-callbacks")).to_contain_text(
        timezone.localtime(planned).strftime("%Y-%m-%d %H:%M")
    )
    # Confirming without the note is stopped in the browser (and refused by the service).
    page.click("#resolve-confirm")
    expect(dialog).to_be_visible()
    assert Case.objects.get(pk=case.pk).status == Status.IN_PROGRESS
    page.fill("#resolve-note", "已告知入学所需的侨属证明材料，街道协助开具。")
    page.wait_for_timeout(300)  # the dialog's fade-in
    shoot(page, "hotline-resolve")
    with page.expect_navigation():
        page.click("#resolve-confirm")
    expect(page.locator("#case-status")).to_have_text(zh("Resolved"))
    expect(page.locator("#case-timeline")).to_contain_text("街道协助开具")
    event = Case.objects.get(pk=case.pk).events.get(kind=EventKind.STATUS, data__to="resolved")
    assert event.text == "已告知入学所需的侨属证明材料，街道协助开具。"

    # The same dialog in English, for the screenshot.
    other = CaseFactory(unit=cast.district_a, status=Status.IN_PROGRESS, subject="School places")
    Callback.objects.create(case=other, scheduled_for=planned, time_zone="Europe/Rome")
    switch(page, "#language-switch", "en")
    page.goto(f"/hotline/cases/{other.public_id}/")
    page.click("#status-resolved")
    expect(page.locator("#resolve-dialog")).to_be_visible()
    page.fill("#resolve-note", "Told the caller which documents the school needs.")
    page.wait_for_timeout(300)
    shoot(page, "hotline-resolve")


def test_the_console_suggests_answers_and_inserts_one_into_the_reply(page, cast):
    answer_create(
        actor=cast.city_admin,
        unit=cast.city,
        category="policy",
        status=AnswerStatus.PUBLIC,
        title_zh="护照过期如何办理回国证件",
        title_en="Coming home with an expired passport",
        body_zh="可向中国驻当地使领馆申请旅行证，凭旅行证回国。",
        body_en="Apply for a travel document at the Chinese consulate and travel with it.",
        keywords="护照 过期 旅行证",
    )
    log_in(page, "district_manager")
    page.goto("/hotline/calls/console/")
    page.fill("#id_number", "+39 333 123 4567")
    page.locator("#id_question").press_sequentially("我的护照过期了，怎么回国？", delay=20)
    answers = page.locator("#console-answers")
    expect(answers).to_contain_text("护照过期如何办理回国证件")
    page.fill("#id_notes", "已答复：")
    answers.get_by_role("button", name=zh("Insert into reply")).first.click()
    expect(page.locator("#id_notes")).to_have_value(
        "已答复：\n\n可向中国驻当地使领馆申请旅行证，凭旅行证回国。"
    )
    shoot(page, "hotline-console-answers")

    switch(page, "#language-switch", "en")
    page.goto("/hotline/calls/console/")
    page.locator("#id_question").press_sequentially("passport expired 护照过期", delay=20)
    expect(page.locator("#console-answers")).to_contain_text("护照过期如何办理回国证件")
    page.locator("#console-answers").get_by_role("button", name="Insert the English text").click()
    expect(page.locator("#id_notes")).to_have_value(
        "Apply for a travel document at the Chinese consulate and travel with it."
    )
    shoot(page, "hotline-console-answers")


def test_the_tomb_order_page_warns_before_its_date_and_links_the_requester(page, cast):
    person = PersonFactory(unit=cast.district_a, surname="陈", given_name="思远")
    later = timezone.localdate() + timedelta(days=12)
    case = CaseFactory(
        unit=cast.district_a,
        category="tomb_sweeping",
        subject="冬至为母亲代为祭扫",
        contact_name="陈先生",
    )
    order = TombOrderFactory(
        case=case,
        cemetery="宁波福泉山公墓",
        grave_location="松园三区12排8号",
        service_date=later,
        deceased_name="陈母",
    )
    log_in(page, "district_manager")
    page.goto(f"/hotline/tomb/{order.public_id}/")
    expect(page.locator("#tomb-early")).to_contain_text(later.isoformat())
    expect(page.locator("#tomb-link-requester")).to_be_visible()
    shoot(page, "hotline-tomb-order")
    switch(page, "#language-switch", "en")
    expect(page.locator("#tomb-early")).to_contain_text("planned for")
    shoot(page, "hotline-tomb-order")
    switch(page, "#language-switch", "zh-hans")
    # Link the quick contact to the person in the register, with the searchable picker.
    page.locator("#tomb-link-requester .ts-control").click()
    page.keyboard.type("陈思")
    page.locator(".ts-dropdown .option", has_text="陈思远").first.click()
    with page.expect_navigation():
        page.click("#tomb-link-requester-save")
    expect(page.locator("#tomb-requester")).to_contain_text("陈思远")
    assert Case.objects.get(pk=case.pk).requester == person
    # The performer picker searches instead of listing every account.
    page.goto(f"/hotline/tomb/{order.public_id}/schedule/")
    page.locator(".ts-control").first.click()
    page.keyboard.type("township")
    expect(page.locator(".ts-dropdown .option", has_text="township_worker")).to_be_visible()
    page.goto(f"/hotline/tomb/{order.public_id}/fulfil/")
    expect(page.locator("#tomb-early")).to_be_visible()
    expect(page.locator("#id_early_reason")).to_be_visible()
