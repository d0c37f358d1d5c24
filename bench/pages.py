"""The staff people list page over HTTP at a million people, beside a trivial view.

The register is filled by the search bench's loader (BENCH_SEARCH_PEOPLE people, default
1,000,000). `bench/http.py` then serves the project with gunicorn (two sync workers,
production settings over plain http) and drives each page for BENCH_HTTP_SECONDS (10) at
BENCH_HTTP_CONCURRENCY (4) requests in flight, after two seconds of warm-up, as a signed-in
user — so the session, the user's grants and `restrict()` are on every request:

- the district manager (`haishu_manager`, one district of ten, ~10% of the people): the
  first page, the second page, the list filtered by country (Italy, ~30% of the people)
  and the list sorted by last update, newest first;
- the city administrator (`city_admin`, the whole city: every person): the first page and
  the second page.

The ceiling is `/bench/trivial` (bench/urls.py), a view answering a two-byte response
through the same gunicorn and the same middleware with the district manager's session.
Each page gives two rows: requests per second against the ceiling's, and p99 latency
against the ceiling's. The ratio is the page's share of the ceiling (higher is better, as
in the other benches: 0.25 is four times slower than the trivial view). No target: the
issue asks for the figures only.

Before timing, each page is fetched once and checked: 200, the people table, and the total
the pager shows equal to the people the user may see (the scoping is really on the path).
"""

from __future__ import annotations

import os

from django.db import connection

from bench import http
from bench.search import fill_register

SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_HTTP_CONCURRENCY", "4"))
PASSWORD = "Qiaolian@2026"  # noqa: S105 - the seed's published demo password
PAGE_SIZE = 25


def _in_scope(unit_code: str, **filters) -> int:
    from qiaolian.core.models import Unit
    from qiaolian.people.models import Person

    unit = Unit.objects.get(code=unit_code)
    return Person.objects.filter(
        unit__path__startswith=unit.path, merged_into__isnull=True, **filters
    ).count()


def _check(base_url: str, path: str, cookies: dict[str, str], total: int, page: int) -> None:
    status, body = http.fetch(base_url + path, cookies)
    assert status == 200, f"{path}: {status}"
    assert 'id="person-table"' in body, f"{path}: no people table"
    pages = -(-total // PAGE_SIZE)
    start = (page - 1) * PAGE_SIZE + 1
    end = min(total, page * PAGE_SIZE)
    # The pager: "start–end … total" and "page / pages".
    assert f"{start}–{end}" in body and str(total) in body, f"{path}: not {total} people"
    assert f"{page} / {pages}" in body, f"{path}: not page {page} of {pages}"


def run() -> list[dict]:
    people = fill_register()
    district = _in_scope("330203")
    city = _in_scope("330200")
    cases = [  # (label, user, path, people listed, page)
        ("district manager", "manager", "/people/", district, 1),
        ("district manager, page 2", "manager", "/people/?page=2", district, 2),
        (
            "district manager, country filter",
            "manager",
            "/people/?country=IT",
            _in_scope("330203", country="IT"),
            1,
        ),
        (
            "district manager, sorted by last update",
            "manager",
            "/people/?sort=-updated",
            district,
            1,
        ),
        ("city admin", "admin", "/people/", city, 1),
        ("city admin, page 2", "admin", "/people/?page=2", city, 2),
    ]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the load's WAL into the database file
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()  # the server's workers have the database to themselves
    rows = []
    with http.serve() as server:
        cookies = {
            "manager": http.login(server.base_url, "haishu_manager", PASSWORD),
            "admin": http.login(server.base_url, "city_admin", PASSWORD),
        }
        for _label, user, path, total, page in cases:
            _check(server.base_url, path, cookies[user], total, page)
        trivial_url = server.base_url + http.TRIVIAL_PATH
        assert http.fetch(trivial_url, cookies["manager"]) == (200, "ok")
        ceiling = http.load(trivial_url, cookies["manager"], SECONDS, CONCURRENCY)
        print(
            f"pages bench: trivial view {ceiling['rps']:.0f} req/s, p99 {ceiling['p99']:.1f} ms "
            f"({ceiling['tool']}, {CONCURRENCY} in flight, {SECONDS:.0f} s)"
        )
        for label, user, path, total, _page in cases:
            figures = http.load(server.base_url + path, cookies[user], SECONDS, CONCURRENCY)
            if figures["errors"]:
                print(f"pages bench: {figures['errors']} failed requests on {path}")
            name = f"people list page ({label}, {total:,} of {people:,} people)"
            rows += http.rows(
                name,
                figures,
                ceiling,
                database=connection.vendor,
                people=people,
                listed=total,
                url=path,
                load_average=round(os.getloadavg()[0], 2),
            )
    return rows
