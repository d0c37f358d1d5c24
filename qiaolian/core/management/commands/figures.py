"""`qiaolian figures --unit CODE --from DATE --to DATE [--as USERNAME] [--json]`.

Every figure the apps register (core/registry.py, core/figures.py), computed for the unit's
subtree and the period (both days included) over what the reader may see. `--json` prints
`{"unit": …, "from": …, "to": …, "figures": {"key": value, …}}`.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand

from qiaolian.core.figures import compute_figures, visible_figures
from qiaolian.core.management.period_options import (
    add_period_arguments,
    out_of_scope,
    read_period_options,
)
from qiaolian.core.models import Unit


class Command(BaseCommand):
    help = "Print every registered figure (hotline, grid, people, …) for a unit and a period."

    def add_arguments(self, parser):
        add_period_arguments(parser)

    def handle(self, *args, **options):
        user, unit, period = read_period_options(options)
        if unit is not None and not Unit.objects.restrict(user, "core.view").filter(pk=unit.pk):
            raise out_of_scope(options)
        try:
            figures = compute_figures(user=user, unit=unit, period=period)
        except PermissionDenied:
            raise out_of_scope(options) from None
        if options["json"]:
            body = {
                "unit": {"code": unit.code, "name": unit.name} if unit else None,
                "from": period.start.isoformat(),
                "to": period.end.isoformat(),
                "figures": {key: _plain(value) for key, value in figures.items()},
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        where = unit.name if unit else "all units in scope"
        self.stdout.write(f"Figures {period.start} – {period.end}, {where}")
        labels = {figure.key: figure for figure in visible_figures(user)}
        for key, value in figures.items():
            self.stdout.write(f"  {key:<28} {value:>12,}  {labels[key].label}")


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value
