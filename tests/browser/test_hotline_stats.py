"""The hotline figures page in a real Chromium, in Chinese: the demo year's figures as a
district manager sees them, the three charts drawn, and the unit picker narrowing them."""

from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from qiaolian.core.figures import default_period
from qiaolian.core.models import User
from qiaolian.core.seed_data import DEMO_PASSWORD
from qiaolian.hotline.selectors.stats import case_stats

from .screens import shoot
from .test_flows import CHART_ANIMATION_MS, CHART_DRAWN, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(transactional_db, fast_passwords, settings):
    settings.DEMO_DATA_ALLOWED = True
    settings.SEED_NETWORK_PLAN = "tiny"
    settings.SEED_HOTLINE_PLAN = "tiny"
    call_command("seed", verbosity=0)


def test_the_demo_years_figures_and_charts(page, seeded):
    manager = User.objects.get(username="haishu_manager")
    period = default_period()  # the seed's year ends yesterday: it lies inside
    expected = case_stats(manager, start=period.start, end=period.end)
    period_query = urlencode(period.query())
    assert expected["contacts"] > 0
    log_in(page, "haishu_manager", DEMO_PASSWORD)
    page.goto(f"/hotline/stats/?{period_query}")
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
    page.goto(f"/hotline/stats/?{period_query}&unit=330203")
    expect(page.locator("#figure-contacts")).to_have_text(f"{expected['contacts']:,}")
