"""The enterprises app in a real Chromium: a manager assigns a liaison officer; the officer logs
a visit and raises an appeal; the manager routes it; the department answers through its private
link; the enterprise confirms the closure through its own link; a survey round shows its rate.
Screenshots in Chinese and English go to /tmp/shots_enterprises/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from qiaolian.core.models import Role, UnitRole
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UserFactory
from qiaolian.enterprises.models import Appeal
from qiaolian.enterprises.tests.factories import (
    AnswerFactory,
    DepartmentFactory,
    EnterpriseFactory,
    RoundFactory,
)

from .conftest import open_page
from .test_flows import log_in, switch

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots_enterprises")


def snap(page, name: str) -> None:
    lang = page.locator("html").get_attribute("lang") or ""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SHOTS / f"{name}-{'en' if lang.startswith('en') else 'zh'}.png", full_page=True
    )


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def test_officer_visit_appeal_department_link_enterprise_confirms(
    browser, live_server, console, page, cast
):
    officer = UserFactory(
        username="officer_a", display_name="甲区联络员", home_unit=cast.district_a
    )
    UnitRole.objects.create(
        user=officer, unit=cast.district_a, role=Role.objects.get(code="liaison")
    )
    enterprise = EnterpriseFactory(unit=cast.district_a, name="宁波甬欧精密机械有限公司")
    department = DepartmentFactory(
        unit=cast.city,
        name="市人力资源和社会保障局",
        name_en="Human Resources Bureau",
        reply_days=10,
    )
    survey = RoundFactory(unit=cast.city, title="复工复产情况调查（第二轮）")
    for _index in range(19):
        AnswerFactory(
            round=survey, enterprise=EnterpriseFactory(unit=cast.district_a), status="resumed"
        )
    AnswerFactory(
        round=survey,
        enterprise=EnterpriseFactory(unit=cast.district_a),
        status="not",
        staff_back=10,
        capacity=0,
        difficulties="员工返岗不足",
    )

    # The district's manager assigns the officer.
    log_in(page, "district_manager")
    page.goto(f"/enterprises/{enterprise.public_id}/")
    page.click("#assignment-add")
    page.evaluate(
        "v => { const s = document.querySelector('#id_officer');"
        " if (s.tomselect) s.tomselect.setValue(v); else s.value = v; }",
        str(officer.pk),
    )
    with page.expect_navigation():
        page.click("#form-save")
    expect(page.locator("#enterprise-officers")).to_contain_text("甲区联络员")

    # The officer sees only that enterprise, logs a visit and raises an appeal.
    officer_page = open_page(browser, live_server, console)
    log_in(officer_page, "officer_a")
    officer_page.goto("/enterprises/")
    expect(officer_page.locator("#enterprise-table tbody tr")).to_have_count(1)
    officer_page.click(f"text={enterprise.name}")
    officer_page.click("#contact-add")
    officer_page.select_option("#id_kind", "visit")
    officer_page.fill("#id_met", "王总经理")
    officer_page.fill("#id_raised", "外省员工返岗困难，缺少熟练工 30 人")
    with officer_page.expect_navigation():
        officer_page.click("#form-save")
    expect(officer_page.locator("#enterprise-contacts")).to_contain_text("王总经理")
    officer_page.click("#appeal-add")
    officer_page.select_option("#id_category", "labour")
    officer_page.fill("#id_title", "外地员工返岗困难")
    officer_page.fill("#id_description", "申请包车接送外省员工返岗，并了解用工补贴政策。")
    with officer_page.expect_navigation():
        officer_page.click("#form-save")
    expect(officer_page.locator("#appeal-status")).to_have_text("已受理")
    expect(officer_page.locator("#appeal-steps")).to_have_count(0)  # routing is the unit's
    officer_page.context.close()
    appeal = Appeal.objects.get()

    # The manager routes it to the department and sends it its link.
    page.goto(f"/enterprises/appeals/{appeal.public_id}/")
    page.select_option("#route-form select[name=department]", str(department.pk))
    with page.expect_navigation():
        page.click("#route-save")
    department_url = page.locator("#appeal-link-url").input_value()
    assert "/enterprises/d/" in department_url

    # The department acknowledges and answers through its link, without an account.
    public = open_page(browser, live_server, console)
    public.goto(department_url)
    snap(public, "department-link")
    with public.expect_navigation():
        public.click("#public-acknowledge")
    public.fill("#id_reply", "已协调人力社保部门开通包车专线，用工补贴按政策兑现。")
    with public.expect_navigation():
        public.click("#public-reply-send")
    expect(public.locator("#public-done")).to_be_visible()

    # The manager makes the enterprise's link; the enterprise confirms with its mark.
    page.reload()
    expect(page.locator("#appeal-status")).to_have_text("已答复")
    with page.expect_navigation():
        page.click("#enterprise-link")
    enterprise_url = page.locator("#appeal-link-url").input_value()
    public.goto(enterprise_url)
    public.check("#sat5", force=True)
    snap(public, "enterprise-link")
    with public.expect_navigation():
        public.click("#public-confirm")
    expect(public.locator("#public-status")).to_have_text("已办结")
    public.context.close()

    # The enterprise's own page: it raises a further problem and answers the open round.
    page.goto(f"/enterprises/{enterprise.public_id}/")
    with page.expect_navigation():
        page.click("#portal-link")
    portal_url = page.locator("#portal-link-url").input_value()
    public = open_page(browser, live_server, console)
    public.goto(portal_url)
    public.select_option("#portal-category", "financing")
    public.fill("#portal-subject", "流动资金周转困难")
    public.fill("#portal-description", "申请银行续贷支持。")
    with public.expect_navigation():
        public.click("#portal-appeal-send")
    expect(public.locator("#portal-appeals")).to_contain_text("流动资金周转困难")
    snap(public, "portal")
    public.context.close()
    assert Appeal.objects.filter(raised_by=None, title="流动资金周转困难").exists()

    page.goto(f"/enterprises/appeals/{appeal.public_id}/")
    expect(page.locator("#appeal-status")).to_have_text("已办结")
    expect(page.locator("#appeal-satisfaction")).to_contain_text("5 / 5")
    expect(page.locator("#appeal-timeline li")).to_have_count(5)
    snap(page, "appeal-detail")
    for path, name in (
        ("/enterprises/", "enterprise-list"),
        (f"/enterprises/{enterprise.public_id}/", "enterprise-detail"),
        ("/enterprises/appeals/", "appeal-list"),
        ("/enterprises/departments/", "department-list"),
        (f"/enterprises/surveys/{survey.public_id}/", "round-detail"),
    ):
        page.goto(path)
        snap(page, name)
    expect(page.locator("#round-rate")).to_have_text("95.0%")

    switch(page, "#language-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#round-rate")).to_have_text("95.0%")
    snap(page, "round-detail")
    for path, name in (
        (f"/enterprises/appeals/{appeal.public_id}/", "appeal-detail"),
        ("/enterprises/", "enterprise-list"),
        (f"/enterprises/{enterprise.public_id}/", "enterprise-detail"),
        ("/enterprises/departments/", "department-list"),
    ):
        page.goto(path)
        snap(page, name)
    expect(
        page.locator("#appeal-table, #department-table, #enterprise-facts").first
    ).to_be_visible()
    appeal.refresh_from_db()
    assert appeal.satisfaction == 5 and appeal.closed_at is not None
