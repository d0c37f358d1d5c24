"""The stock ledger: 100,000 entries posted, then every balance recomputed in the database
(`core.ledger.balances`, one GROUP BY) against a naive per-entry sum in Python; the cached
balances rebuilt from it must pass `verify_balances`.

The entries are written in bulk (a service call per entry would time the audit log, not the
ledger); both sums must agree before anything is timed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date

from django.db import connection, transaction

ENTRIES = 100_000
WAREHOUSES = 20
ITEMS = 50


def _world():
    from qiaolian.core.models import Unit, User
    from qiaolian.relief.models import Item, Lot, Warehouse

    unit = Unit.objects.filter(depth=1).first()
    user = User.objects.filter(username="city_admin").first() or User.objects.first()
    houses = [
        Warehouse.objects.get_or_create(unit=unit, name=f"基准仓库{i}")[0]
        for i in range(WAREHOUSES)
    ]
    items = [
        Item.objects.get_or_create(unit=unit, name=f"基准物资{i}", defaults={"uom": "piece"})[0]
        for i in range(ITEMS)
    ]
    lots = {
        (h.pk, i.pk): Lot.objects.get_or_create(
            unit=unit,
            item=i,
            warehouse=h,
            origin_label="基准批次",
            defaults={
                "quantity_received": 1,
                "received_on": date(2020, 2, 1),
                "origin_kind": "purchase",
                "created_by": user,
            },
        )[0]
        for h in houses
        for i in items
    }
    return unit, user, houses, items, lots


def run(*, timed) -> list[dict]:
    from qiaolian.core.ledger import balances, verify_balances
    from qiaolian.relief.models import StockBalance, StockEntry

    unit, user, _houses, _items, lots = _world()
    keys = list(lots)
    rows = []
    for n in range(ENTRIES):
        warehouse_id, item_id = keys[n % len(keys)]
        inward = (n // len(keys)) % 4 != 3  # per key: three in, then one out
        rows.append(
            StockEntry(
                unit=unit,
                created_by=user,
                reason="基准",
                warehouse_id=warehouse_id,
                item_id=item_id,
                lot=lots[(warehouse_id, item_id)],
                kind="receipt" if inward else "dispatch",
                quantity=10 if inward else -20,
                uom="piece",
            )
        )
    start = time.perf_counter()
    with transaction.atomic():
        StockEntry.objects.bulk_create(rows, batch_size=5000)
    post_seconds = time.perf_counter() - start
    total = StockEntry.objects.count()

    def grouped():
        return balances(StockEntry)

    def naive():
        sums: dict[tuple, int] = defaultdict(int)
        for warehouse_id, item_id, quantity in StockEntry.objects.values_list(
            "warehouse_id", "item_id", "quantity"
        ).iterator(chunk_size=5000):
            sums[(warehouse_id, item_id)] += quantity
        return sums

    want = {key: sums["quantity"] for key, sums in grouped().items()}
    assert want == dict(naive()), "the GROUP BY and the per-entry sum disagree"
    with transaction.atomic():
        StockBalance.objects.all().delete()
        StockBalance.objects.bulk_create(
            StockBalance(unit=unit, warehouse_id=w, item_id=i, quantity=q)
            for (w, i), q in want.items()
        )
    assert verify_balances(StockEntry, StockBalance) == []
    fast = timed(grouped, repeat=5)
    slow = timed(naive, repeat=5)
    database = connection.vendor
    return [
        {
            "name": f"stock ledger: {ENTRIES:,} entries posted (bulk)",
            "value": round(ENTRIES / post_seconds),
            "unit": "entries/s",
            "baseline": round(ENTRIES / post_seconds),
            "ratio": 1.0,
            "target": None,
            "database": database,
        },
        {
            "name": f"every stock balance recomputed ({total:,} entries, {len(want)} balances)",
            "value": round(fast["p95"], 3),
            "unit": "ms p95",
            "baseline": round(slow["p95"], 3),
            "ratio": round(slow["p95"] / fast["p95"], 2),
            "target": None,
            "database": database,
            "p50": fast["p50"],
        },
    ]
