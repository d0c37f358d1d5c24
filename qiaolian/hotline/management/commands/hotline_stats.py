"""`qiaolian hotline-stats --unit CODE --from DATE --to DATE [--as USERNAME] [--json]`.

Prints the hotline's figures for the period (both dates included) as one JSON object with
`--json` (`contacts`, `calls`, `cases`, `resolved`, `open`, `tomb_sweeping`, `by_category`,
`by_channel`, `by_unit`, `by_month`, `csat`, … — see qiaolian/hotline/selectors/stats.py),
else as a short table. `--as` reads as that user (their scope, nothing more); without it the
console reads the whole federation, as whoever holds the database already can. The period
defaults to the last 365 days up to today. Unknown unit, user or a malformed date: a message
on stderr and exit status 2. The whole months come from the figures' rollup (recounted by
`qiaolian hotline-rollup --rebuild`; docs/hotline-stats.md).
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand

from qiaolian.core.management.period_options import (
    add_period_arguments,
    out_of_scope,
    read_period_options,
)
from qiaolian.hotline.selectors.stats import case_stats


class Command(BaseCommand):
    help = "Print the hotline's figures (contacts, cases, resolved, tomb-sweeping, CSAT)."

    def add_arguments(self, parser):
        add_period_arguments(parser)

    def handle(self, *args, **options):
        user, chosen, period = read_period_options(options)
        try:
            figures = case_stats(user, unit=chosen, start=period.start, end=period.end)
        except PermissionDenied:
            raise out_of_scope(options) from None
        if options["json"]:
            self.stdout.write(_dumps(figures))
        else:
            self._print(figures)

    def _print(self, f: dict) -> None:
        where = f["unit"]["name"] if f["unit"] else "all units in scope"
        self.stdout.write(f"Hotline {f['from']} – {f['to']}, {where}")
        for key in ("contacts", "calls", "cases", "resolved", "open", "breached", "tomb_sweeping"):
            self.stdout.write(f"  {key:<16} {f[key]:>9,}")
        csat = f["csat"]
        if csat["responses"]:
            self.stdout.write(
                f"  {'csat':<16} {csat['mean']:>9.2f}  ({csat['responses']:,} responses, "
                f"{csat['satisfied_share']:.0%} satisfied)"
            )
        for title in ("by_category", "by_channel"):
            self.stdout.write(f"  {title}: " + ", ".join(f"{k} {v:,}" for k, v in f[title].items()))


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
