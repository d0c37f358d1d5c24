"""The staff people list page over HTTP at a million people, beside a trivial view.

The register is filled by the search bench's loader (BENCH_SEARCH_PEOPLE people, default
1,000,000). `bench/http.py` then serves the project with gunicorn (two sync workers,
production settings over plain http) and drives each page for BENCH_HTTP_SECONDS (10) at
BENCH_HTTP_CONCURRENCY (4) requests in flight, after two seconds of warm-up, as a signed-in
user — so the session, the user's grants and `restrict()` are on every request:

- the district manager (`haishu_manager`, one district of ten, ~10% of the people): the
  first page, the second page, the list filtered by country (Italy, ~30% of the people)
  and the list sorted by last update, newest first;
- the city administrator (`city_admin`, the whole city: every person): the first page, the
  second page, the list filtered by country and the list filtered to one district through
  the unit filter;
- the unit picker's JSON feed (`core:unit_options`) as the city administrator typing a
  fragment of a township's name: the filter's options come from there, not from the page.

The ceiling is `/bench/trivial` (bench/urls.py), a view answering a two-byte response
through the same gunicorn and the same middleware with the district manager's session.
Each page gives two rows: requests per second against the ceiling's, and p99 latency
against the ceiling's. The ratio is the page's share of the ceiling (higher is better, as
in the other benches: 0.25 is four times slower than the trivial view). No target: the
issue asks for the figures only.

Before timing, each page is fetched once and checked: 200, the people table, the unit
filter rendering at most the chosen unit, and the pager telling the truth about the people
the user may see (the scoping is really on the path): the exact total and page count up to
the pager's count limit (core/pagination.py, 10,000), "more than 10,000" with a next page
beyond it.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import quote

from django.db import connection

from bench import http
from bench.search import fill_register
from qiaolian.core.pagination import COUNT_LIMIT

SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_HTTP_CONCURRENCY", "4"))
PASSWORD = "Qiaolian@2026"  # noqa: S105 - the seed's published demo password
PAGE_SIZE = 25
OPTIONS_QUERY = "街道"


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
    unit_filter = re.search(r'<select name="unit".*?</select>', body, re.S)
    assert unit_filter and unit_filter[0].count("<option") <= 2, f"{path}: units rendered"
    start = (page - 1) * PAGE_SIZE + 1
    end = min(total, page * PAGE_SIZE)
    assert f"{start}–{end}" in body, f"{path}: not rows {start}–{end}"
    if total > COUNT_LIMIT:
        # The capped pager: "more than 10,000", a next page, no total and no last page.
        assert 'id="pager-capped"' in body, f"{path}: {total} people but not capped"
        limit = (f"{COUNT_LIMIT:,}", str(COUNT_LIMIT))  # grouped in English, not in Chinese
        assert any(x in body for x in limit), f"{path}: no count limit shown"
        assert f"page={page + 1}" in body, f"{path}: no next page"
        assert str(total) not in body and f"{total:,}" not in body, f"{path}: a total shown"
    else:
        # The exact pager: "start–end … total" and "page / pages".
        pages = -(-total // PAGE_SIZE)
        assert str(total) in body, f"{path}: not {total} people"
        assert f"{page} / {pages}" in body, f"{path}: not page {page} of {pages}"


def _check_options(base_url: str, path: str, cookies: dict[str, str], expected: int) -> None:
    status, body = http.fetch(base_url + path, cookies)
    assert status == 200, f"{path}: {status}"
    assert len(json.loads(body)["results"]) == expected, f"{path}: not {expected} units"


def run() -> list[dict]:
    from qiaolian.core.models import Unit

    people = fill_register()
    district = _in_scope("330203")
    city = _in_scope("330200")
    haishu = Unit.objects.get(code="330203").pk
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
        (
            "city admin, country filter",
            "admin",
            "/people/?country=IT",
            _in_scope("330200", country="IT"),
            1,
        ),
        ("city admin, unit filter", "admin", f"/people/?unit={haishu}", district, 1),
    ]
    # The unit picker's feed: a fragment of the townships' names ("街道"), its first 20.
    options = Unit.objects.filter(is_active=True, name__contains=OPTIONS_QUERY).count()
    options_path = f"/units/options/?action=view&q={quote(OPTIONS_QUERY)}"
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
        _check_options(server.base_url, options_path, cookies["admin"], min(options, 20))
        trivial_url = server.base_url + http.TRIVIAL_PATH
        assert http.fetch(trivial_url, cookies["manager"]) == (200, "ok")
        ceiling = http.load(trivial_url, cookies["manager"], SECONDS, CONCURRENCY)
        print(
            f"pages bench: trivial view {ceiling['rps']:.0f} req/s, p99 {ceiling['p99']:.1f} ms "
            f"({ceiling['tool']}, {CONCURRENCY} in flight, {SECONDS:.0f} s)"
        )
        timed = [
            (f"people list page ({label}, {total:,} of {people:,} people)", user, path, total)
            for label, user, path, total, _page in cases
        ]
        timed.append(
            (f"unit picker feed (city admin, {OPTIONS_QUERY!r})", "admin", options_path, None)
        )
        for name, user, path, total in timed:
            figures = http.load(server.base_url + path, cookies[user], SECONDS, CONCURRENCY)
            if figures["errors"]:
                print(f"pages bench: {figures['errors']} failed requests on {path}")
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
