"""The hotline's figures kept pre-aggregated: `CaseRollup` and `CaseResponseRollup` rows per
(unit, local month, …), so a year's statistics read a few thousand rows instead of half a
million cases (hotline/selectors/stats.py, docs/hotline-stats.md).

**Subtree rows.** A case counts in the row of its own unit *and* in the rows of every unit
above it: the row of a unit holds the figures of its whole subtree, which is what a grant
covers. A city-wide year is then twelve months of the city's rows, whatever the number of
units below it. (Rows per own unit only would be as many as the cases themselves at this
data's spread: ~870 units × 365 days × channels × categories.)

**Upkeep.** Every change is the difference between what a case contributes before and after
the write (`contributions`), added to the rows with one `INSERT … ON CONFLICT DO UPDATE SET n
= n + excluded.n` per table, so concurrent writers never lose a count. The writers:
- `Case.save()` (every service that changes a case saves it) and `Call.save()` (a call
  counts in its unit's month; linking a call flips `Case.has_call`) call in here;
- `Survey.save()` (an answer counts in the satisfaction figures) and the writes that bypass
  `save()` (the SLA sweep's conditional UPDATE of the breach flags) wrap themselves in
  `tracked(case_id)`, which reads the case's figures before and after;
- bulk loaders (the demo seed, the benchmark) call `rebuild()` when they are done;
- a unit moved with its subtree (treebeard's `path_updated`) moves its subtree's rows from
  the old ancestors to the new ones (core/rollup.py, the tables registered in apps.py).

The layer under the two tables (ancestors, fan-out, upsert, rebuild by subtree, unit moves) is
core's rollup kit (core/rollup.py), shared with every app's rollups; what a case contributes
is the hotline's own (`contributions`, `recount`).

A case's state is read after locking its row (services already hold that lock), so two
transactions touching one case apply their differences one after the other.

The month is the month in the federation's time zone (settings.TIME_ZONE), like the periods
of the statistics; `Case.opened_month` is the same month for the opening.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qiaolian.core import rollup as core_rollup
from qiaolian.core.models import Unit
from qiaolian.hotline.counters import (
    CALLS_KEY,
    MAIN_COUNTERS,
    SATISFIED_RATING,
    local_month,
    minutes_to_first_response,
    response_minutes,
)
from qiaolian.hotline.models import (
    OPEN_STATUSES,
    Call,
    Case,
    CaseResponseRollup,
    CaseRollup,
    Survey,
)


@dataclass(frozen=True)
class CaseState:
    """What one case contributes to the figures."""

    unit_id: int
    opened_at: datetime
    channel: str
    category: str
    status: str
    first_response_breached: bool
    resolution_breached: bool
    has_call: bool
    first_response_at: datetime | None
    resolved_at: datetime | None
    survey_rating: int | None = None
    survey_answered_at: datetime | None = None


STATE_FIELDS = (
    "unit_id",
    "opened_at",
    "channel",
    "category",
    "status",
    "first_response_breached",
    "resolution_breached",
    "has_call",
    "first_response_at",
    "resolved_at",
)

# ("main", unit, month, channel, category) or ("resp", unit, month, minutes) → counters
Delta = dict[tuple, Counter]


def contributions(state: CaseState | None) -> Delta:
    out: Delta = defaultdict(Counter)
    if state is None:
        return out
    unit, channel, category = state.unit_id, state.channel, state.category
    opened = out["main", unit, local_month(state.opened_at), channel, category]
    opened["opened"] += 1
    opened["opened_without_call"] += not state.has_call
    opened["still_open"] += state.status in OPEN_STATUSES
    opened["breached"] += state.first_response_breached or state.resolution_breached
    if state.resolved_at is not None:
        out["main", unit, local_month(state.resolved_at), channel, category]["resolved"] += 1
    if state.survey_answered_at is not None and state.survey_rating is not None:
        survey = out["main", unit, local_month(state.survey_answered_at), channel, category]
        survey["survey_responses"] += 1
        survey["survey_rating_sum"] += state.survey_rating
        survey["survey_satisfied"] += state.survey_rating >= SATISFIED_RATING
    if state.first_response_at is not None:
        minutes = response_minutes(state.opened_at, state.first_response_at)
        out["resp", unit, local_month(state.opened_at), minutes]["cases"] += 1
    return out


def difference(before: CaseState | None, after: CaseState | None) -> Delta:
    delta: Delta = defaultdict(Counter)
    for key, counts in contributions(after).items():
        delta[key].update(counts)
    for key, counts in contributions(before).items():
        delta[key].subtract(counts)
    return {key: c for key, c in delta.items() if any(c.values())}


# --- reading a case's state ------------------------------------------------------------------


def case_state(case_id: int | None, *, lock: bool = False) -> CaseState | None:
    if case_id is None:
        return None
    rows = Case.objects.filter(pk=case_id)  # scoping: exempt, upkeep of derived rows
    if lock:
        # Its own statement: the state is read after the lock is granted (READ COMMITTED
        # reads then see what the previous holder committed, the survey included).
        list(rows.select_for_update().values_list("pk"))
    row = rows.values_list(*STATE_FIELDS, "survey__rating", "survey__answered_at").first()
    return None if row is None else CaseState(*row)


def state_of(case: Any) -> CaseState:
    """The state of a case being inserted (it has no survey yet)."""
    return CaseState(*(getattr(case, name) for name in STATE_FIELDS))


_tracking = threading.local()


@contextmanager
def tracked(case_id: int | None) -> Iterator[None]:
    """Around a write to a case or what hangs off it: the case's figures before and after it
    are compared and the difference is added to the rollup, in the same transaction. Nested
    for the same case, only the outermost counts (else the change would count twice)."""
    busy: set = _tracking.__dict__.setdefault("cases", set())
    if case_id is None or case_id in busy:
        yield
        return
    busy.add(case_id)
    try:
        with transaction.atomic(savepoint=False):
            before = case_state(case_id, lock=True)
            yield
            apply(difference(before, case_state(case_id)))
    finally:
        busy.discard(case_id)


def case_inserted(case: Any) -> None:
    apply(difference(None, state_of(case)))


def call_changed(before: tuple[int, datetime] | None, after: tuple[int, datetime] | None) -> None:
    """A call counts once in its unit's month of `started_at`."""
    delta: Delta = defaultdict(Counter)
    if after is not None:
        delta["main", after[0], local_month(after[1]), *CALLS_KEY]["calls"] += 1
    if before is not None:
        delta["main", before[0], local_month(before[1]), *CALLS_KEY]["calls"] -= 1
    apply({key: c for key, c in delta.items() if any(c.values())})


# --- writing ---------------------------------------------------------------------------------


# The tables, and the layer under them shared with every app's rollups (core/rollup.py):
# the ancestors of units, the fan-out to them, the upsert, and the shift when a unit moves.
ancestors = core_rollup.unit_ancestors


def fan_out(delta: Delta, above: dict[int, list[int]] | None = None) -> Delta:
    """Own-unit counts → the counts of the unit and of every unit above it."""
    return core_rollup.fan_out(delta, above, at=1)


def apply(delta: Delta) -> None:
    """Add `delta` (own-unit counts) to the rollup tables: one upsert per table."""
    if not delta:
        return
    spread = fan_out(delta)
    for table in ("main", "resp"):
        rows = [(key[1:], counts) for key, counts in spread.items() if key[0] == table]
        if rows:
            _upsert(table, rows)


def _tables() -> dict[str, core_rollup.RollupTable]:
    return {
        "main": core_rollup.RollupTable(
            CaseRollup, ("unit_id", "month", "channel", "category"), MAIN_COUNTERS
        ),
        "resp": core_rollup.RollupTable(
            CaseResponseRollup, ("unit_id", "month", "minutes"), ("cases",)
        ),
    }


def register_tables() -> None:
    """A unit moved with its subtree takes its rows along (core/rollup.py, on `path_updated`)."""
    for table in _tables().values():
        core_rollup.register_table(table)


def _upsert(table: str, rows: list[tuple[tuple, Counter]]) -> None:
    core_rollup.upsert(_tables()[table], rows)


# --- recounting --------------------------------------------------------------------------------


def recount(units: Iterable[int] | None = None) -> Delta:
    """The own-unit counts recounted from the cases, calls and surveys (of `units` only when
    given), as `contributions()` would sum them."""
    zone = timezone.get_default_timezone()
    cases = Case.objects.all()  # scoping: exempt, the recount of every unit
    calls = Call.objects.all()  # scoping: exempt
    surveys = Survey.objects.all()  # scoping: exempt
    if units is not None:
        units = list(units)
        cases = cases.filter(unit_id__in=units)
        calls = calls.filter(unit_id__in=units)
        surveys = surveys.filter(case__unit_id__in=units)
    out: Delta = defaultdict(Counter)
    opened = (
        cases.values("unit_id", "opened_month", "channel", "category")
        .annotate(
            opened=Count("id"),
            opened_without_call=Count("id", filter=Q(has_call=False)),
            still_open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            breached=Count(
                "id", filter=Q(first_response_breached=True) | Q(resolution_breached=True)
            ),
        )
        .order_by()
    )
    for row in opened:
        key = ("main", row["unit_id"], row["opened_month"], row["channel"], row["category"])
        out[key].update({c: row[c] for c in MAIN_COUNTERS[:4]})
    resolved = (
        cases.filter(resolved_at__isnull=False)
        .annotate(month=TruncMonth("resolved_at", tzinfo=zone))
        .values("unit_id", "month", "channel", "category")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in resolved:
        key = ("main", row["unit_id"], _yyyymm(row["month"]), row["channel"], row["category"])
        out[key]["resolved"] += row["n"]
    answered = (
        surveys.filter(answered_at__isnull=False, rating__isnull=False)
        .annotate(month=TruncMonth("answered_at", tzinfo=zone))
        .values("case__unit_id", "month", "case__channel", "case__category")
        .annotate(
            n=Count("id"),
            total=Sum("rating"),
            satisfied=Count("id", filter=Q(rating__gte=SATISFIED_RATING)),
        )
        .order_by()
    )
    for row in answered:
        key = (
            "main",
            row["case__unit_id"],
            _yyyymm(row["month"]),
            row["case__channel"],
            row["case__category"],
        )
        out[key].update(
            survey_responses=row["n"],
            survey_rating_sum=row["total"],
            survey_satisfied=row["satisfied"],
        )
    for row in (
        calls.annotate(month=TruncMonth("started_at", tzinfo=zone))
        .values("unit_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out["main", row["unit_id"], _yyyymm(row["month"]), *CALLS_KEY]["calls"] += row["n"]
    for row in (
        cases.filter(first_response_at__isnull=False)
        .annotate(minutes=minutes_to_first_response())
        .values("unit_id", "opened_month", "minutes")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out["resp", row["unit_id"], row["opened_month"], int(row["minutes"] or 0)]["cases"] += row[
            "n"
        ]
    return out


def _yyyymm(value: Any) -> int:
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = value.astimezone(timezone.get_default_timezone())
    return value.year * 100 + value.month


@transaction.atomic
def rebuild(unit: Unit | None = None) -> dict[str, int]:
    """Recount the rollup from the cases: everything, or `unit`'s subtree (its rows and the
    rows of the units below it are replaced; the units above it get the difference)."""
    models = {"main": CaseRollup, "resp": CaseResponseRollup}
    if unit is None:
        subtree = None
        above: dict[int, list[int]] = ancestors(Unit.objects.values_list("pk", flat=True))
    else:
        subtree = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
        depth = unit.depth - 1  # the ancestors of a unit below `unit` start at index depth
        above = {pk: ids[depth:] for pk, ids in ancestors(subtree).items()}
    fresh = fan_out(recount(subtree), above)
    written = {}
    for table, model in models.items():
        stale = model.objects.all()  # scoping: exempt, the rollup is rebuilt
        if subtree is not None:
            stale = stale.filter(unit_id__in=subtree)
            old_top = core_rollup.rows_at(_tables()[table], unit.pk)
        stale.delete()
        rows = sorted(
            (
                (key[1:], counts)
                for key, counts in fresh.items()
                if key[0] == table and any(counts.values())
            ),
            key=lambda row: row[0],
        )
        _upsert(table, rows)  # plain inserts: the subtree's rows were just deleted
        written[table] = len(rows)
        if subtree is not None:
            new_top = {
                key[2:]: counts
                for key, counts in fresh.items()
                if key[0] == table and key[1] == unit.pk
            }
            core_rollup.shift_above(_tables()[table], unit, old_top, new_top)
    return written


def fill_if_empty(**kwargs: Any) -> None:
    """After `migrate`: a database that has cases but no rollup yet gets it counted."""
    using = kwargs.get("using", "default")
    if (
        using != "default"
        or CaseRollup._meta.db_table not in connection.introspection.table_names()
    ):
        return  # migrated back to before the rollup
    if CaseRollup.objects.exists():  # scoping: exempt
        return
    if Case.objects.exists():  # scoping: exempt
        rebuild()
