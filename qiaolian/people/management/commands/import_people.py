"""`qiaolian import-people FILE --unit CODE [--on-duplicate skip|update|merge] [--dry-run]
[--as USERNAME] [--json]`: import a sheet of people for scripts and for checking.

Runs the same pipeline as the import pages, in this process, as a real user — `--as
USERNAME`, or by default the first unit administrator of the unit's root unit — so that the
unit must be one the user may add to and duplicates are only looked for in what that user may
see. `--json` prints one object:
`{"rows", "created", "updated", "skipped", "duplicates", "errors": [{"row", "column",
"message"}], "batch"}`. Exit status 0 when the file was processed (even with row errors), 2
when it was refused (hostile or unreadable file, unknown unit or user, no right to import into
the unit, no name column); the reason is printed, as `{"refused": true, "message"}` with
--json.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from qiaolian.core.models import Unit, UnitRole, User
from qiaolian.people.imports.errors import MAX_BYTES, ImportRefused
from qiaolian.people.imports.pipeline import ON_DUPLICATE
from qiaolian.people.imports.services import run_cli_import


class Command(BaseCommand):
    help = "Import people from an .xlsx, .xls or .csv file into a unit."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx, .xls or .csv file")
        parser.add_argument("--unit", required=True, help="code of the unit that will own them")
        parser.add_argument("--on-duplicate", choices=ON_DUPLICATE, default="skip")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument(
            "--as",
            dest="username",
            help="import as this user (default: the first unit administrator of the root unit)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--language", default="zh-hans", help="language of the messages")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            try:
                result = self._run(options)
            except (ImportRefused, PermissionDenied) as exc:
                self._refuse(str(exc) or "refused", options["json"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self._print(result)

    def _run(self, options) -> dict:
        unit = Unit.objects.filter(code=options["unit"], is_active=True).first()
        if unit is None:
            raise ImportRefused(f"No active unit with code {options['unit']!r}.")
        actor = self._actor(unit, options["username"])
        path = Path(options["file"])
        if not path.is_file():
            raise ImportRefused(f"No file {str(path)!r}.")
        if path.stat().st_size > MAX_BYTES:
            raise ImportRefused(f"{path.name}: larger than {MAX_BYTES // (1024 * 1024)} MB.")
        return run_cli_import(
            actor=actor,
            unit=unit,
            file_name=path.name,
            data=path.read_bytes(),
            on_duplicate=options["on_duplicate"],
            dry_run=options["dry_run"],
        )

    @staticmethod
    def _actor(unit: Unit, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise ImportRefused(f"No active user {username!r}.")
            return user
        root = Unit.objects.get_root(unit)
        grant = (
            UnitRole.objects.filter(unit=root, role__code="unit_admin", user__is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if grant is None:
            raise ImportRefused(
                f"The root unit {root.code} has no unit administrator; name one with --as."
            )
        return grant.user

    def _refuse(self, message: str, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"refused": True, "message": message}, ensure_ascii=False))
        raise CommandError(message, returncode=2)

    def _print(self, result: dict) -> None:
        mode = " (dry run: nothing written)" if result.get("dry_run") else ""
        self.stdout.write(
            f"{result['rows']} rows: {result['created']} created, {result['updated']} updated, "
            f"{result['skipped']} skipped, {result['duplicates']} duplicates, "
            f"{len(result['errors'])} problems{mode}"
        )
        for error in result["errors"][:200]:
            column = f" {error['column']}" if error["column"] else ""
            self.stdout.write(f"  row {error['row']}{column}: {error['message']}")
