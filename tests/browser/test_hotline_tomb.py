"""Tomb-sweeping, satisfaction and answers in a real Chromium, in Chinese: (a) staff create a
tomb-sweeping order, mark it done with a photo and share it by a private link that a browser
without login opens; (b) the requester rates the service 5 with a comment and the CSAT page shows
it; (c) the knowledge base suggests answers for a case's text.
Screenshots: hotline-tomb, hotline-proof-link, hotline-survey, hotline-answers."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.hotline.models import AnswerStatus, Status, TombStatus, TombSweepingOrder
from qiaolian.hotline.services import answers
from qiaolian.hotline.tests.factories import CaseFactory
from qiaolian.hotline.tests.support_tomb import png_bytes, survey_for

from .conftest import open_page
from .screens import shoot
from .test_flows import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# (a) -------------------------------------------------------------------------------------------
def test_a_tomb_sweeping_order_with_proof_shared_by_link(
    page, browser, live_server, console, cast, media, tmp_path
):
    photo = tmp_path / "福泉山祭扫.png"
    photo.write_bytes(png_bytes(160, 120, (46, 125, 50)))

    log_in(page, "district_manager")
    page.goto("/hotline/tomb/new/")
    page.locator("#id_unit").select_option(str(cast.district_a.pk), force=True)
    page.fill("#id_subject", "清明为父亲代为祭扫")
    page.select_option("#id_channel", "wechat")
    page.fill("#id_contact_name", "陈女士")
    page.fill("#id_contact_phone", "+39 333 765 4321")
    page.select_option("#id_kind", "proxy")
    page.fill("#id_deceased_name", "陈大明")
    page.fill("#id_cemetery", "宁波福泉山公墓")
    page.fill("#id_grave_location", "松园三区12排8号")
    page.fill("#id_service_date", "2026-04-04")
    page.fill("#id_rites", "献花、擦拭墓碑、代为鞠躬")
    with page.expect_navigation():
        page.click("#tomb-save")
    expect(page.locator("#tomb-cemetery")).to_have_text("宁波福泉山公墓")
    order = TombSweepingOrder.objects.get()
    assert order.case.category == "tomb_sweeping"

    # The service is done: upload the photo taken at the grave.
    with page.expect_navigation():
        page.click("#tomb-fulfil")
    page.set_input_files("#id_proof", str(photo))
    with page.expect_navigation():
        page.click("#tomb-fulfil-save")
    expect(page.locator("#tomb-status")).to_contain_text("已完成")
    expect(page.locator("#tomb-proofs img")).to_have_count(1)

    # Create the private link; it is shown once, to copy.
    with page.expect_navigation():
        page.click("#tomb-link-create")
    link = page.locator("#tomb-link").input_value()
    assert "/hotline/s/" in link
    order.refresh_from_db()
    assert order.status == TombStatus.DONE and order.share_token_hash
    expires = timezone.localtime(order.share_expires_at).strftime("%Y-%m-%d %H:%M")
    expect(page.locator("#tomb-link-state")).to_contain_text(expires)
    shoot(page, "hotline-tomb")

    # The requester abroad: a new browser, no login.
    requester = open_page(browser, live_server, console)
    try:
        requester.goto(link)
        expect(requester.locator("#shared-facts")).to_contain_text("宁波福泉山公墓")
        expect(requester.locator("#shared-facts")).to_contain_text("献花")
        image = requester.locator("#shared-proofs img")
        expect(image).to_have_count(1)
        requester.wait_for_function(
            "() => { const i = document.querySelector('#shared-proofs img');"
            " return i && i.complete && i.naturalWidth === 160; }"
        )
        # Nothing else of the case: not the caller's phone nor the case number.
        body = requester.locator("body").inner_text()
        assert "765 4321" not in body and order.case.number not in body
        shoot(requester, "hotline-proof-link")
    finally:
        requester.context.close()


# (b) -------------------------------------------------------------------------------------------
def test_a_satisfaction_rating(page, browser, live_server, console, cast):
    case = CaseFactory(
        unit=cast.district_a,
        category="legal",
        status=Status.RESOLVED,
        assignee=cast.township_worker,
        number="RX-2026-000321",
        subject="海外劳务合同纠纷",
    )
    token = "survey-" + "k" * 40
    survey_for(case, token=token)

    requester = open_page(browser, live_server, console)
    try:
        requester.goto(f"/hotline/feedback/{token}/")
        expect(requester.locator("h1")).to_contain_text("满意度回访")
        requester.click("label:has(#rating-5)")
        requester.fill("#survey-comment", "律师解答很专业，谢谢侨联！")
        shoot(requester, "hotline-survey")
        with requester.expect_navigation():
            requester.click("#survey-submit")
        expect(requester.locator("#survey-thanks")).to_contain_text("谢谢您的评价")
    finally:
        requester.context.close()

    log_in(page, "district_manager")
    page.goto("/hotline/surveys/csat/")
    expect(page.locator("#csat-recent")).to_contain_text("律师解答很专业，谢谢侨联！")
    expect(page.locator("#csat-recent")).to_contain_text("RX-2026-000321")
    expect(page.locator("#csat-total")).to_have_text("100.0%")
    expect(page.locator("#csat-by-category")).to_contain_text("法律维权")


# (c) -------------------------------------------------------------------------------------------
def test_answers_are_suggested_for_a_cases_text(page, cast):
    for title, body, keywords in (
        ("华侨回国落户办理", "华侨回国定居，可向户籍地公安机关申请恢复户口。", "落户 户口 定居"),
        ("华侨子女回国入学", "华侨子女回国就读义务教育阶段学校，按户籍地就近入学。", "入学 学校"),
        ("海外劳务纠纷求助", "保留劳动合同，联系当地律师或使领馆。", "劳务 合同 律师"),
    ):
        answers.answer_create(
            actor=cast.district_manager,
            unit=cast.district_a,
            category="policy",
            status=AnswerStatus.PUBLIC,
            title_zh=title,
            body_zh=body,
            keywords=keywords,
        )
    case = CaseFactory(
        unit=cast.district_a, subject="父亲想回国落户", description="老人在意大利，户口已注销。"
    )
    log_in(page, "district_manager")
    page.goto("/hotline/answers/")
    expect(page.locator("#answer-table tbody tr")).to_have_count(3)
    page.goto(f"/hotline/cases/{case.public_id}/")
    suggestions = page.locator("#panel-answers .answer-suggestion")
    expect(suggestions.first).to_contain_text("华侨回国落户办理")
    # The unrelated labour-dispute answer is not suggested for a question about settling.
    expect(page.locator("#panel-answers")).not_to_contain_text("海外劳务纠纷求助")
    shoot(page, "hotline-answers")

    # While a new case is written, the matching answers appear beside the form.
    page.goto("/hotline/cases/new/")
    page.fill("#id_subject", "孩子回国入学")
    page.locator("#id_subject").press("End")
    box = page.locator("#case-answer-suggestions")
    expect(box).to_contain_text("华侨子女回国入学")
    expect(box).not_to_contain_text("海外劳务纠纷求助")
