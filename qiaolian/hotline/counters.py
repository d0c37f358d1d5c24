"""What the hotline's statistics count, shared by the rollup that keeps the counts
(hotline/services/rollup.py) and the statistics that read them (hotline/selectors/stats.py):
the counters of a rollup row, the rating that counts as satisfied, the local month, and the
minutes from opening to first response in Python and in SQL. (The figures registered for
`qiaolian figures` are in figures.py, above the statistics.)"""

from __future__ import annotations

import math
from datetime import datetime

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from qiaolian.hotline.models import Case

SATISFIED_RATING = 4
CALLS_KEY = ("", "")  # (channel, category) of the rollup rows that hold the calls

MAIN_COUNTERS = (
    "opened",
    "opened_without_call",
    "still_open",
    "breached",
    "resolved",
    "calls",
    "survey_responses",
    "survey_rating_sum",
    "survey_satisfied",
)


def local_month(moment: datetime | None) -> int:
    """yyyymm of `moment` in the federation's time zone (0 for None)."""
    if moment is None:
        return 0
    if timezone.is_aware(moment):
        moment = moment.astimezone(timezone.get_default_timezone())
    return moment.year * 100 + moment.month


def response_minutes(opened: datetime, first_response: datetime) -> int:
    """Whole minutes from opening to first response, rounded half away from zero (as the
    statistics' SQL `ROUND()` does)."""
    seconds = (first_response - opened).total_seconds()
    return int(math.copysign(math.floor(abs(seconds) / 60 + 0.5), seconds))


def minutes_to_first_response() -> RawSQL:
    """`response_minutes` of a case row, in SQL."""
    table = connection.ops.quote_name(Case._meta.db_table)
    if connection.vendor == "postgresql":
        seconds = f"EXTRACT(EPOCH FROM ({table}.first_response_at - {table}.opened_at))"
        sql = f"ROUND({seconds} / 60)"
    else:
        days = f"(julianday({table}.first_response_at) - julianday({table}.opened_at))"
        sql = f"CAST(ROUND({days} * 1440) AS INTEGER)"
    return RawSQL(sql, [])  # noqa: S611 - column names only, no input
