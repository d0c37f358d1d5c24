"""The donations app's registered figures (see core/figures.py), counted from its records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from qiaolian.core.figures import FigureContext
from qiaolian.giving.apps import GIVING
from qiaolian.giving.models import Donation, DonationKind, FundEntry


def _totals(ctx: FigureContext) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        rows = (
            Donation.objects.restrict(ctx.user, GIVING.VIEW)
            .in_subtree(ctx.unit)
            .filter(received_on__range=(ctx.period.start, ctx.period.end))
        )
        return rows.aggregate(
            raised=Sum("value_cny"),
            money=Sum("value_cny", filter=Q(kind=DonationKind.MONEY)),
            goods=Sum("value_cny", filter=Q(kind=DonationKind.GOODS)),
            donations=Count("pk"),
            donors=Count("donor", distinct=True),
        )

    return ctx.once("giving.totals", compute)


def _yuan(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(Decimal("0.01"))


def raised_cny(ctx: FigureContext) -> Decimal:
    return _yuan(_totals(ctx)["raised"])


def money_cny(ctx: FigureContext) -> Decimal:
    return _yuan(_totals(ctx)["money"])


def goods_cny(ctx: FigureContext) -> Decimal:
    return _yuan(_totals(ctx)["goods"])


def donations(ctx: FigureContext) -> int:
    return _totals(ctx)["donations"]


def donors(ctx: FigureContext) -> int:
    return _totals(ctx)["donors"]


def fund_balance_cny(ctx: FigureContext) -> Decimal:
    entries = FundEntry.objects.restrict(ctx.user, GIVING.VIEW).in_subtree(ctx.unit)
    return _yuan(entries.aggregate(total=Sum("amount"))["total"])


def donations_url(ctx: FigureContext) -> str:
    return ctx.url("giving:donation_list", unit_as="pk")


def fund_url(ctx: FigureContext) -> str:
    return ctx.url("giving:fund_list", unit_as="")
