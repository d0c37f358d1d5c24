"""`manage.py rollup_rebuild [KEY …] [--unit CODE]`: recount registered subtree rollups.

Each rollup (core/rollup.py, declared by an app with `register()`) is kept by the writes of
its app's services. Recount it after writing around them: a bulk load, a restore, SQL typed by
hand. Without a key every registered rollup is recounted; with `--unit`, only that unit's
subtree (and the units above it corrected). One transaction per rollup: readers see the old
rows until it commits. (The hotline keeps its own command, `hotline_rollup`.)
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qiaolian.core.models import Unit
from qiaolian.core.rollup import ROLLUPS, rollup_rebuild


class Command(BaseCommand):
    help = "Recount registered subtree rollups from their source rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("keys", nargs="*", help="rollup keys (default: every registered one)")
        parser.add_argument("--unit", help="recount only this unit's subtree (unit code)")

    def handle(self, *args: Any, keys: list[str], unit: str | None, **options: Any) -> None:
        unknown = [key for key in keys if key not in ROLLUPS]
        if unknown:
            known = ", ".join(sorted(ROLLUPS)) or "none"
            raise CommandError(
                f"No rollup {', '.join(unknown)} (registered: {known}).", returncode=2
            )
        chosen = None
        if unit:
            chosen = Unit.objects.filter(code=unit).first()  # scoping: exempt, a shell command
            if chosen is None:
                raise CommandError(f"No unit with code {unit!r}.", returncode=2)
        where = f"unit {chosen.code}" if chosen else "every unit"
        for key in keys or sorted(ROLLUPS):
            started = time.perf_counter()
            written = rollup_rebuild(ROLLUPS[key], chosen)
            self.stdout.write(
                f"{key} recounted for {where} in {time.perf_counter() - started:.1f} s: "
                f"{written:,} rows."
            )
