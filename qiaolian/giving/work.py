"""The donations panel of the dashboard's "my work": grants waiting for the user's approval.
Its count is what its link lists (the grant list filtered with ?to_approve=1)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from qiaolian.core.money import CNY, Money
from qiaolian.core.registry import WorkItem, WorkList
from qiaolian.giving import selectors

SHOWN = 5


def grants_to_approve(*, user: Any, within: Any = None) -> WorkList:
    rows = selectors.grants_to_approve(user=user, within=within).order_by("applied_on", "pk")
    items = tuple(
        WorkItem(
            f"{grant.applicant} · {grant.purpose}",
            reverse("giving:grant_detail", args=[grant.public_id]),
            str(Money(grant.amount_cny, CNY)),
        )
        for grant in rows[:SHOWN]
    )
    return WorkList(rows.count(), f"{reverse('giving:grant_list')}?to_approve=1", items)
