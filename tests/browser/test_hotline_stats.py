"""The hotline figures page in a real Chromium, in Chinese: the demo year's figures as a
district manager sees them, the three charts drawn, and the unit picker narrowing them."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from qiaolian.core.models import User
from qiaolian.core.seed_data import DEMO_PASSWORD
from qiaolian.hotline import seed as hotline_seed
from qiaolian.hotline.selectors.stats import case_stats

from .screens import shoot
from .test_flows import CHART_ANIMATION_MS, CHART_DRAWN, log_in

pytestmark = pytest.mark.browser

PERIOD = "start=2025-12-01&end=2026-11-27"


@pytest.fixture
def seeded(transactional_db, fast_passwords, settings):
    settings.DEMO_DATA_ALLOWED = True
    settings.SEED_NETWORK_PLAN = "tiny"
    settings.SEED_HOTLINE_PLAN = "tiny"
    call_command("seed", verbosity=0)


def test_the_demo_years_figures_and_charts(page, seeded):
    manager = User.objects.get(username="haishu_manager")
    expected = case_stats(manager, start=hotline_seed.PERIOD_START, end=hotline_seed.PERIOD_END)
    assert expected["contacts"] > 0
    log_in(page, "haishu_manager", DEMO_PASSWORD)
    page.goto(f"/hotline/stats/?{PERIOD}")
    expect(page.locator("#figure-contacts")).to_have_text(f"{expected['contacts']:,}")
    expect(page.locator("#figure-resolved")).to_have_text(f"{expected['resolved']:,}")
    expect(page.locator("#figure-tomb")).to_have_text(f"{expected['tomb_sweeping']:,}")
    for chart in ("#stats-month-chart", "#stats-category-chart", "#stats-channel-chart"):
        page.wait_for_function(CHART_DRAWN, arg=chart)
    page.wait_for_timeout(CHART_ANIMATION_MS)
    shoot(page, "hotline-stats")

    # The city administrator picks one district: the figures narrow to it.
    page.context.clear_cookies()
    log_in(page, "city_admin", DEMO_PASSWORD)
    page.goto(f"/hotline/stats/?{PERIOD}&unit=330203")
    expect(page.locator("#figure-contacts")).to_have_text(f"{expected['contacts']:,}")
