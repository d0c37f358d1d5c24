"""Supplies in a real Chromium: the association reports a need by its private link; staff
receive donated goods into the warehouse, confirm the need and propose an allocation; another
user approves it (which packs the shipment from stock); staff send it and make the receipt
link; the association confirms receipt by that link, with a quantity that differs. The
shipment page then names the donation the goods came from. Screenshots (zh and en) go to
/tmp/shots_relief/ (RELIEF_SHOTS) for a person to look at."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.people.tests.factories import AssociationFactory
from qiaolian.relief.models import Need, Shipment, StockEntry
from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

from .test_flows import log_in, switch

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("RELIEF_SHOTS", "/tmp/shots_relief"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    lang = page.locator("html").get_attribute("lang") or ""
    page.screenshot(
        path=SHOTS / f"{name}-{'en' if lang.startswith('en') else 'zh'}.png", full_page=True
    )


@pytest.fixture
def cast(transactional_db, fast_passwords):
    yield Cast.build()
    empty_the_stock_ledger()


def empty_the_stock_ledger() -> None:
    """The test database is flushed after a transactional test. SQLite's append-only triggers
    refuse the DELETE a flush is (PostgreSQL's TRUNCATE is not a row operation): remove the
    ledger's rows with the triggers lifted for a moment, then put them back."""
    from django.db import connection

    from qiaolian.core.ledger import append_only_sql

    if connection.vendor != "sqlite":
        return
    table = StockEntry._meta.db_table
    forward, backward = append_only_sql(table, "sqlite")
    with connection.cursor() as cursor:
        for statement in backward:
            cursor.execute(statement)
        cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - the model's own table
        for statement in forward:
            cursor.execute(statement)


def test_need_by_link_allocation_approved_by_another_shipment_acknowledged_by_link(
    page, browser, live_server, console, cast
):
    item = ItemFactory(unit=cast.city, name="医用外科口罩", name_en="Surgical mask", uom="piece")
    house = WarehouseFactory(unit=cast.district_a, name="甲区应急物资仓库")
    association = AssociationFactory(unit=cast.district_a, name="米兰华侨华人工商会", city="Milano")
    # Staff make the association's link to report needs (shown once, to send by WeChat).
    log_in(page, "district_manager")
    page.goto("/relief/needs/")
    page.locator("#id_link_association").select_option(str(association.public_id), force=True)
    with page.expect_navigation():
        page.click("#need-link-make")
    report_path = page.locator("#need-link-url").input_value()

    # The association's leader, without an account, reports a need through the link.
    outside = browser.new_context(base_url=live_server.url, locale="zh-CN")
    leader = outside.new_page()
    leader.goto(report_path)
    expect(leader.locator("#need-association")).to_contain_text("米兰华侨华人工商会")
    leader.select_option("#id_item", str(item.public_id))
    leader.fill("#id_quantity", "3000")
    leader.select_option("#id_urgency", "1")
    leader.fill("#id_delivery_address", "Via Paolo Sarpi 10, Milano")
    leader.fill("#id_contact", "王会长 +39 333 1234567")
    with leader.expect_navigation():
        leader.click("#need-submit")
    expect(leader.locator("#need-done")).to_contain_text(re.compile(r"3,?000"))
    shot(leader, "relief-need-link")
    need = Need.objects.get()
    assert need.reported_by_link and need.status == Need.Status.REPORTED

    # Staff receive the donated goods into the warehouse.
    page.goto(f"/relief/warehouses/{house.public_id}/receive/")
    page.locator("#id_item").select_option(str(item.public_id), force=True)
    page.fill("#id_quantity", "5000")
    page.fill("#id_received_on", "2020-02-01")
    page.select_option("#id_origin_kind", "donation")
    page.fill("#id_origin_label", "宁波市侨商会 捐赠 #D2020-0012")
    with page.expect_navigation():
        page.click("#relief-save")
    expect(page.locator("#balance-table")).to_contain_text(re.compile(r"5,?000"))
    shot(page, "relief-warehouse")

    # They confirm the need (adjusted, with a reason) and propose an allocation.
    page.goto(f"/relief/needs/{need.public_id}/review/")
    page.fill("#id_quantity", "2000")
    page.fill("#id_reason", "首批先发 2000 只，其余待下批")
    with page.expect_navigation():
        page.click("#relief-save")
    expect(page.locator("#need-status")).to_have_text("已调整")
    page.goto("/relief/needs/")
    expect(page.locator("#need-table")).to_contain_text("米兰华侨华人工商会")
    shot(page, "relief-needs")
    page.goto("/relief/allocations/new/")
    page.locator("#id_warehouse").select_option(str(house.public_id), force=True)
    with page.expect_navigation():
        page.click("#relief-save")
    expect(page.locator("#allocation-status")).to_have_text("待审批")
    expect(page.locator("#allocation-needs-other")).to_be_visible()  # not the proposer
    allocation_url = page.url

    # Someone else approves: the shipment is packed from stock.
    page.context.clear_cookies()
    log_in(page, "city_admin")
    page.goto(allocation_url)
    shot(page, "relief-allocation")
    with page.expect_navigation():
        page.click("#allocation-approve")
    expect(page.locator("#allocation-status")).to_have_text("已批准")
    shipment = Shipment.objects.get()
    assert shipment.allocation.approved_by == cast.city_admin

    # Staff send it and make the receipt link.
    page.goto(f"/relief/shipments/{shipment.public_id}/ship/")
    page.fill("#id_carrier", "顺丰国际")
    page.fill("#id_tracking_number", "SF1234567890")
    with page.expect_navigation():
        page.click("#relief-save")
    expect(page.locator("#shipment-status")).to_have_text("已发出")
    with page.expect_navigation():
        page.click("#shipment-ack-link")
    ack_url = page.locator("#ack-link-url").input_value()

    # The association confirms receipt by the link: 1,980 of the 2,000 arrived.
    leader.goto(ack_url)
    line = shipment.lines.get()
    leader.fill(f"input[name=line_{line.pk}]", "1980")
    leader.fill("#id_name", "王会长")
    leader.fill("#id_note", "物资已收到，衷心感谢家乡！")
    shot(leader, "relief-ack-link")
    with leader.expect_navigation():
        leader.click("#ack-submit")
    expect(leader.locator("#ack-done")).to_be_visible()
    outside.close()

    page.reload()
    expect(page.locator("#shipment-status")).to_have_text("已确认收货")
    expect(page.locator("#shipment-lines")).to_contain_text(re.compile(r"1,?980"))
    expect(page.locator("#shipment-lines .lot-origin")).to_have_text(
        "宁波市侨商会 捐赠 #D2020-0012"
    )
    shot(page, "relief-shipment")

    # The same pages in English.
    switch(page, "#language-switch", "en")
    expect(page.locator("#shipment-status")).to_have_text("Acknowledged")
    shot(page, "relief-shipment")
    page.goto(allocation_url)
    shot(page, "relief-allocation")
    page.goto("/relief/needs/?status=all")
    shot(page, "relief-needs")
    page.goto(f"/relief/warehouses/{house.public_id}/")
    shot(page, "relief-warehouse")
