"""The hotline in English, in a real Chromium: the navigation, the queue, a case with its
panels, the call console, the rota and the figures all read in English once the reader
switches language. Screenshots: hotline-queue-en, hotline-case-en, hotline-rota-en,
hotline-stats-en."""

import pytest
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory, ShiftFactory
from qiaolian.hotline.tests.support_calls import volunteer_with_grant

from .screens import shoot
from .test_flows import en, log_in, nav, switch

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def test_the_hotline_reads_in_english(page, cast):
    person = PersonFactory(
        unit=cast.district_a,
        surname="林",
        given_name="悉尼",
        country="AU",
        city="Sydney",
        phones=["+61 412 345 678"],
    )
    case = CaseFactory(
        unit=cast.district_a,
        requester=person,
        requester_time_zone="Australia/Sydney",
        category="medicine",
        priority="high",
        subject="Medical records needed for treatment in Sydney",
    )
    CaseFactory(unit=cast.district_a, category="policy", subject="School places for returnees")
    ShiftFactory(volunteer=volunteer_with_grant(cast.district_a, name="Dr Wang"))
    log_in(page, "district_manager")
    switch(page, "#language-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    nav(page, en("Cases"))
    expect(page.locator(".page-title")).to_have_text(en("Cases"))
    expect(page.locator("#case-queues")).to_contain_text(en("Unassigned"))
    expect(page.locator("body")).to_contain_text(case.subject)
    shoot(page, "hotline-queue")

    page.locator("a", has_text=case.number).first.click()
    expect(page.locator("#case-local-time")).to_contain_text("Sydney (UTC+1")
    expect(page.locator("body")).to_contain_text(en("Timeline"))
    expect(page.locator("body")).to_contain_text(en("Suggested assignees"))
    shoot(page, "hotline-case")

    nav(page, en("Duty rota"))
    expect(page.locator(".page-title")).to_have_text(en("Duty rota"))
    shoot(page, "hotline-rota")

    nav(page, en("Hotline figures"))
    expect(page.locator(".page-title")).to_have_text(en("Hotline figures"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('[_echarts_instance_]')].length > 0"
    )
    shoot(page, "hotline-stats")
