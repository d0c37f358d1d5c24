"""The stock ledger: receipts, transfers, FIFO dispatches, adjustments and counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from qiaolian.core.ledger import balances, verify_balances
from qiaolian.core.models import AuditEvent
from qiaolian.relief import selectors
from qiaolian.relief.models import Lot, StockBalance, StockEntry
from qiaolian.relief.services import (
    stock_adjust,
    stock_count,
    stock_dispatch,
    stock_receive,
    stock_transfer,
)
from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(cast):
    item = ItemFactory(unit=cast.city, name="医用口罩", name_en="Medical mask")
    here = WarehouseFactory(unit=cast.district_a, name="甲区仓库")
    there = WarehouseFactory(unit=cast.district_a, name="甲区二号仓")
    return cast, item, here, there


def quantity(warehouse, item):
    return StockBalance.objects.get(warehouse=warehouse, item=item).quantity


def test_a_receipt_makes_a_lot_an_entry_a_balance_and_an_audit_row(stock):
    cast, item, here, _ = stock
    lot = stock_receive(
        actor=cast.district_manager,
        warehouse=here,
        item=item,
        quantity=2000,
        received_on=date(2020, 2, 1),
        origin_kind="donation",
        origin_label="宁波市侨商会 捐赠 #D2020-0012",
        origin_url="/giving/donations/x/",
    )
    assert lot.value_cny == Decimal("5000.00")  # 2,000 × 2.50 by default
    assert lot.unit == here.unit
    entry = StockEntry.objects.get(lot=lot)
    assert (entry.kind, entry.quantity, entry.uom) == ("receipt", 2000, "piece")
    assert quantity(here, item) == 2000
    assert AuditEvent.objects.filter(action="relief.lot.receive").count() == 1


def test_a_receipt_needs_add_rights_on_the_warehouse_unit(stock):
    cast, item, here, _ = stock
    for user in (cast.sibling_manager, cast.district_clerk):
        with pytest.raises(PermissionDenied):
            receive(user, here, item, 10)
    assert not Lot.objects.exists()


def test_a_receipt_refuses_a_quantity_of_zero_and_a_link_off_the_site(stock):
    cast, item, here, _ = stock
    with pytest.raises(ValidationError):
        receive(cast.district_manager, here, item, 0)
    with pytest.raises(ValidationError):
        stock_receive(
            actor=cast.district_manager,
            warehouse=here,
            item=item,
            quantity=1,
            received_on=date(2020, 2, 1),
            origin_kind="donation",
            origin_url="https://evil.example/",
        )


def test_dispatch_takes_the_oldest_lots_first(stock):
    cast, item, here, _ = stock
    old = receive(cast.district_manager, here, item, 100, on=date(2020, 1, 30), label="甲")
    new = receive(cast.district_manager, here, item, 100, on=date(2020, 2, 5), label="乙")
    taken = stock_dispatch(actor=cast.district_manager, warehouse=here, item=item, quantity=150)
    assert taken == [(old, 100), (new, 50)]
    assert quantity(here, item) == 50
    assert [r["quantity"] for r in selectors.lot_trace(user=cast.city_admin, lot=new)] == [50]


def test_dispatch_beyond_stock_is_refused_naming_item_and_quantity_in_the_users_language(stock):
    cast, item, here, _ = stock
    receive(cast.district_manager, here, item, 30)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as zh:
        stock_dispatch(actor=cast.district_manager, warehouse=here, item=item, quantity=31)
    assert "医用口罩" in zh.value.messages[0] and "30" in zh.value.messages[0]
    assert "库存不足" in zh.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as en:
        stock_dispatch(actor=cast.district_manager, warehouse=here, item=item, quantity=31)
    assert "Medical mask" in en.value.messages[0] and "30 pieces available" in en.value.messages[0]
    assert quantity(here, item) == 30  # nothing half-written


def test_transfer_moves_lots_and_keeps_their_origin(stock):
    cast, item, here, there = stock
    lot = receive(cast.district_manager, here, item, 80, label="侨商会")
    stock_transfer(actor=cast.district_manager, source=here, target=there, item=item, quantity=30)
    assert (quantity(here, item), quantity(there, item)) == (50, 30)
    stock_dispatch(actor=cast.district_manager, warehouse=there, item=item, quantity=30)
    held = {
        r["warehouse"]: r["quantity"]
        for r in selectors.lot_trace(user=cast.city_admin, lot=lot)
        if r["kind"] == "stock"
    }
    assert held == {"甲区仓库": 50}
    with pytest.raises(ValidationError):
        stock_transfer(
            actor=cast.district_manager, source=there, target=here, item=item, quantity=1
        )


def test_adjustment_needs_a_reason_and_cannot_go_below_zero(stock):
    cast, item, here, _ = stock
    receive(cast.district_manager, here, item, 10)
    with pytest.raises(ValidationError):
        stock_adjust(
            actor=cast.district_manager, warehouse=here, item=item, quantity=-2, reason=" "
        )
    with pytest.raises(ValidationError):
        stock_adjust(
            actor=cast.district_manager, warehouse=here, item=item, quantity=-11, reason="破损"
        )
    stock_adjust(actor=cast.district_manager, warehouse=here, item=item, quantity=-2, reason="破损")
    stock_adjust(actor=cast.district_manager, warehouse=here, item=item, quantity=5, reason="盘盈")
    assert quantity(here, item) == 13
    assert Lot.objects.filter(origin_kind="adjustment").get().quantity_received == 5


def test_a_count_posts_the_difference(stock):
    cast, item, here, _ = stock
    receive(cast.district_manager, here, item, 10)
    assert stock_count(actor=cast.district_manager, warehouse=here, item=item, counted=7) == -3
    assert stock_count(actor=cast.district_manager, warehouse=here, item=item, counted=7) == 0
    assert stock_count(actor=cast.district_manager, warehouse=here, item=item, counted=9) == 2
    assert quantity(here, item) == 9
    assert verify_balances(StockEntry, StockBalance) == []


def test_the_database_refuses_a_negative_balance(stock):
    cast, item, here, _ = stock
    receive(cast.district_manager, here, item, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(warehouse=here).update(quantity=-1)


def test_lot_trace_shows_nothing_to_a_sibling_unit(stock):
    cast, item, here, _ = stock
    lot = receive(cast.district_manager, here, item, 5)
    assert selectors.lot_trace(user=cast.sibling_manager, lot=lot) == []
    assert selectors.lot_trace(user=cast.district_clerk, lot=lot) == [
        {"kind": "stock", "warehouse": "甲区仓库", "quantity": 5}
    ]
    assert balances(StockEntry) == {(here.pk, item.pk): {"quantity": 5}}
