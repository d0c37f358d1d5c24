"""The supplies figures (core/figures.py): items shipped, associations, countries and cities
reached, thanks received — counted from the shipments sent (shipped, delivered or
acknowledged) in the period, by their shipping date, in the user's scope and the unit's
subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum

from qiaolian.core.figures import FigureContext
from qiaolian.core.scoping import Action
from qiaolian.relief.models import Shipment, ShipmentLine, Thanks


def sent_shipments(ctx: FigureContext) -> QuerySet[Shipment]:
    rows = Shipment.objects.restrict(ctx.user, Action.VIEW).filter(
        status__in=Shipment.SENT,
        shipped_on__gte=ctx.period.start,
        shipped_on__lte=ctx.period.end,
    )
    return rows.in_subtree(ctx.unit)


def _reach(ctx: FigureContext) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        shipments = sent_shipments(ctx)
        items = (
            ShipmentLine.objects.filter(
                shipment__in=shipments.values("pk")
            ).aggregate(  # scoping: exempt - shipments restricted
                n=Sum("quantity")
            )["n"]
            or 0
        )
        reach = shipments.order_by().aggregate(
            associations=Count("association", distinct=True),
            countries=Count("association__country", distinct=True),
        )
        cities = set(shipments.order_by().values_list("association__country", "delivery_city"))
        return {**reach, "items": items, "cities": len(cities)}

    return ctx.once("relief.reach", compute)


def items_shipped(ctx: FigureContext) -> int:
    return _reach(ctx)["items"]


def associations_reached(ctx: FigureContext) -> int:
    return _reach(ctx)["associations"]


def countries_reached(ctx: FigureContext) -> int:
    return _reach(ctx)["countries"]


def cities_reached(ctx: FigureContext) -> int:
    return _reach(ctx)["cities"]


def thanks_received(ctx: FigureContext) -> int:
    rows = Thanks.objects.restrict(ctx.user, Action.VIEW).filter(
        received_on__gte=ctx.period.start, received_on__lte=ctx.period.end
    )
    return rows.in_subtree(ctx.unit).count()


def shipments_url(ctx: FigureContext) -> str:
    return ctx.url(
        "relief:shipment_list",
        unit_as="",
        sent="1",
        start=ctx.period.start.isoformat(),
        end=ctx.period.end.isoformat(),
    )


def thanks_url(ctx: FigureContext) -> str:
    return ctx.url(
        "relief:thanks_list",
        unit_as="",
        start=ctx.period.start.isoformat(),
        end=ctx.period.end.isoformat(),
    )
