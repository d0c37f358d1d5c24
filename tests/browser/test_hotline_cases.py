"""The case pages in a real Chromium, in Chinese: two people editing the same case (the second
save gets the conflict message and keeps its text), and the volunteer doctor answering the case
assigned to them without seeing any other case of the unit.
Screenshots: hotline-queue, hotline-case, hotline-conflict."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.hotline.models import Case, EventKind
from qiaolian.hotline.services import cases as services
from qiaolian.hotline.tests.factories import PersonFactory

from .conftest import open_page
from .screens import shoot
from .test_flows import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def _label(field: str) -> str:
    with translation.override("zh-hans"):
        return str(Case._meta.get_field(field).verbose_name)


# (a) -------------------------------------------------------------------------------------------
def test_a_conflicting_edit_shows_what_changed_and_keeps_the_second_users_text(
    page, browser, live_server, console, cast
):
    case = services.case_open(
        actor=cast.district_manager,
        unit=cast.township_a1,
        category="policy",
        subject="咨询子女回国入学",
        contact_name="王先生",
        contact_phone="+39 333 123 4567",
    )
    services.case_open(
        actor=cast.district_manager,
        unit=cast.district_a,
        category="legal",
        subject="房屋租赁纠纷",
        priority="high",
        requester=PersonFactory(unit=cast.district_a, time_zone="America/New_York"),
    )
    edit_url = f"/hotline/cases/{case.public_id}/edit/"

    log_in(page, "district_manager")
    page.goto("/hotline/cases/")
    expect(page.locator("#case-table")).to_contain_text(case.number)
    expect(page.locator("#queue-unit")).to_contain_text("2")
    shoot(page, "hotline-queue")
    page.goto(edit_url)

    other = open_page(browser, live_server, console)
    try:
        log_in(other, "township_worker")
        other.goto(edit_url)
        # The township worker saves first.
        other.fill("#id_subject", "咨询子女回国入学（已核实户籍）")
        with other.expect_navigation():
            other.click("#case-save")
        expect(other.locator("#case-subject")).to_have_text("咨询子女回国入学（已核实户籍）")
    finally:
        other.context.close()

    # The manager, on the page opened before that save, writes a long description and saves.
    mine = "来电人说明：孩子九月入学，需要侨属证明和户籍材料，请街道协助开具。"
    page.fill("#id_description", mine)
    console.allow(r"status of 400")  # the refused save answers 400, as every invalid form does
    page.click("#case-save")
    alert = page.locator(".alert-danger")
    expect(alert).to_contain_text("township_worker")
    expect(alert).to_contain_text(_label("subject"))
    expect(page.locator("#conflict-theirs")).to_contain_text("已核实户籍")
    expect(page.locator("#id_description")).to_have_value(mine)  # nothing lost
    # The subject, which the manager left alone, now holds the township worker's version, so
    # saving again does not undo it.
    expect(page.locator("#id_subject")).to_have_value("咨询子女回国入学（已核实户籍）")
    shoot(page, "hotline-conflict")

    # Saving again on purpose, having seen theirs, goes through.
    with page.expect_navigation():
        page.click("#case-save")
    expect(page.locator("#case-description")).to_contain_text("侨属证明")
    case.refresh_from_db()
    assert case.description == mine
    assert case.subject == "咨询子女回国入学（已核实户籍）"


# (b) -------------------------------------------------------------------------------------------
def test_the_volunteer_doctor_answers_their_case_and_cannot_open_another(page, console, cast):
    person = PersonFactory(
        unit=cast.district_a, surname="林", given_name="佳", time_zone="Europe/Rome"
    )
    theirs = services.case_open(
        actor=cast.district_manager,
        unit=cast.district_a,
        category="medicine",
        subject="在意大利发烧三天，能否服用布洛芬",
        requester=person,
        assignee=cast.volunteer,
    )
    services.case_comment(
        actor=cast.district_manager, case=theirs, text="已转志愿医生", to_requester=False
    )
    other = services.case_open(
        actor=cast.district_manager,
        unit=cast.district_a,
        category="medicine",
        subject="同一单位的另一张工单",
        contact_name="赵女士",
    )

    log_in(page, "volunteer")
    page.goto("/hotline/cases/")
    table = page.locator("#case-table")
    expect(table).to_contain_text(theirs.number)
    expect(table).not_to_contain_text(other.number)
    page.click(f"text={theirs.number}")
    expect(page.locator("#case-local-time")).to_contain_text("罗马 (UTC+")

    page.fill(
        "#comment-form textarea[name=text]", "可以按说明书服用布洛芬，多饮水；如超过39℃请就医。"
    )
    page.check("#comment-to-requester")
    with page.expect_navigation():
        page.click("#comment-save")
    expect(page.locator("#case-timeline")).to_contain_text("如超过39℃请就医")
    shoot(page, "hotline-case")
    assert Case.objects.get(pk=theirs.pk).events.filter(kind=EventKind.REPLY).exists()

    console.allow(r"404")
    response = page.goto(f"/hotline/cases/{other.public_id}/")
    assert response.status == 404
