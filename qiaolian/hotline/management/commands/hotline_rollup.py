"""`qiaolian hotline-rollup --rebuild [--unit CODE]`: recount the hotline figures' rollup.

The rollup (`CaseRollup`, `CaseResponseRollup`; hotline/services/rollup.py) is kept by every
write to cases, calls and surveys. Recount it after writing around the services: a bulk load
(the demo seed and the benchmark do it themselves), a restore, or SQL typed by hand. With
`--unit`, only that unit's subtree is recounted (and the units above it corrected). One
transaction: the statistics read the old rows until it commits.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from qiaolian.core.models import Unit
from qiaolian.hotline.services import rollup


class Command(BaseCommand):
    help = "Recount the hotline figures' rollup from the cases, calls and surveys."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recount the rollup (required)")
        parser.add_argument("--unit", help="recount only this unit's subtree (unit code)")

    def handle(self, *args, rebuild: bool, unit: str | None, **options):
        if not rebuild:
            raise CommandError("Say --rebuild to recount the rollup.", returncode=2)
        chosen = None
        if unit:
            chosen = Unit.objects.filter(code=unit).first()
            if chosen is None:
                raise CommandError(f"No unit with code {unit!r}.", returncode=2)
        started = time.perf_counter()
        written = rollup.rebuild(chosen)
        where = f"unit {chosen.code}" if chosen else "every unit"
        self.stdout.write(
            f"Hotline rollup recounted for {where} in {time.perf_counter() - started:.1f} s: "
            f"{written['main']:,} figure rows, {written['resp']:,} first-response rows."
        )
