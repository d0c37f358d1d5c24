"""Investment projects, trade fairs and domestic bodies in a real Chromium: a district manager
adds a project and reads it back; the list, detail and body pages in Chinese and English.
Screenshots go to /tmp/shots_enterprises2/."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qiaolian.core.models import ExchangeRate
from qiaolian.core.testing.cast import Cast
from qiaolian.enterprises.tests.factories import (
    BodyFactory,
    EnterpriseFactory,
    FairFactory,
    ProjectFactory,
)

from .test_flows import log_in, switch

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots_enterprises2")


def snap(page, name: str) -> None:
    lang = page.locator("html").get_attribute("lang") or ""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SHOTS / f"{name}-{'en' if lang.startswith('en') else 'zh'}.png", full_page=True
    )


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def test_projects_fairs_and_bodies_pages(page, console, cast):
    ExchangeRate.objects.create(currency="EUR", date=date(2026, 1, 2), rate=Decimal("7.8"))
    firm = EnterpriseFactory(unit=cast.district_a, name="宁波甬欧精密机械有限公司")
    fair = FairFactory(unit=cast.district_a, name="中国—中东欧国家博览会", online=True)
    fair.enterprises.set([firm])
    ProjectFactory(
        unit=cast.district_a,
        name="匈牙利新能源汽车零部件项目",
        investor="Kovács Holding Kft.",
        country="HU",
        amount=Decimal("80000000"),
        currency="EUR",
        amount_cny=Decimal("624000000"),
        stage="landed",
        fair=fair,
        signed_on=date(2026, 3, 1),
        landed_on=date(2026, 5, 1),
        found_on=date(2026, 1, 5),
    )
    body = BodyFactory(unit=cast.district_a, name="宁波市侨商会", members=320)
    body.enterprises.set([firm])
    log_in(page, "district_manager")

    page.goto("/enterprises/projects/")
    expect(page.locator("#project-table")).to_contain_text("匈牙利新能源汽车零部件项目")
    expect(page.locator("#project-table")).to_contain_text("已落地")
    snap(page, "project-list")
    page.click("text=匈牙利新能源汽车零部件项目")
    expect(page.locator("#project-facts")).to_contain_text("62400万元")
    snap(page, "project-detail")
    page.goto("/enterprises/fairs/")
    snap(page, "fair-list")
    page.goto("/enterprises/bodies/")
    page.click("text=宁波市侨商会")
    expect(page.locator("#body-enterprises")).to_contain_text("宁波甬欧精密机械有限公司")
    snap(page, "body-detail")

    switch(page, "#language-switch", "en")
    page.goto("/enterprises/projects/")
    expect(page.locator("#project-table")).to_contain_text("Landed")
    snap(page, "project-list")
    page.click("text=匈牙利新能源汽车零部件项目")
    snap(page, "project-detail")
    page.goto("/enterprises/fairs/")
    snap(page, "fair-list")
    page.goto("/enterprises/bodies/")
    snap(page, "body-list")
    page.click("text=宁波市侨商会")
    snap(page, "body-detail")

    # A new project in euros is converted at the signing day's rate.
    page.goto("/enterprises/projects/new/")
    page.select_option("#id_unit", str(cast.district_a.pk))
    page.fill("#id_name", "Polish appliance R&D centre")
    page.fill("#id_investor", "Nowak Technologies")
    page.select_option("#id_country", "PL")
    page.select_option("#id_industry", "M")
    page.fill("#id_amount", "1000000")
    page.select_option("#id_currency", "EUR")
    page.select_option("#id_stage", "signed")
    page.fill("#id_found_on", "2026-02-01")
    page.fill("#id_signed_on", "2026-04-01")
    snap(page, "project-form")
    page.click("#form-save")
    expect(page.locator("#project-facts")).to_contain_text("7,800,000")
    snap(page, "project-new-detail")
    assert console.unexpected() == []
