"""The supplies app's reads; each starts from `restrict(user, action)`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse

from qiaolian.core import countries
from qiaolian.core.scoping import Action
from qiaolian.relief.models import (
    Allocation,
    Item,
    Lot,
    Need,
    Shipment,
    ShipmentLine,
    StockBalance,
    StockEntry,
    Thanks,
    Warehouse,
)


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
            "shipment__delivery_city",
        )
        .annotate(total=Sum("quantity"))
        .order_by("shipment__number")
    )
    statuses = dict(Shipment.Status.choices)
    for row in shipped:
        country = str(row["shipment__association__country"] or "")
        rows.append(
            {
                "kind": "shipment",
                "shipment": row["shipment__number"],
                "url": reverse("relief:shipment_detail", args=[row["shipment__public_id"]]),
                "association": row["shipment__association__name"],
                "country": country,
                "country_name": countries.name(country) if country else "",
                "city": row["shipment__delivery_city"],
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


# --- needs, allocations, shipments, thanks -----------------------------------------------


def need_list(*, user: Any, action: str = Action.VIEW, within: Any = None) -> QuerySet:

    return narrow_needs(Need.objects.restrict(user, action), within=within)


def narrow_needs(rows: QuerySet, *, within: Any = None) -> QuerySet:
    return (
        rows.in_subtree(within)
        .select_related("association", "item", "unit")
        .order_by("urgency", "reported_at", "id")
    )


def filter_needs(rows: QuerySet, data: dict) -> QuerySet:

    status = data.get("status") or ""
    if status == "":
        rows = rows.filter(status__in=(*Need.OPEN, Need.Status.REPORTED))
    elif status != "all":
        rows = rows.filter(status=status)
    if data.get("country"):
        rows = rows.filter(association__country=data["country"])
    if data.get("city"):
        city = data["city"].strip()
        rows = rows.filter(
            Q(delivery_city__icontains=city)
            | Q(delivery_city="", association__city__icontains=city)
        )
    if data.get("item"):
        rows = rows.filter(item=data["item"])
    if data.get("urgency"):
        rows = rows.filter(urgency=data["urgency"])
    return rows


def allocation_list(*, user: Any, action: str = Action.VIEW, within: Any = None) -> QuerySet:

    return narrow_allocations(Allocation.objects.restrict(user, action), within=within)


def narrow_allocations(rows: QuerySet, *, within: Any = None) -> QuerySet:
    return (
        rows.in_subtree(within)
        .select_related("warehouse", "created_by", "approved_by")
        .annotate(quantity=Sum("lines__quantity"))
        .order_by("-created_at", "-id")
    )


def shipment_list(*, user: Any, action: str = Action.VIEW, within: Any = None) -> QuerySet:

    return narrow_shipments(Shipment.objects.restrict(user, action), within=within)


def narrow_shipments(rows: QuerySet, *, within: Any = None) -> QuerySet:
    return (
        rows.in_subtree(within)
        .select_related("association", "warehouse", "unit")
        .annotate(quantity=Sum("lines__quantity"))
        .order_by("-packed_on", "-id")
    )


def filter_shipments(rows: QuerySet, data: dict) -> QuerySet:

    if data.get("status"):
        rows = rows.filter(status=data["status"])
    if data.get("sent"):
        rows = rows.filter(status__in=Shipment.SENT)
    if data.get("country"):
        rows = rows.filter(association__country=data["country"])
    if data.get("start"):
        rows = rows.filter(shipped_on__gte=data["start"])
    if data.get("end"):
        rows = rows.filter(shipped_on__lte=data["end"])
    return rows


def shipment_lines(*, user: Any, shipment: Any) -> list[dict]:
    """Each line with the lots it was taken from ("whose donations are these?")."""

    lines = list(
        ShipmentLine.objects.restrict(user, Action.VIEW)
        .filter(shipment=shipment)
        .select_related("item")
    )
    taken = (
        StockEntry.objects.restrict(user, Action.VIEW)
        .filter(shipment=shipment, kind=StockEntry.Kind.DISPATCH)
        .select_related("lot")
        .order_by("lot__received_on", "lot_id")
    )
    lots: dict[int, list[dict]] = {}
    for entry in taken:
        lots.setdefault(entry.item_id, []).append({"lot": entry.lot, "quantity": -entry.quantity})
    return [{"line": line, "lots": lots.get(line.item_id, [])} for line in lines]


def thanks_list(*, user: Any, action: str = Action.VIEW, within: Any = None) -> QuerySet:

    return narrow_thanks(Thanks.objects.restrict(user, action), within=within)


def narrow_thanks(rows: QuerySet, *, within: Any = None) -> QuerySet:
    return (
        rows.in_subtree(within)
        .select_related("shipment__association")
        .order_by("-received_on", "-id")
    )


def warehouse_totals(*, user: Any) -> dict[int, list[dict]]:
    """{warehouse id: [{item, quantity}]} of the balances the user may see (non-zero)."""
    out: dict[int, list[dict]] = {}
    for row in (
        StockBalance.objects.restrict(user, Action.VIEW)
        .filter(quantity__gt=0)
        .select_related("item")
        .order_by("item__name")
    ):
        out.setdefault(row.warehouse_id, []).append({"item": row.item, "quantity": row.quantity})
    return out


def lots_in_warehouse(*, user: Any, warehouse: Warehouse) -> list[dict]:
    """The lots with units left in `warehouse`, oldest first, with what is left of each."""
    rows = (
        StockEntry.objects.restrict(user, Action.VIEW)
        .filter(warehouse=warehouse, lot__isnull=False)
        .order_by()
        .values("lot_id")
        .annotate(left=Sum("quantity"))
        .filter(left__gt=0)
    )
    left = {row["lot_id"]: row["left"] for row in rows}
    # scoping: exempt - the ids come from the restricted entries just above
    lots = Lot.objects.filter(pk__in=left).select_related("item")
    lots = lots.order_by("received_on", "id")
    return [{"lot": lot, "left": left[lot.pk]} for lot in lots]
