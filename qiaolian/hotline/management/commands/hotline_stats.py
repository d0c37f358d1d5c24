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
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qiaolian.core.models import Unit, User
from qiaolian.hotline.selectors.stats import case_stats


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-04-05",
            returncode=2,
        ) from None


class Command(BaseCommand):
    help = "Print the hotline's figures (contacts, cases, resolved, tomb-sweeping, CSAT)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="unit code (default: every unit in scope)")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day (included), YYYY-MM-DD")
        parser.add_argument("--as", dest="username", help="read as this user (their scope)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, unit, start, end, username, json: bool, **options):
        first = _date(start, "--from")
        last = _date(end, "--to") or timezone.localdate()
        first = first or last - timedelta(days=364)
        if last < first:
            raise CommandError(f"--to {last} is before --from {first}", returncode=2)
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {username!r}.", returncode=2)
        else:
            user = User(username="console", is_superuser=True, is_active=True)
        chosen = None
        if unit:
            chosen = Unit.objects.filter(code=unit).first()
            if chosen is None:
                raise CommandError(f"No unit with code {unit!r}.", returncode=2)
        try:
            figures = case_stats(user, unit=chosen, start=first, end=last)
        except PermissionDenied:
            raise CommandError(
                f"Unit {unit!r} is outside the scope of {username!r}.", returncode=2
            ) from None
        if json:
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
