"""The "my work" panel of outreach: the family calls given to the user still to make."""

from __future__ import annotations

from django.urls import reverse

from qiaolian.core.registry import WorkItem, WorkList
from qiaolian.outreach.models import CallTask

TODO = (CallTask.Outcome.PENDING, CallTask.Outcome.CALL_BACK)


def calls_to_make_of(user, within=None):
    tasks = CallTask.objects.restrict(user, "outreach.view").in_subtree(within)
    return tasks.filter(caller=user, outcome__in=TODO)


def calls_to_make(*, user, within=None) -> WorkList | None:
    tasks = calls_to_make_of(user, within)
    if not tasks.exists():
        return None
    items = tuple(
        WorkItem(task.person.full_name, reverse("outreach:call_record", args=[task.public_id]))
        for task in tasks.select_related("person").order_by("outcome", "pk")[:5]
    )
    return WorkList(tasks.count(), reverse("outreach:my_calls") + "?todo=1", items)
