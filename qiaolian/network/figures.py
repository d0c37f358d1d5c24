"""The liaison grid's registered figures (see core/figures.py): the grid as it stands now."""

from __future__ import annotations

from typing import Any

from qiaolian.core.figures import FigureContext
from qiaolian.network.selectors import coverage


def _coverage(ctx: FigureContext) -> dict[str, Any]:
    return ctx.once("network.coverage", lambda: coverage(user=ctx.user, within=ctx.unit))


def groups(ctx: FigureContext) -> int:
    return _coverage(ctx)["groups"]


def people_in_groups(ctx: FigureContext) -> int:
    return _coverage(ctx)["people_in_groups"]


def cadres(ctx: FigureContext) -> int:
    return _coverage(ctx)["stewards_cadre"]


def doctors(ctx: FigureContext) -> int:
    return _coverage(ctx)["stewards_doctor"]


def lawyers(ctx: FigureContext) -> int:
    return _coverage(ctx)["stewards_lawyer"]


def groups_url(ctx: FigureContext) -> str:
    return ctx.url("network:group_list", unit_as="pk")


def grid_url(ctx: FigureContext) -> str:
    return ctx.url("network:grid", unit_as="")
