"""Property test: random receipts, transfers, dispatches, adjustments and counts keep every
cached balance equal to the sum of its ledger, and never below zero (refusals included)."""

import itertools
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiaolian.core.ledger import verify_balances
from qiaolian.relief.models import Lot, StockBalance, StockEntry
from qiaolian.relief.services import (
    stock_adjust,
    stock_count,
    stock_dispatch,
    stock_receive,
    stock_transfer,
)
from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

_runs = itertools.count()

step = st.tuples(
    st.sampled_from(["receive", "transfer", "dispatch", "adjust", "count"]),
    st.integers(0, 1),  # warehouse
    st.integers(0, 1),  # item
    st.integers(-60, 120),  # quantity
)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, max_size=25))
def test_random_movements_keep_balances_equal_to_the_ledger_and_never_negative(cast, steps):
    run = next(_runs)
    actor = cast.district_manager
    houses = [WarehouseFactory(unit=cast.district_a, name=f"仓{run}-{i}") for i in range(2)]
    items = [ItemFactory(unit=cast.city, name=f"物{run}-{i}") for i in range(2)]
    expected = {(w.pk, i.pk): 0 for w in houses for i in items}
    for kind, w, i, n in steps:
        house, other, item = houses[w], houses[1 - w], items[i]
        key = (house.pk, item.pk)
        try:
            if kind == "receive":
                stock_receive(
                    actor=actor,
                    warehouse=house,
                    item=item,
                    quantity=n,
                    received_on=date(2020, 2, 1),
                    origin_kind="purchase",
                )
                expected[key] += n
            elif kind == "transfer":
                stock_transfer(actor=actor, source=house, target=other, item=item, quantity=n)
                expected[key] -= n
                expected[(other.pk, item.pk)] += n
            elif kind == "dispatch":
                stock_dispatch(actor=actor, warehouse=house, item=item, quantity=n)
                expected[key] -= n
            elif kind == "adjust":
                stock_adjust(actor=actor, warehouse=house, item=item, quantity=n, reason="核对")
                expected[key] += n
            else:
                stock_count(actor=actor, warehouse=house, item=item, counted=n)
                expected[key] = n
        except ValidationError:
            pass  # refused (beyond stock, zero, negative count): nothing may have changed
        for (wid, iid), want in expected.items():
            assert want >= 0
            row = StockBalance.objects.filter(warehouse_id=wid, item_id=iid).first()
            assert (row.quantity if row else 0) == want
    assert verify_balances(StockEntry, StockBalance) == []
    # Every unit in stock sits in a lot: the lots' remainders add up to each balance.
    for house in houses:
        for item in items:
            entries = StockEntry.objects.filter(warehouse=house, item=item)
            assert not entries.filter(lot__isnull=True).exists()
    assert Lot.objects.filter(quantity_received__lte=0).count() == 0
