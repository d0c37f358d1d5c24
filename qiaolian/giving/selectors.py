"""Reads of the donations app; each starts from `restrict(user, action)`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from qiaolian.core.money import CNY, Money
from qiaolian.giving.apps import GIVING
from qiaolian.giving.models import Donation, DonationKind, Grant


def donations(*, user: Any, action: str = GIVING.VIEW, within: Any = None) -> QuerySet:
    return Donation.objects.restrict(user, action).in_subtree(within)


def totals(queryset: QuerySet) -> dict[str, Any]:
    row = queryset.order_by().aggregate(
        raised=Sum("value_cny"),
        money=Sum("value_cny", filter=Q(kind=DonationKind.MONEY)),
        goods=Sum("value_cny", filter=Q(kind=DonationKind.GOODS)),
        count=Count("pk"),
        donors=Count("donor", distinct=True),
    )
    for key in ("raised", "money", "goods"):
        row[key] = Money(row[key] or Decimal(0), CNY)
    return row


def can(user: Any, action: str, obj: Any) -> bool:
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


def grants_to_approve(*, user: Any, within: Any = None) -> QuerySet:
    """Pending grants the user may approve: they hold giving.approve over it, did not enter it,
    and have not approved it yet (a grant above the fund's threshold needs a second person)."""
    return (
        Grant.objects.restrict(user, GIVING.APPROVE)
        .in_subtree(within)
        .filter(status=Grant.Status.PENDING)
        .exclude(created_by=user)
        .exclude(approvals__approver=user)
    )
