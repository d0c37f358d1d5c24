"""Scoping cost: `restrict()` on the materialized path against a naive subtree walk.

The naive baseline is what an adjacency-list design does: collect the descendant unit ids level
by level (one query per level), then filter records by `unit_id IN (...)`. Both must return the
same rows; the benchmark asserts it before timing.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone


def _populate(scale: int, events_per_unit: int = 40) -> None:
    from django.core.management import call_command

    from qiaolian.core.models import AuditEvent, Unit

    call_command("seed", scale=str(scale), verbosity=0)
    if AuditEvent.objects.filter(action="bench.event").exists():
        return
    now = timezone.now()
    units = list(Unit.objects.all())
    batch = [
        AuditEvent(
            actor_name="bench",
            action="bench.event",
            unit=unit,
            object_repr=f"{unit.code}-{i}",
            created_at=now,
        )
        for unit in units
        for i in range(events_per_unit)
    ]
    with transaction.atomic():
        AuditEvent.objects.bulk_create(batch, batch_size=5000)


def _naive_subtree_ids(root) -> list[int]:
    from qiaolian.core.models import Unit

    ids, frontier = [root.pk], [root.pk]
    depth = root.depth
    while frontier:
        depth += 1
        # An adjacency-list walk: children are the units one level down under the frontier.
        parents = Unit.objects.filter(pk__in=frontier).values_list("path", flat=True)
        children = []
        for path in parents:
            children += list(
                Unit.objects.filter(path__startswith=path, depth=depth).values_list("pk", flat=True)
            )
        ids += children
        frontier = children
    return ids


def run(*, scale: int, timed) -> list[dict]:
    from qiaolian.core.models import AuditEvent, Unit, User
    from qiaolian.core.scoping import Action

    _populate(scale)
    manager = User.objects.get(username="haishu_manager")
    district = Unit.objects.get(code="330203")
    total = AuditEvent.objects.count()

    def scoped_count():
        fresh = User.objects.get(pk=manager.pk)  # grants computed per request, as in a view
        return AuditEvent.objects.restrict(fresh, Action.AUDIT).count()

    def naive_count():
        return AuditEvent.objects.filter(unit_id__in=_naive_subtree_ids(district)).count()

    def scoped_page():
        fresh = User.objects.get(pk=manager.pk)
        return list(
            AuditEvent.objects.restrict(fresh, Action.AUDIT).order_by("-created_at", "-id")[:25]
        )

    def naive_page():
        ids = _naive_subtree_ids(district)
        return list(AuditEvent.objects.filter(unit_id__in=ids).order_by("-created_at", "-id")[:25])

    assert scoped_count() == naive_count(), "restrict() and the naive walk disagree"
    vendor = connection.vendor
    rows = []
    for name, fast, slow in (
        (
            f"scoped count of a district's audit rows ({total:,} rows in all)",
            scoped_count,
            naive_count,
        ),
        ("scoped first page of a district's audit log", scoped_page, naive_page),
    ):
        value = timed(fast)["p95"]
        baseline = timed(slow)["p95"]
        rows.append(
            {
                "name": name,
                "value": round(value, 3),
                "unit": "ms p95",
                "baseline": round(baseline, 3),
                "ratio": round(baseline / value, 2) if value else None,
                "target": None,
                "database": vendor,
            }
        )
    return rows
