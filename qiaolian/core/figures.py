"""Named figures: every work line's numbers, computed over `restrict()`ed data.

Each app registers its figures on its AppConfig (`registry.Figure`); `compute_figures()`
evaluates them for a user, a unit subtree and a period, and `records_url()` opens each onto the
records behind it. `qiaolian figures` prints them; the figures page shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from qiaolian.core import registry
from qiaolian.core.registry import Figure
from qiaolian.core.scoping import holds_anywhere

Number = int | Decimal


@dataclass(frozen=True)
class Period:
    """Both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    def query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def default_period(today: date | None = None) -> Period:
    """The period every figures page and command shows first: the last 365 days up to today
    (both included). The demo seed's year fits inside it on the day it runs."""
    from django.utils import timezone

    last = today or timezone.localdate()
    return Period(last - timedelta(days=364), last)


@dataclass
class FigureContext:
    """What a figure is computed for; `once()` shares one computation among several figures
    (the hotline's four figures come from one pass over its rollup)."""

    user: Any
    unit: Any
    period: Period
    _memo: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def url(self, url_name: str, *, unit_as: str = "code", **query: Any) -> str:
        """`url_name` with the unit (its `unit_as` field: the page's filter takes a code or a
        pk) and any filters as its query string."""
        params = {k: v for k, v in query.items() if v not in (None, "")}
        if self.unit is not None and unit_as:
            params.setdefault("unit", getattr(self.unit, unit_as))
        path = reverse(url_name)
        return f"{path}?{urlencode(params)}" if params else path


def visible_figures(user: Any) -> list[Figure]:
    """The registered figures whose permission the user holds somewhere."""
    return [
        figure
        for figure in registry.figures()
        if not figure.permission or holds_anywhere(user, figure.permission)
    ]


def compute_figures(
    *, user: Any, unit: Any, period: Period, keys: list[str] | None = None
) -> dict[str, Number]:
    """{figure key: value} for the figures the user may see (or those named in `keys`)."""
    context = FigureContext(user=user, unit=unit, period=period)
    wanted = visible_figures(user)
    if keys is not None:
        unknown = sorted(set(keys) - {figure.key for figure in registry.figures()})
        if unknown:
            raise KeyError(f"no such figures: {', '.join(unknown)}")
        wanted = [figure for figure in wanted if figure.key in keys]
    return {figure.key: registry.resolve(figure.compute)(context) for figure in wanted}


def figure_rows(*, user: Any, unit: Any, period: Period) -> list[dict[str, Any]]:
    """The figures with their labels, measure and the URL of their records, for pages."""
    context = FigureContext(user=user, unit=unit, period=period)
    rows = []
    for figure in visible_figures(user):
        url = registry.resolve(figure.records_url)(context) if figure.records_url else ""
        rows.append(
            {
                "key": figure.key,
                "label": figure.label,
                "measure": figure.measure,
                "value": registry.resolve(figure.compute)(context),
                "url": url,
                "snapshot": figure.snapshot,
            }
        )
    return rows
