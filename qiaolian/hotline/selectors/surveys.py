"""Satisfaction (CSAT) figures: the share of answered surveys rated 4 or 5, the mean rating and
the counts, by case category, unit or assignee, over a period. Always on restricted surveys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core.scoping import Action
from qiaolian.hotline.models import Survey

GROUPINGS = {
    "category": "case__category",
    "unit": "case__unit",
    "assignee": "case__assignee",
}


@dataclass
class CsatRow:
    key: object
    label: str
    answered: int
    satisfied: int
    mean: float | None

    @property
    def csat(self) -> float | None:
        """Share of answers rated 4–5, in percent."""
        return round(100 * self.satisfied / self.answered, 1) if self.answered else None


@dataclass
class CsatReport:
    by: str
    start: date
    end: date
    rows: list[CsatRow]
    total: CsatRow
    sent: int
    sent_answered: int = 0  # of the surveys sent in the period, those answered (at any time)

    @property
    def response_rate(self) -> float | None:
        """Answered share of the surveys sent in the period (never above 100 %: a survey sent
        before the period and answered in it counts in the ratings, not here)."""
        return round(100 * self.sent_answered / self.sent, 1) if self.sent else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def survey_list(*, user, within=None) -> QuerySet:
    """Surveys in the user's scope with their case (for lists and the API)."""
    return (
        Survey.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .select_related("case", "case__unit", "case__assignee")
    )


def filter_surveys(queryset: QuerySet, data: dict) -> QuerySet:
    """`answered` (True/False), and `start`/`end`: local dates (inclusive) the survey was sent."""
    if data.get("answered") is not None:
        queryset = queryset.filter(answered_at__isnull=not data["answered"])
    if start := data.get("start"):
        queryset = queryset.filter(sent_at__gte=_bounds(start, start)[0])
    if end := data.get("end"):
        queryset = queryset.filter(sent_at__lt=_bounds(end, end)[1])
    return queryset


def surveys_in(user, start: date, end: date, within=None) -> QuerySet:
    """Surveys answered between `start` and `end` (local dates, inclusive) in the user's scope."""
    low, high = _bounds(start, end)
    return (
        Survey.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .filter(answered_at__gte=low, answered_at__lt=high, rating__isnull=False)
    )


def _labels(by: str, keys: list) -> dict:
    if by == "category":
        from qiaolian.hotline.selectors.answers import category_labels

        return category_labels()
    if by == "unit":
        from qiaolian.core.models import Unit

        # scoping: exempt - labels for the keys of rows already restricted
        return {u.pk: u.label for u in Unit.objects.filter(pk__in=keys)}
    from qiaolian.core.models import User

    # scoping: exempt - labels for the keys of rows already restricted
    return {u.pk: str(u) for u in User.objects.filter(pk__in=keys)}


def csat(user, start: date, end: date, by: str = "category", within=None) -> CsatReport:
    if by not in GROUPINGS:
        raise ValueError(f"csat by {by!r}: choose one of {sorted(GROUPINGS)}")
    field = GROUPINGS[by]
    answered = surveys_in(user, start, end, within)
    rows = list(
        answered.values(field)
        .annotate(
            answered=Count("pk"),
            satisfied=Count("pk", filter=Q(rating__gte=4)),
            mean=Avg("rating"),
        )
        .order_by(field)
    )
    labels = _labels(by, [row[field] for row in rows if row[field] is not None])
    report_rows = [
        CsatRow(
            key=row[field],
            label=labels.get(row[field], row[field]) if row[field] is not None else _("Unassigned"),
            answered=row["answered"],
            satisfied=row["satisfied"],
            mean=round(row["mean"], 2) if row["mean"] is not None else None,
        )
        for row in rows
    ]
    report_rows.sort(key=lambda r: (-r.answered, str(r.label)))
    totals = answered.aggregate(
        answered=Count("pk"), satisfied=Count("pk", filter=Q(rating__gte=4)), mean=Avg("rating")
    )
    total = CsatRow(
        key=None,
        label=_("All"),
        answered=totals["answered"],
        satisfied=totals["satisfied"],
        mean=round(totals["mean"], 2) if totals["mean"] is not None else None,
    )
    low, high = _bounds(start, end)
    sent_in_period = (
        Survey.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .filter(sent_at__gte=low, sent_at__lt=high)
        .aggregate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )
    return CsatReport(
        by=by,
        start=start,
        end=end,
        rows=report_rows,
        total=total,
        sent=sent_in_period["sent"],
        sent_answered=sent_in_period["answered"],
    )
