"""Reads of tomb-sweeping orders: lists and filters, always from `restrict()`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from qiaolian.core.scoping import Action
from qiaolian.hotline.models import TombProof, TombSweepingOrder
from qiaolian.hotline.services.tomb import season_window, seasonal_counts

__all__ = ["filter_orders", "order_list", "order_proofs", "seasonal_counts"]


def order_list(*, user, action: Action = Action.VIEW, within=None) -> QuerySet:
    return (
        TombSweepingOrder.objects.restrict(user, action)
        .in_subtree(within)
        .select_related("unit", "case", "performer", "share_link")
    )


def filter_orders(queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
    if q := (data.get("q") or "").strip():
        queryset = queryset.filter(
            Q(cemetery__icontains=q)
            | Q(deceased_name__icontains=q)
            | Q(grave_location__icontains=q)
            | Q(case__number__icontains=q)
        )
    if status := data.get("status"):
        queryset = queryset.filter(status=status)
    if kind := data.get("kind"):
        queryset = queryset.filter(kind=kind)
    if season := data.get("season"):
        year = data.get("year")
        if year:
            start, end = season_window(int(year), season)
            queryset = queryset.filter(service_date__range=(start, end))
    elif year := data.get("year"):
        queryset = queryset.filter(service_date__year=int(year))
    return queryset


def order_proofs(*, user, order: TombSweepingOrder) -> QuerySet:
    return (
        TombProof.objects.restrict(user, Action.VIEW)
        .filter(order=order)
        .order_by("uploaded_at", "pk")
    )
