"""The supplies panels of the dashboard's "my work": needs waiting for confirmation and
allocations waiting for someone else's approval. Each count is what its link lists."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from qiaolian.core.registry import WorkItem, WorkList
from qiaolian.core.scoping import Action
from qiaolian.relief import selectors
from qiaolian.relief.models import Allocation, Need

SHOWN = 5


def needs_to_confirm(*, user: Any, within: Any = None) -> WorkList:
    """Needs reported (by staff or by an association's link) that no one has confirmed yet."""
    needs = selectors.need_list(user=user, action=Action.CHANGE, within=within).filter(
        status=Need.Status.REPORTED
    )
    items = tuple(
        WorkItem(
            f"{need.association.name} · {need.item} × {need.quantity:,}",
            reverse("relief:need_detail", args=[need.public_id]),
            need.get_urgency_display(),
            "danger" if need.urgency == Need.Urgency.CRITICAL else "",
        )
        for need in needs[:SHOWN]
    )
    return WorkList(needs.count(), f"{reverse('relief:need_list')}?status=reported", items)


def allocations_to_approve(*, user: Any, within: Any = None) -> WorkList:
    """Proposed allocations the user may approve (those they proposed themselves excluded)."""
    rows = (
        selectors.allocation_list(user=user, action=Action.APPROVE, within=within)
        .filter(status=Allocation.Status.PROPOSED)
        .exclude(created_by=user)
    )
    items = tuple(
        WorkItem(
            f"{a.number} · {a.warehouse}",
            reverse("relief:allocation_detail", args=[a.public_id]),
            f"{a.quantity or 0:,}",
        )
        for a in rows[:SHOWN]
    )
    return WorkList(rows.count(), f"{reverse('relief:allocation_list')}?to_approve=1", items)
