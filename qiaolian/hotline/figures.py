"""The hotline's registered figures (see core/figures.py): one pass over its statistics."""

from __future__ import annotations

from typing import Any

from qiaolian.core.figures import FigureContext
from qiaolian.hotline.selectors.stats import case_stats


def _stats(ctx: FigureContext) -> dict[str, Any]:
    return ctx.once(
        "hotline.stats",
        lambda: case_stats(ctx.user, unit=ctx.unit, start=ctx.period.start, end=ctx.period.end),
    )


def contacts(ctx: FigureContext) -> int:
    return _stats(ctx)["contacts"]


def cases(ctx: FigureContext) -> int:
    return _stats(ctx)["cases"]


def resolved(ctx: FigureContext) -> int:
    return _stats(ctx)["resolved"]


def tomb_sweeping(ctx: FigureContext) -> int:
    return _stats(ctx)["tomb_sweeping"]


def stats_url(ctx: FigureContext) -> str:
    return ctx.url("hotline:stats", **ctx.period.query())


def tomb_url(ctx: FigureContext) -> str:
    return ctx.url("hotline:tomb_list", unit_as="", status="done")
