"""The enterprises app's "my work" panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from qiaolian.core.registry import WorkItem, WorkList
from qiaolian.enterprises import selectors


def overdue_appeals(*, user, within=None) -> WorkList | None:
    appeals = selectors.filter_appeals(
        selectors.appeal_list(user=user, within=within), {"overdue": True}
    ).order_by("due_on", "pk")
    count = appeals.count()
    if not count:
        return None
    today = timezone.localdate()
    items = tuple(
        WorkItem(
            f"{a.number} {a.enterprise.name}",
            reverse("enterprises:appeal_detail", args=[a.public_id]),
            str(a.due_on),
            "danger" if a.due_on < today else "",
        )
        for a in appeals[:5]
    )
    return WorkList(count, f"{reverse('enterprises:appeal_list')}?overdue=on", items)
