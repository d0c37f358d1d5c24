"""Reads of the duty rota: who is on shift over a span, where nobody is (the coverage gaps),
and the week grid the rota page draws. Each starts from `restrict()`.

Days run 00:00–24:00 in a zone the caller names (the hotline's, Beijing time, unless the
viewer picked another): a shift from 08:00 to 12:00 Beijing time is on the evening before for
a viewer in New York, and the gaps are those of the viewer's day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.core.timezones import zone
from qiaolian.hotline.models import CATEGORY_PROFESSION, Profession, Shift, Volunteer
from qiaolian.hotline.zones import HOTLINE_TIME_ZONE

Span = tuple[datetime, datetime]


def day_bounds(day: date, tz_name: str = HOTLINE_TIME_ZONE) -> Span:
    """00:00 of `day` and of the day after, in zone `tz_name` (23 or 25 hours apart when the
    clocks change that day)."""
    tz = zone(tz_name)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def merge_spans(spans: list[Span]) -> list[Span]:
    """Overlapping or touching spans joined, in order."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def uncovered_spans(covered: list[Span], start: datetime, end: datetime) -> list[Span]:
    """The parts of [start, end) that no span of `covered` reaches."""
    gaps, cursor = [], start
    inside = [(max(a, start), min(b, end)) for a, b in covered if b > start and a < end]
    for a, b in merge_spans(inside):
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def rota_professions(user: Any, unit: Unit | None) -> list[str]:
    """The professions the rota follows: those the routing needs (doctor, lawyer,
    psychologist) and any other with an active volunteer in the unit's subtree."""
    wanted = {str(p) for p in CATEGORY_PROFESSION.values()}
    queryset = Volunteer.objects.restrict(user, Action.VIEW).filter(is_active=True)
    if unit is not None:
        queryset = queryset.in_subtree(unit)
    wanted |= set(queryset.values_list("profession", flat=True).distinct())
    return [p for p in Profession.values if p in wanted]


def visible_shifts(user: Any, unit: Unit | None, start: datetime, end: datetime):
    """Shifts of active volunteers overlapping [start, end) that the user may see."""
    queryset = Shift.objects.restrict(user, Action.VIEW).filter(
        starts_at__lt=end, ends_at__gt=start, volunteer__is_active=True
    )
    if unit is not None:
        queryset = queryset.in_subtree(unit)
    return queryset.select_related("volunteer__user", "unit").order_by("starts_at")


def coverage_gaps(
    user: Any,
    unit: Unit | None,
    day: date,
    *,
    professions: list[str] | None = None,
    tz_name: str = HOTLINE_TIME_ZONE,
) -> dict[str, list[Span]]:
    """{profession: [(start, end), …]}: the parts of `day` (00:00–24:00 in `tz_name`) when no
    active volunteer of that profession in the unit's subtree is on duty."""
    start, end = day_bounds(day, tz_name)
    shifts = list(visible_shifts(user, unit, start, end))
    professions = professions or rota_professions(user, unit)
    return {
        profession: uncovered_spans(
            [(s.starts_at, s.ends_at) for s in shifts if s.volunteer.profession == profession],
            start,
            end,
        )
        for profession in professions
    }


# --- the week grid ------------------------------------------------------------------------


@dataclass
class RotaCell:
    day: date
    is_today: bool
    shifts: list[dict] = field(default_factory=list)
    bars: list[dict] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return not self.gaps


@dataclass
class RotaWeek:
    tz_name: str
    today: date
    days: list[date]
    rows: list[dict]
    gap_hours: float

    @property
    def monday(self) -> date:
        return self.days[0]


def _segments(spans: list[Span], day_start: datetime, day_end: datetime, tz: Any) -> list[dict]:
    """Percent offsets of spans inside one day (for the day bars) and their wall-clock ends."""
    total = (day_end - day_start).total_seconds()
    out = []
    for start, end in spans:
        a, b = max(start, day_start), min(end, day_end)
        if b <= a:
            continue
        out.append(
            {
                "left": round((a - day_start).total_seconds() / total * 100, 2),
                "width": round((b - a).total_seconds() / total * 100, 2),
                "start": a.astimezone(tz).strftime("%H:%M"),
                "end": "24:00" if b == day_end else b.astimezone(tz).strftime("%H:%M"),
            }
        )
    return out


def rota_week(
    *,
    user: Any,
    unit: Unit | None,
    week_of: date | None = None,
    tz_name: str = HOTLINE_TIME_ZONE,
    now: datetime | None = None,
) -> RotaWeek:
    """The week (Monday to Sunday in `tz_name`) holding `week_of` (default today there): for
    each profession and day, the shifts, the covered and uncovered parts of the day, and the
    week's hours without cover (two queries whatever the number of shifts)."""
    tz = zone(tz_name)
    today = (now or timezone.now()).astimezone(tz).date()
    picked = week_of or today
    monday = picked - timedelta(days=picked.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    week_start, week_end = day_bounds(days[0], tz.key)[0], day_bounds(days[-1], tz.key)[1]
    shifts = list(visible_shifts(user, unit, week_start, week_end))
    rows, gap_total = [], timedelta()
    labels = dict(Profession.choices)
    for profession in rota_professions(user, unit):
        mine = [s for s in shifts if s.volunteer.profession == profession]
        cells = []
        for day in days:
            start, end = day_bounds(day, tz.key)
            on_day = [s for s in mine if s.starts_at < end and s.ends_at > start]
            spans = [(s.starts_at, s.ends_at) for s in on_day]
            gaps = uncovered_spans(spans, start, end)
            gap_total += sum((b - a for a, b in gaps), timedelta())
            cells.append(
                RotaCell(
                    day=day,
                    is_today=day == today,
                    shifts=[
                        {"shift": s, **_segments([(s.starts_at, s.ends_at)], start, end, tz)[0]}
                        for s in on_day
                    ],
                    bars=_segments(spans, start, end, tz),
                    gaps=_segments(gaps, start, end, tz),
                )
            )
        rows.append({"profession": profession, "label": labels[profession], "cells": cells})
    return RotaWeek(
        tz_name=tz.key,
        today=today,
        days=days,
        rows=rows,
        gap_hours=round(gap_total.total_seconds() / 3600, 1),
    )
