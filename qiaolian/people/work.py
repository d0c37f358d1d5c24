"""The people app's panels of the dashboard's "my work" (declared in apps.py: `my_work()`):
imports waiting for the user and duplicates to review. Each reads through `restrict()`, and
its count is what the list it links to shows."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qiaolian.core.registry import WorkItem, WorkList
from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.people.apps import PEOPLE
from qiaolian.people.models import ImportBatch

SHOWN = 5
WAITING = (ImportBatch.Status.UPLOADED, ImportBatch.Status.PREVIEWED)


def waiting_imports(user, within=None):
    """The user's own uploads that wait for them: columns to map, or a preview to commit."""
    return (
        ImportBatch.objects.restrict(user, Action.ADD)
        .in_subtree(within)
        .filter(created_by=user, status__in=WAITING)
        .order_by("-created_at", "-pk")
    )


def imports_waiting(*, user, within=None) -> WorkList | None:
    if not holds_subtree(user, PEOPLE.ADD):
        return None  # a liaison officer imports nothing
    batches = waiting_imports(user, within)
    items = tuple(
        WorkItem(
            batch.file_name,
            reverse("people:import_detail", args=[batch.public_id]),
            batch.get_status_display(),
            "warning" if batch.status == ImportBatch.Status.PREVIEWED else "",
        )
        for batch in batches[:SHOWN]
    )
    return WorkList(batches.count(), f"{reverse('people:import_list')}?waiting=mine", items)


def duplicates_to_review(*, user, within=None) -> WorkList | None:
    from qiaolian.people.duplicates.selectors import candidate_list

    if not holds_subtree(user, PEOPLE.CHANGE):
        return None  # merging needs CHANGE over both people: a unit's work
    pairs = candidate_list(user=user, within=within).order_by("-score", "pk")
    items = tuple(
        WorkItem(
            f"{pair.person_a} ≈ {pair.person_b}",
            reverse(
                "people:duplicate_merge",
                args=[pair.person_a.public_id, pair.person_b.public_id],
            ),
            _("%(score)s%% alike") % {"score": pair.score},
        )
        for pair in pairs[:SHOWN]
    )
    return WorkList(pairs.count(), reverse("people:duplicate_list"), items)
