"""The hotline's figures for a period: contacts, cases, resolved problems, tomb-sweeping
services, satisfaction, by category, channel, unit and month.

`case_stats(user, unit=None, start=, end=)` reads everything from `restrict(user, VIEW)`
(a volunteer's figures are those of the cases assigned to them), narrowed to `unit`'s subtree
when given. The period is the local calendar days `start` … `end`, both included.

Definitions (docs/hotline-stats.md):
- `calls`: calls started in the period; `cases`: cases opened in the period;
- `contacts` (热线来电来访): `calls` plus the cases opened in the period that no call is linked
  to (a WeChat message, a letter, a walk-in: each is one contact; a call that opened a case
  is counted once, as the call);
- `resolved` (problems solved): cases whose `resolved_at` falls in the period (whenever they
  were opened; reopening clears `resolved_at`, so a reopened case counts again only once
  resolved again, in the period of that resolution); tomb-sweeping cases are counted apart,
  as `tomb_sweeping`;
- `open`: cases opened in the period that are still open (new … waiting);
- `breached`: cases opened in the period that missed their first-response or resolution target;
- `tomb_sweeping`: tomb-sweeping orders done (status "done") with `fulfilled_at` in the period;
- `csat`: surveys answered in the period — responses, mean rating (1–5) and the share of
  ratings 4 or 5;
- `first_response_median_minutes`: median time from opening to first response of the cases
  opened in the period that have one (wall-clock minutes).

Speed at a million cases: the months the period covers whole are read from the rollup
(`CaseRollup`, `CaseResponseRollup`, kept by hotline/services/rollup.py): the rows of the
units at the top of the user's scope, each holding its subtree's figures per local month,
channel and category (resolutions by the month resolved, answers by the month answered,
calls by the month started) and the first-response histogram. The days of the period's
first and last months that it does not cover whole are counted from the cases, as all of
it was before the rollup: one pass over those days' cases grouped by (month, category,
channel, status, breach flags, whether a call is linked), read from the `case_figures`
index alone (the stored `Case.opened_month` and `Case.has_call`, counts as COUNT(category)),
with the scope matched on `unit_id` against the ids of the visible units
(`RestrictedQuerySet.restrict_by_unit_ids`). Both halves add into one tally; the result is
the same as counting everything from the cases (`use_rollup=False`, checked by the tests
and the benchmark).

A user with a narrowed grant (a volunteer: the cases assigned to them) never reads the
rollup, which counts everyone's cases: their figures are counted from the cases. The rollup
rows are read through `restrict_by_unit_ids()` too, so a wrong root could not reach
outside the scope. Days and months are those of the federation's time zone
(settings.TIME_ZONE), in which the rollup's months are kept.
"""

from __future__ import annotations

import bisect
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.utils import timezone

from qiaolian.core.models import Unit
from qiaolian.core.rollup import split_period
from qiaolian.core.scoping import Action, Narrowing, grant_narrowings, grant_roots
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.categories import category_labels
from qiaolian.hotline.counters import MAIN_COUNTERS, SATISFIED_RATING, minutes_to_first_response
from qiaolian.hotline.models import (
    OPEN_STATUSES,
    Call,
    Case,
    CaseResponseRollup,
    CaseRollup,
    Channel,
    Survey,
    TombStatus,
    TombSweepingOrder,
)

TOMB_CATEGORY = "tomb_sweeping"  # its cases are counted as services, not as problems


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware datetimes [start 00:00, the day after end 00:00) in the federation's time
    zone (the zone the rollup's months are kept in)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    zone = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone),
    )


def visible_unit(user: Any, unit: Unit | None, action: Action = Action.VIEW) -> Unit | None:
    """`unit` if the user may view records in it, else PermissionDenied."""
    if unit is None:
        return None
    if not Unit.objects.restrict(user, HOTLINE(action)).filter(pk=unit.pk).exists():
        raise PermissionDenied("unit outside the user's scope")
    return unit


def _scoped(
    model: Any, user: Any, unit: Unit | None, unit_field: str = "unit", action: Action = Action.VIEW
) -> QuerySet:
    """`restrict(user, VIEW).in_subtree(unit)` as a condition on the row's own unit id (see
    `RestrictedQuerySet.restrict_by_unit_ids`)."""
    return model.objects.restrict_by_unit_ids(user, action, within=unit, unit_field=unit_field)


def _median(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    values = sorted(histogram)
    cumulative = []
    running = 0
    for value in values:
        running += histogram[value]
        cumulative.append(running)

    def nth(n: int) -> int:  # the n-th smallest (0-based)
        return values[bisect.bisect_right(cumulative, n)]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _month_label(key: int) -> str:
    return f"{key // 100:04d}-{key % 100:02d}"


def _months(start: date, end: date) -> list[int]:
    keys = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        keys.append(year * 100 + month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _anchor_and_buckets(user: Any, unit: Unit | None) -> tuple[Unit | None, list[Unit]]:
    """The unit whose top-level children the figures are split by, and those children (or,
    for a user with grants in several unrelated units and no unit chosen, those units)."""
    if unit is None:
        paths = grant_roots(user, HOTLINE.VIEW)
        # scoping: exempt - the user's own grant roots (grant_roots), each visible to them.
        roots = list(Unit.objects.filter(path__in=paths))
        if len(roots) != 1:
            return None, roots
        unit = roots[0]
    return unit, list(_children(unit))


def _children(unit: Unit) -> QuerySet:
    # scoping: exempt - the children of a unit already checked visible (visible_unit or a
    # grant root) lie inside its subtree, which the same grant covers.
    return Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)


class _Tally:
    """The figures being summed, from the rollup (whole months) and from the cases (the days
    of the period's first and last months that the period does not fully cover)."""

    def __init__(self) -> None:
        self.by_month: Counter[int] = Counter()
        self.by_category: Counter[str] = Counter()
        self.by_channel: Counter[str] = Counter()
        self.totals: Counter[str] = Counter()
        self.unit_counts: Counter[int] = Counter()
        self.own = 0
        self.histogram: Counter[int] = Counter()

    def add_opened(self, month: int, category: str, channel: str, n: int) -> None:
        if n:
            self.by_month[month] += n
            self.by_category[category] += n
            self.by_channel[channel] += n


def _rollup_roots(user: Any, unit: Unit | None, action: Action) -> list[int] | None:
    """The units whose rollup rows (each its subtree's figures) make up the user's scope:
    `unit`, or the units of the user's grants. None when a grant is narrowed (a volunteer
    sees the cases assigned to them: the rollup counts everyone's, so their figures come from
    the cases)."""
    action = HOTLINE(action)
    if grant_narrowings(user, action) != {Narrowing.SUBTREE}:
        return None
    if unit is not None:
        return [unit.pk]
    roots = grant_roots(user, action)
    # scoping: exempt - the units of the user's own SUBTREE grants (grant_roots).
    return list(Unit.objects.filter(path__in=roots).values_list("pk", flat=True))


def _in_days(field: str, days: list[tuple[date, date]]) -> Q:
    """`field` falls in one of the runs of days."""
    condition = Q()
    for first, last in days:
        since, until = period_bounds(first, last)
        condition |= Q(**{f"{field}__gte": since, f"{field}__lt": until})
    return condition


def _tally_cases(
    tally: _Tally,
    user: Any,
    unit: Unit | None,
    action: Action,
    days: list[tuple[date, date]],
    bucket_of: Any,
) -> None:
    """Add the figures of the runs of `days` (first, last), counted from the cases."""
    cases = _scoped(Case, user, unit, action=action)
    in_period = cases.filter(_in_days("opened_at", days))

    # One pass: month × category × channel × status × breach flags × whether a call is linked.
    open_statuses = {str(s) for s in OPEN_STATUSES}
    grouped = in_period.values(
        "has_call",
        "opened_month",
        "category",
        "channel",
        "status",
        "first_response_breached",
        "resolution_breached",
    ).annotate(n=Count("category"))
    totals = tally.totals
    for row in grouped.order_by():
        n = row["n"]
        totals["cases"] += n
        tally.add_opened(row["opened_month"], row["category"], row["channel"], n)
        if row["status"] in open_statuses:
            totals["open"] += n
        if row["first_response_breached"] or row["resolution_breached"]:
            totals["breached"] += n
        if not row["has_call"]:
            totals["call_less"] += n

    totals["calls"] += (
        _scoped(Call, user, unit, action=action).filter(_in_days("started_at", days)).count()
    )
    totals["resolved"] += (
        cases.filter(_in_days("resolved_at", days))
        .exclude(category=TOMB_CATEGORY)
        .order_by()
        .count()
    )

    # By unit: the period's cases per owner unit, summed into the anchor's children.
    # Grouped on unit_id + 0, not unit_id: SQLite would otherwise walk the (unit, status, …)
    # index of every visible unit from end to end to group in its order, instead of reading
    # the days' range of the (opened_at, unit, …) index (COUNT(unit_id), not COUNT(id), keeps
    # the read on that index).
    per_unit = dict(
        in_period.annotate(owner=F("unit_id") + Value(0))
        .values_list("owner")
        .annotate(n=Count("unit_id"))
        .order_by()
        .values_list("owner", "n")
    )
    # scoping: exempt - ids of the owner units of cases already read through the scope.
    paths = dict(Unit.objects.filter(pk__in=per_unit).values_list("pk", "path"))
    for unit_id, n in per_unit.items():
        bucket = bucket_of(paths.get(unit_id, ""))
        if bucket is None:
            tally.own += n
        else:
            tally.unit_counts[bucket.pk] += n

    # First response: a histogram of whole minutes, its median computed at the end.
    responded = (
        in_period.filter(first_response_at__isnull=False)
        .annotate(minutes=minutes_to_first_response())
        .values("minutes")
        .annotate(n=Count("category"))
        .order_by()
    )
    for row in responded:
        tally.histogram[int(row["minutes"] or 0)] += row["n"]

    surveys = (
        _scoped(Survey, user, unit, unit_field="case__unit", action=action)
        .filter(_in_days("answered_at", days), rating__isnull=False)
        .aggregate(
            responses=Count("id"),
            total=Sum("rating"),
            satisfied=Count("id", filter=Q(rating__gte=SATISFIED_RATING)),
        )
    )
    totals["survey_responses"] += surveys["responses"] or 0
    totals["survey_rating_sum"] += surveys["total"] or 0
    totals["survey_satisfied"] += surveys["satisfied"] or 0


def _tally_rollup(
    tally: _Tally,
    user: Any,
    unit: Unit | None,
    action: Action,
    roots: list[int],
    months: list[int],
    anchor: Unit | None,
    buckets: list[Unit],
) -> None:
    """Add the figures of whole `months` from the rollup rows of `roots` (each holds its
    subtree; the rows are read through the same scope as the cases, as a safety net)."""
    rows = CaseRollup.objects.restrict_by_unit_ids(user, action, within=unit).filter(
        month__in=months
    )
    sums = {name: Sum(name) for name in MAIN_COUNTERS}
    totals = tally.totals
    for row in (
        rows.filter(unit_id__in=roots)
        .values("month", "channel", "category")
        .annotate(**sums)
        .order_by()
    ):
        opened = row["opened"]
        totals["cases"] += opened
        tally.add_opened(row["month"], row["category"], row["channel"], opened)
        totals["open"] += row["still_open"]
        totals["breached"] += row["breached"]
        totals["call_less"] += row["opened_without_call"]
        totals["calls"] += row["calls"]
        if row["category"] != TOMB_CATEGORY:
            totals["resolved"] += row["resolved"]
        for name in ("survey_responses", "survey_rating_sum", "survey_satisfied"):
            totals[name] += row[name]

    # By unit: a child's row is its subtree; the anchor's own cases are what its children
    # leave of its row.
    per_unit = dict(
        rows.filter(unit_id__in=[b.pk for b in buckets] + ([anchor.pk] if anchor else []))
        .values_list("unit_id")
        .annotate(n=Sum("opened"))
        .order_by()
        .values_list("unit_id", "n")
    )
    for bucket in buckets:
        tally.unit_counts[bucket.pk] += per_unit.get(bucket.pk) or 0
    if anchor is not None:
        children = sum(per_unit.get(b.pk) or 0 for b in buckets)
        tally.own += (per_unit.get(anchor.pk) or 0) - children

    responses = (
        CaseResponseRollup.objects.restrict_by_unit_ids(user, action, within=unit)
        .filter(month__in=months, unit_id__in=roots)
        .values("minutes")
        .annotate(n=Sum("cases"))
        .order_by()
    )
    for row in responses:
        if row["n"]:
            tally.histogram[row["minutes"]] += row["n"]


def case_stats(
    user: Any,
    *,
    unit: Unit | None = None,
    start: date,
    end: date,
    action: Action = Action.VIEW,
    use_rollup: bool = True,
) -> dict:
    """The figures of the period as one JSON-ready dict (see the module docstring).
    `use_rollup=False` counts everything from the cases (the check of the rollup)."""
    unit = visible_unit(user, unit, HOTLINE(action))
    since, until = period_bounds(start, end)
    anchor, buckets = _anchor_and_buckets(user, unit)
    bucket_by_path = {b.path: b for b in buckets}
    step = Unit.steplen

    def bucket_of(path: str) -> Unit | None:
        key = path[: len(anchor.path) + step] if anchor else None
        bucket = bucket_by_path.get(key) if key else None
        if bucket is None and anchor is None:
            bucket = next((b for b in buckets if path.startswith(b.path)), None)
        return bucket

    months, edges = split_period(start, end)
    roots = _rollup_roots(user, unit, action) if use_rollup and months else None
    if not roots:
        months, edges = [], [(start, end)]
    tally = _Tally()
    # One run at a time: with the runs OR-ed in one query SQLite gives up the index ranges.
    for run in edges:
        _tally_cases(tally, user, unit, action, [run], bucket_of)
    if months:
        _tally_rollup(tally, user, unit, action, roots, months, anchor, buckets)

    totals, unit_counts = tally.totals, tally.unit_counts
    by_unit = [
        {"code": b.code, "name": b.label, "cases": unit_counts.get(b.pk, 0)}
        for b in buckets
        if unit_counts.get(b.pk) or b.is_active
    ]
    by_unit.sort(key=lambda row: -row["cases"])
    if tally.own and anchor is not None:
        by_unit.append({"code": anchor.code, "name": anchor.label, "cases": tally.own, "own": True})

    tomb = (
        _scoped(TombSweepingOrder, user, unit, action=action)
        .filter(status=TombStatus.DONE, fulfilled_at__gte=since, fulfilled_at__lt=until)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    tomb_by_kind = {row["kind"]: row["n"] for row in tomb}

    responses = totals["survey_responses"]
    by_category = +tally.by_category  # drops the zeros the rollup may hold
    by_channel = +tally.by_channel
    return {
        "unit": {"code": unit.code, "name": unit.name} if unit else None,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "contacts": totals["calls"] + totals["call_less"],
        "calls": totals["calls"],
        "cases": totals["cases"],
        "cases_without_call": totals["call_less"],
        "resolved": totals["resolved"],
        "open": totals["open"],
        "breached": totals["breached"],
        "tomb_sweeping": sum(tomb_by_kind.values()),
        "tomb_sweeping_by_kind": dict(sorted(tomb_by_kind.items())),
        "by_category": dict(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_channel": {
            key: by_channel[key]
            for key in sorted(by_channel, key=lambda k: (-by_channel[k], k))
            if key in Channel.values or by_channel[key]
        },
        "by_unit": by_unit,
        "by_month": [
            {"month": _month_label(key), "cases": tally.by_month.get(key, 0)}
            for key in _months(start, end)
        ],
        "csat": {
            "responses": responses,
            "mean": round(totals["survey_rating_sum"] / responses, 2) if responses else None,
            "satisfied_share": round(totals["survey_satisfied"] / responses, 3)
            if responses
            else None,
        },
        "first_response_median_minutes": _median(+tally.histogram),
    }


__all__ = [
    "case_stats",
    "category_labels",
    "minutes_to_first_response",
    "period_bounds",
    "split_period",
    "visible_unit",
]
