"""Subtree rollups for figures: source rows pre-aggregated per unit × local month × dimensions.

**Subtree rows.** A source row counts in the rollup row of its own unit *and* of every unit
above it, so the row of a unit holds its whole subtree: what a grant there covers. A city-wide
year is twelve months of the city's rows, whatever the number of units below.

**Declaring one.** A rollup table is a model with a `unit` foreign key (ScopedMixin and a
scoped manager, like any model in the unit tree), a `month` integer (yyyymm in the federation's
time zone), one column per dimension, one integer or decimal column per measure, and a unique
constraint on (unit, month, dimensions…):

    DONATIONS = register(Rollup(
        key="giving.donations",
        source=Donation, table=DonationRollup, date_field="received_at",
        dimensions=("drive_id", "kind"),
        measures={"donations": count(), "amount_cny": total("amount_cny")},
    ))

**Upkeep.** A write adds the difference it makes to the rollup, in its own transaction:
`rollup_apply(spec, rollup_contribution(spec, row))` for an inserted row, the negated
contribution for a deleted one, `rollup_difference(before, after)` for a change. `rollup_apply`
adds to the rows with one `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`, so
concurrent writers never lose a count. Bulk loads call `rollup_rebuild(spec)` (everything, or
one unit's subtree) afterwards; `manage.py rollup_rebuild` does it from the shell. A unit
moved with its subtree (treebeard's `path_updated`) moves its rows from its old ancestors to
its new ones, for every registered table.

**Reading.** `rollup_read(spec, user=…, unit=…, start=…, end=…, dims=…)` serves the months
the period covers whole from the rollup rows of the units at the top of the user's scope, and
the days at either end from the source rows, through `restrict_by_unit_ids()`. A user with a
narrowed grant (assigned or own records) is served from the source rows only: the rollup counts
everyone's. (hotline/services/rollup.py was the first of these; its two tables use the lower
layer of this module.)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qiaolian.core.models import Unit
from qiaolian.core.scoping import (
    Action,
    Narrowing,
    grant_narrowings,
    grant_roots,
    model_domain,
    qualify,
)

# (unit_id, *rest of the table's key) → {counter: n}; own-unit counts until fanned out.
Delta = dict[tuple, Counter]


# --- months ----------------------------------------------------------------------------------


def local_month(moment: datetime | date | None) -> int:
    """yyyymm of `moment` (a datetime in the federation's time zone, or a date); 0 for None."""
    if moment is None:
        return 0
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = moment.astimezone(timezone.get_default_timezone())
    return moment.year * 100 + moment.month


def split_period(start: date, end: date) -> tuple[list[int], list[tuple[date, date]]]:
    """The months the period covers whole, and the runs of days left over (at most two)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    months = []
    edges: list[tuple[date, date]] = []
    day = start
    while day <= end:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        last = min(end, following - timedelta(days=1))
        if day.day == 1 and last == following - timedelta(days=1):
            months.append(day.year * 100 + day.month)
        elif edges and edges[-1][1] + timedelta(days=1) == day:
            edges[-1] = (edges[-1][0], last)
        else:
            edges.append((day, last))
        day = last + timedelta(days=1)
    return months, edges


# --- the lower layer: one table, any keys ------------------------------------------------------


@dataclass(frozen=True)
class RollupTable:
    """A rollup table: its model, its key columns (the unit's first: "unit_id", then the rest)
    and its counter columns, each added to on conflict."""

    model: Any
    keys: tuple[str, ...]
    counters: tuple[str, ...]

    @property
    def db_table(self) -> str:
        return str(self.model._meta.db_table)


_tables: dict[str, RollupTable] = {}  # db table → table: what a unit move shifts


def register_table(table: RollupTable) -> RollupTable:
    """Keep `table`'s subtree rows right when a unit moves (see `on_path_updated`)."""
    from treebeard.mp_tree import path_updated

    _tables[table.db_table] = table
    path_updated.connect(on_path_updated, dispatch_uid="core-rollup-move")
    return table


def unit_ancestors(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each unit's id → the ids of the unit and of every unit above it (root first)."""
    # scoping: exempt - the tree's own structure, for upkeep of derived rows.
    paths = dict(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"))
    step = Unit.steplen
    prefixes = {p[:i] for p in paths.values() for i in range(step, len(p) + 1, step)}
    ids = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "pk"))
    return {
        pk: [ids[p[:i]] for i in range(step, len(p) + 1, step) if p[:i] in ids]
        for pk, p in paths.items()
    }


def fan_out(delta: Delta, above: dict[int, list[int]] | None = None, at: int = 0) -> Delta:
    """Own-unit counts → the counts of the unit and of every unit above it. The unit id is
    the key's element `at`."""
    above = above if above is not None else unit_ancestors(key[at] for key in delta)
    out: Delta = defaultdict(Counter)
    for key, counts in delta.items():
        for unit_id in above.get(key[at], (key[at],)):
            out[(*key[:at], unit_id, *key[at + 1 :])].update(counts)
    return out


def nonzero(delta: Delta) -> Delta:
    """`delta` without its zero counters and empty keys (negative counts are kept)."""
    out: Delta = {}
    for key, counts in delta.items():
        kept = Counter({name: n for name, n in counts.items() if n})
        if kept:
            out[key] = kept
    return out


def upsert(table: RollupTable, rows: Sequence[tuple[tuple, Mapping[str, Any]]]) -> None:
    """Add each row's counts to the table: `INSERT … ON CONFLICT (keys) DO UPDATE SET c = c +
    excluded.c`, in chunks, rows sorted by key (concurrent writers lock rows in one order)."""
    if not rows:
        return
    rows = sorted(rows, key=lambda row: row[0])
    q = connection.ops.quote_name
    name, keys, counters = table.db_table, table.keys, table.counters
    columns = ", ".join(q(c) for c in (*keys, *counters))
    updates = ", ".join(f"{q(c)} = {q(name)}.{q(c)} + excluded.{q(c)}" for c in counters)
    width = len(keys) + len(counters)
    chunk = max(1, 999 // width)  # SQLite's smallest limit of parameters per statement
    placeholders = "(" + ", ".join(["%s"] * width) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            params: list[Any] = []
            for key, counts in part:
                params += [*key, *(counts.get(c, 0) for c in counters)]
            cursor.execute(
                f"INSERT INTO {q(name)} ({columns}) VALUES "  # noqa: S608 - names only
                f"{', '.join([placeholders] * len(part))} "
                f"ON CONFLICT ({', '.join(q(k) for k in keys)}) DO UPDATE SET {updates}",
                params,
            )


def rows_at(table: RollupTable, unit_id: int) -> dict[tuple, Counter]:
    """The rows of one unit, keyed without the unit."""
    out = {}
    # scoping: exempt - upkeep of derived rows.
    rows = table.model._default_manager.filter(unit_id=unit_id)
    for row in rows.values(*table.keys, *table.counters):
        out[tuple(row[k] for k in table.keys[1:])] = Counter({c: row[c] for c in table.counters})
    return out


def shift_above(table: RollupTable, unit: Unit, old: dict, new: dict) -> None:
    """Add `new - old` (rows of `unit`, keyed without the unit) to every unit above `unit`."""
    step = Unit.steplen
    # scoping: exempt - the ancestors of a unit, for upkeep of derived rows.
    above = Unit.objects.filter(
        path__in=[unit.path[:i] for i in range(step, len(unit.path), step)]
    ).values_list("pk", flat=True)
    delta: dict[tuple, Counter] = defaultdict(Counter)
    for key, counts in new.items():
        delta[key].update(counts)
    for key, counts in old.items():
        delta[key].subtract(counts)
    upsert(
        table,
        [
            ((unit_id, *key), counts)
            for unit_id in above
            for key, counts in delta.items()
            if any(counts.values())
        ],
    )


def move_rows(tables: Iterable[RollupTable], old_path: str, new_path: str) -> None:
    """The unit now at `new_path` moved with its subtree from `old_path`: its rows (its
    subtree's figures) leave the units that were above it and join the units now above it."""
    step = Unit.steplen
    # scoping: exempt - the tree's own structure.
    moved = Unit.objects.filter(path=new_path).values_list("pk", flat=True).first()
    if moved is None:
        return
    old_paths = {old_path[:i] for i in range(step, len(old_path), step)}
    new_paths = {new_path[:i] for i in range(step, len(new_path), step)}
    ids = dict(Unit.objects.filter(path__in=old_paths | new_paths).values_list("path", "pk"))
    old = {ids[p] for p in old_paths if p in ids}
    new = {ids[p] for p in new_paths if p in ids}
    if old == new:
        return
    for table in tables:
        rows = rows_at(table, moved)
        shifted = [((u, *key), counts) for u in new - old for key, counts in rows.items()]
        shifted += [
            ((u, *key), Counter({c: -n for c, n in counts.items()}))
            for u in old - new
            for key, counts in rows.items()
        ]
        upsert(table, shifted)


def on_path_updated(sender: Any, old_path: str, new_path: str, **kwargs: Any) -> None:
    """treebeard's `path_updated`: shift the rows of every registered table."""
    if sender is Unit:
        move_rows(_tables.values(), old_path, new_path)


# --- the declarative layer -----------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """What a source row adds to a counter: 1 (`count()`) or the value of a field (`total()`)."""

    field: str | None = None

    def of(self, row: Any) -> Any:
        return 1 if self.field is None else (getattr(row, self.field) or 0)

    def aggregate(self) -> Any:
        return Count("pk") if self.field is None else Sum(self.field)


def count() -> Measure:
    return Measure()


def total(field_name: str) -> Measure:
    return Measure(field_name)


@dataclass(frozen=True)
class Rollup:
    """A rollup of `source` rows by their unit's subtree, the local month of `date_field`
    and `dimensions` (attnames, e.g. "kind" or "item_id", the same on source and table)."""

    key: str
    source: Any
    table: Any
    date_field: str
    dimensions: tuple[str, ...] = ()
    measures: Mapping[str, Measure] = field(default_factory=lambda: {"n": count()})
    unit_field: str = "unit"

    def __post_init__(self) -> None:
        # ON CONFLICT needs the key unique, and NULLs are never equal in a unique key: a NULL
        # dimension would add a row per write instead of adding to one.
        opts = self.table._meta
        columns = {f.attname: f for f in opts.concrete_fields}
        key = ("unit_id", "month", *self.dimensions)
        for name in (*key, *self.measures):
            if name not in columns or columns[name].null:
                raise ValueError(f"{opts.label}.{name} must be a NOT NULL column ({self.key})")
        unique = [
            {opts.get_field(f).attname for f in c.fields}
            for c in opts.constraints
            if isinstance(c, models.UniqueConstraint) and c.condition is None
        ]
        if set(key) not in unique:
            raise ValueError(f"{opts.label} needs a unique constraint on {key} ({self.key})")

    @property
    def table_spec(self) -> RollupTable:
        return RollupTable(self.table, ("unit_id", "month", *self.dimensions), tuple(self.measures))

    @property
    def unit_attname(self) -> str:
        return f"{self.unit_field}_id"

    @property
    def dated(self) -> bool:
        """Whether the date field holds moments (local days) rather than dates."""
        return isinstance(self.source._meta.get_field(self.date_field), models.DateTimeField)


ROLLUPS: dict[str, Rollup] = {}


def register(spec: Rollup) -> Rollup:
    """Declare a rollup (once, e.g. at import of the app's figures module)."""
    ROLLUPS[spec.key] = spec
    register_table(spec.table_spec)
    return spec


def rollup_contribution(spec: Rollup, row: Any) -> Delta:
    """What one source row adds to the rollup (own unit; nothing without a date)."""
    moment = getattr(row, spec.date_field)
    if moment is None:
        return {}
    key = (
        getattr(row, spec.unit_attname),
        local_month(moment),
        *(getattr(row, d) for d in spec.dimensions),
    )
    return {key: Counter({name: m.of(row) for name, m in spec.measures.items()})}


def rollup_difference(before: Delta, after: Delta) -> Delta:
    """`after - before`, the zero counters dropped."""
    delta: Delta = defaultdict(Counter)
    for key, counts in after.items():
        delta[key].update(counts)
    for key, counts in before.items():
        delta[key].subtract(counts)
    return nonzero(delta)


def rollup_apply(spec: Rollup, delta: Delta) -> None:
    """Add `delta` (own-unit counts) to the rollup: to each unit's row and its ancestors'."""
    delta = nonzero(delta)
    if delta:
        upsert(spec.table_spec, list(nonzero(fan_out(delta)).items()))


def _month_of(value: Any) -> int:
    return local_month(value)


def _dated_month(spec: Rollup) -> TruncMonth:
    zone = timezone.get_default_timezone() if spec.dated else None
    return TruncMonth(spec.date_field, tzinfo=zone)


def rollup_recount(spec: Rollup, units: Iterable[int] | None = None) -> Delta:
    """The own-unit counts recounted from the source rows (of `units` only when given)."""
    # scoping: exempt - the recount of every unit, for upkeep of derived rows.
    rows = spec.source._default_manager.filter(**{f"{spec.date_field}__isnull": False})
    if units is not None:
        rows = rows.filter(**{f"{spec.unit_attname}__in": list(units)})
    grouped = (
        rows.annotate(_month=_dated_month(spec))
        .values(spec.unit_attname, "_month", *spec.dimensions)
        .annotate(**{f"_m_{name}": m.aggregate() for name, m in spec.measures.items()})
        .order_by()
    )
    out: Delta = defaultdict(Counter)
    for row in grouped:
        key = (
            row[spec.unit_attname],
            _month_of(row["_month"]),
            *(row[d] for d in spec.dimensions),
        )
        out[key].update({name: row[f"_m_{name}"] or 0 for name in spec.measures})
    return nonzero(out)


def rollup_table(spec: Rollup) -> Delta:
    """The rollup as stored, zero counters and rows left out (for checks and tests)."""
    table = spec.table_spec
    out: Delta = {}
    # scoping: exempt - the whole derived table, for checks.
    for row in spec.table._default_manager.values(*table.keys, *table.counters):
        counts = Counter({c: row[c] for c in table.counters if row[c]})
        if counts:
            out[tuple(row[k] for k in table.keys)] = counts
    return out


@transaction.atomic
def rollup_rebuild(spec: Rollup, unit: Unit | None = None) -> int:
    """Recount the rollup from the source rows: everything, or `unit`'s subtree (its rows and
    those of the units below it are replaced; the units above it get the difference).
    Returns the number of rows written."""
    table = spec.table_spec
    # scoping: exempt - the whole tree or one subtree, for upkeep of derived rows.
    if unit is None:
        subtree = None
        above = unit_ancestors(Unit.objects.values_list("pk", flat=True))
    else:
        subtree = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
        depth = unit.depth - 1  # the ancestors of a unit below `unit` start at index depth
        above = {pk: ids[depth:] for pk, ids in unit_ancestors(subtree).items()}
    fresh = nonzero(fan_out(rollup_recount(spec, subtree), above))
    stale = spec.table._default_manager.all()
    if subtree is not None:
        stale = stale.filter(unit_id__in=subtree)
        old_top = rows_at(table, unit.pk)  # type: ignore[union-attr]
    stale.delete()
    upsert(table, list(fresh.items()))  # plain inserts: the rows were just deleted
    if unit is not None:
        new_top = {key[1:]: counts for key, counts in fresh.items() if key[0] == unit.pk}
        shift_above(table, unit, old_top, new_top)
    return len(fresh)


# --- reading -------------------------------------------------------------------------------------


def _roots(user: Any, unit: Unit | None, action: str) -> list[int] | None:
    """The units whose rows make up the user's scope (`unit`, or the user's grant units);
    None when a grant is narrowed (the rollup counts everyone's rows). `action` is qualified
    ("hotline.view")."""
    if grant_narrowings(user, action) != {Narrowing.SUBTREE}:
        return None
    if unit is not None:
        return [unit.pk]
    # scoping: exempt - the units of the user's own SUBTREE grants (grant_roots).
    roots = grant_roots(user, action)
    return list(Unit.objects.filter(path__in=roots).values_list("pk", flat=True))


def _in_days(spec: Rollup, first: date, last: date) -> Q:
    if not spec.dated:
        return Q(**{f"{spec.date_field}__gte": first, f"{spec.date_field}__lte": last})
    zone = timezone.get_default_timezone()
    since = timezone.make_aware(datetime.combine(first, time.min), zone)
    until = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone)
    return Q(**{f"{spec.date_field}__gte": since, f"{spec.date_field}__lt": until})


def rollup_read(
    spec: Rollup,
    *,
    user: Any,
    unit: Unit | None = None,
    start: date,
    end: date,
    dims: Sequence[str] = (),
    action: Any = Action.VIEW,
    use_rollup: bool = True,
) -> dict[tuple, Counter]:
    """The measures of the period [start, end] (local days, both included) in the user's scope
    (narrowed to `unit`'s subtree), grouped by `dims` (a subset of the dimensions, and "month"
    for yyyymm): {(dim values…): {measure: sum}}. `use_rollup=False` counts everything from
    the source rows (the check of the rollup)."""
    if unit is not None and not Unit.objects.restrict(user, action).filter(pk=unit.pk).exists():
        raise PermissionDenied("unit outside the user's scope")
    unknown = set(dims) - {*spec.dimensions, "month"}
    if unknown:
        raise ValueError(f"{spec.key} has no dimension {sorted(unknown)}")
    months, edges = split_period(start, end)
    qualified = qualify(action, model_domain(spec.source))
    roots = _roots(user, unit, qualified) if use_rollup and months else None
    if not roots:
        months, edges = [], [(start, end)]
    out: dict[tuple, Counter] = defaultdict(Counter)
    measures = {f"_m_{name}": m.aggregate() for name, m in spec.measures.items()}
    source = spec.source._default_manager.restrict_by_unit_ids(
        user, action, within=unit, unit_field=spec.unit_field
    )
    for first, last in edges:  # one run at a time: each reads an index range
        rows = source.filter(_in_days(spec, first, last))
        if "month" in dims:
            rows = rows.annotate(month=_dated_month(spec))
        for row in rows.values(*dims).annotate(**measures).order_by():
            key = tuple(_month_of(row[d]) if d == "month" else row[d] for d in dims)
            out[key].update({name: row[f"_m_{name}"] or 0 for name in spec.measures})
    if months:
        rows = (
            spec.table._default_manager.restrict_by_unit_ids(user, action, within=unit)
            .filter(month__in=months, unit_id__in=roots)
            .values(*dims)
            .annotate(**{f"_m_{name}": Sum(name) for name in spec.measures})
            .order_by()
        )
        for row in rows:
            out[tuple(row[d] for d in dims)].update(
                {name: row[f"_m_{name}"] or 0 for name in spec.measures}
            )
    return {key: counts for key, counts in nonzero(out).items()}


def rollup_total(
    spec: Rollup, measure: str, *, user: Any, unit: Unit | None, start: date, end: date
) -> Any:
    """One measure over the period, for a registered figure (core/figures.py):

    def donations(ctx):
        p = ctx.period
        return rollup_total(DONATIONS, "donations", user=ctx.user, unit=ctx.unit,
                            start=p.start, end=p.end)
    """
    read = rollup_read(spec, user=user, unit=unit, start=start, end=end)
    return read.get((), Counter()).get(measure, 0)
