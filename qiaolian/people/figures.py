"""The register's registered figures (see core/figures.py)."""

from __future__ import annotations

from qiaolian.core.figures import FigureContext
from qiaolian.people.selectors import association_list


def associations(ctx: FigureContext) -> int:
    return association_list(user=ctx.user, within=ctx.unit).count()


def associations_url(ctx: FigureContext) -> str:
    return ctx.url("people:association_list", unit_as="pk")
