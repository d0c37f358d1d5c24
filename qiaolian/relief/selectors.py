"""The supplies app's reads; each starts from `restrict(user, action)`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum
from django.urls import reverse

from qiaolian.core import countries
from qiaolian.core.scoping import Action
from qiaolian.relief.models import Item, Lot, StockBalance, StockEntry, Warehouse


def item_list(*, user: Any, action: str = Action.VIEW) -> QuerySet[Item]:
    """The catalogue: items of the user's units and of the units above them (shared down)."""
    return Item.objects.restrict_shared_down(user, action)


def warehouse_list(*, user: Any, action: str = Action.VIEW) -> QuerySet[Warehouse]:
    return Warehouse.objects.restrict(user, action).select_related("unit")


def balance_list(*, user: Any, warehouse: Warehouse | None = None) -> QuerySet[StockBalance]:
    rows = StockBalance.objects.restrict(user, Action.VIEW).select_related("warehouse", "item")
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    return rows.order_by("warehouse__name", "item__name")


def ledger_list(*, user: Any) -> QuerySet[StockEntry]:
    return (
        StockEntry.objects.restrict(user, Action.VIEW)
        .select_related("warehouse", "item", "lot", "shipment", "created_by")
        .order_by("-created_at", "-id")
    )


def lot_trace(*, user: Any, lot: Lot) -> list[dict]:
    """Where a lot went: one row per shipment that took from it (association, country, city,
    quantity, status), then one row per warehouse still holding some of it. Only what `user`
    may see: nothing when the lot is outside their reach."""
    visible = StockEntry.objects.restrict(user, Action.VIEW).filter(lot=lot)
    if not Lot.objects.restrict(user, Action.VIEW).filter(pk=lot.pk).exists() and not visible:
        return []
    rows: list[dict] = []
    shipped = (
        visible.filter(kind=StockEntry.Kind.DISPATCH, shipment__isnull=False)
        .order_by()
        .values(
            "shipment_id",
            "shipment__number",
            "shipment__public_id",
            "shipment__status",
            "shipment__association__name",
            "shipment__association__country",
            "shipment__association__city",
        )
        .annotate(total=Sum("quantity"))
        .order_by("shipment__number")
    )
    from qiaolian.relief.models import Shipment

    statuses = dict(Shipment.Status.choices)
    for row in shipped:
        country = str(row["shipment__association__country"] or "")
        rows.append(
            {
                "kind": "shipment",
                "shipment": row["shipment__number"],
                "url": reverse("relief:shipment_detail", args=[row["shipment__public_id"]])
                if _has_url("relief:shipment_detail")
                else "",
                "association": row["shipment__association__name"],
                "country": country,
                "country_name": countries.name(country) if country else "",
                "city": row["shipment__association__city"],
                "quantity": -row["total"],
                "status": row["shipment__status"],
                "status_label": str(statuses.get(row["shipment__status"], "")),
            }
        )
    held = (
        visible.order_by()
        .values("warehouse_id", "warehouse__name")
        .annotate(total=Sum("quantity"))
        .filter(total__gt=0)
        .order_by("warehouse__name")
    )
    rows.extend(
        {"kind": "stock", "warehouse": row["warehouse__name"], "quantity": row["total"]}
        for row in held
    )
    return rows


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name, args=["00000000-0000-0000-0000-000000000000"])
    except NoReverseMatch:
        return False
    return True
