"""`qiaolian search "QUERY" --as USERNAME [--json]`: the search box for scripts and checks.

Searches as the named user (their scope, nothing more). `--json` prints one object:
`{"query", "results": [{"kind", "id", "name", "unit", "score", …}]}`, plus `"error"` when the
query was not searched (empty, too short, too long: the message also goes to stderr and the
exit status is 2). `--reindex` rebuilds the
search index of every person instead.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from qiaolian.core.models import User
from qiaolian.people.search import KINDS, reindex_people, search


class Command(BaseCommand):
    help = "Search people, associations and groups as a user; or rebuild the search index."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", default=None, help="what to search for")
        parser.add_argument("--as", dest="username", help="search as this user (their scope)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--kind", action="append", choices=KINDS, help="only this kind (repeatable)"
        )
        parser.add_argument("--limit", type=int, default=20, help="results per kind (≤ 100)")
        parser.add_argument(
            "--reindex", action="store_true", help="rebuild the search index of every person"
        )

    def handle(self, *args, query, username, json: bool, kind, limit, reindex, **options):
        if reindex:
            count = reindex_people()
            self.stdout.write(f"Search index rebuilt for {count} people.")
            return
        if query is None:
            raise CommandError('Give a query: qiaolian search "张伟" --as USERNAME')
        if not username:
            raise CommandError("Say whose scope to search in: --as USERNAME")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        results = search(user, query, kinds=tuple(kind or KINDS), limit=limit)
        if json:
            self.stdout.write(_dumps(results.as_json()))
        else:
            self._print_table(results)
        if results.error:
            raise CommandError(results.error, returncode=2)

    def _print_table(self, results) -> None:
        if results.error:
            return
        if not results:
            self.stdout.write(f"Nothing found for {results.query!r}.")
            return
        for hit in results.results:
            self.stdout.write(f"{hit.score:>3}  {hit.kind:<11}  {hit.name}  ({hit.unit})  {hit.id}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
