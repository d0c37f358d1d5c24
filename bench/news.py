"""The public news article page over HTTP: served from the page cache, against the same page
rendered without it, in the same run.

Two gunicorns (two sync workers each, production settings over plain http, `bench/http.py`)
serve the seeded reference article (/news/china/ningbo-iron-army-2020/): one with the page
cache (the default), one with NEWS_PAGE_CACHE=0, where every request renders the page from
the database (article, tags, attachments, related articles, categories, QR code). Each is
driven for BENCH_HTTP_SECONDS at BENCH_HTTP_CONCURRENCY, anonymously, as readers are. Both
count the view (the same visitor: counted once, then found in the visitor cache).

The trivial view's figures (bench/urls.py) through the cached server are kept in each row
(`ceiling_rps`, `ceiling_p99`): on a loaded machine they show how much of the gap to the
goal is the machine's. Two rows: requests per second and p99 latency of the cached page,
each beside the uncached page's (the baseline); the ratio is cached / uncached for req/s
and uncached / cached for p99 (higher is better). The issue's goal: ≥ 1,000 req/s and
p99 ≤ 20 ms cached; the rows record it as their target. Without Redis (the bench drops
REDIS_URL) the shared cache is the database cache table, so each cached answer still reads
it once (view counters; the generation is read at most once a second per process).
"""

from __future__ import annotations

import os

from django.db import connection

from bench import http

SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_HTTP_CONCURRENCY", "4"))
PATH = "/news/china/ningbo-iron-army-2020/"


def _ensure_seeded() -> None:
    from django.conf import settings
    from django.core.management import call_command

    from qiaolian.news.models import Article
    from qiaolian.news.seed import REFERENCE_SLUG

    if not Article.objects.filter(slug=REFERENCE_SLUG).exists():
        settings.SEED_NETWORK_PLAN = os.environ.get("BENCH_SEED_NETWORK", "off")
        call_command("seed", scale="1", verbosity=0)
    call_command("createcachetable", verbosity=0)


def _measure(env: dict[str, str], *, ceiling: bool = False) -> tuple[dict, dict | None]:
    with http.serve(env) as server:
        status, body = http.fetch(server.base_url + PATH)
        assert status == 200, f"{PATH}: {status}"
        assert "世界侨网" in body and 'property="og:title"' in body, f"{PATH}: not the article"
        page = http.load(server.base_url + PATH, seconds=SECONDS, concurrency=CONCURRENCY)
        trivial = None
        if ceiling:
            url = server.base_url + http.TRIVIAL_PATH
            trivial = http.load(url, seconds=SECONDS, concurrency=CONCURRENCY)
        return page, trivial


def _redis_row(uncached: dict, common: dict) -> list[dict]:
    """With BENCH_NEWS_REDIS (a redis:// URL), the cached page once more with the caches in
    Redis, as production runs (`REDIS_URL`)."""
    url = os.environ.get("BENCH_NEWS_REDIS", "")
    if not url:
        return []
    cached, _none = _measure({"NEWS_PAGE_CACHE": "1", "REDIS_URL": url})
    return [
        {
            **common,
            "name": "news article page cached (Redis) vs uncached, req/s",
            "value": round(cached["rps"], 2),
            "baseline": round(uncached["rps"], 2),
            "ratio": round(cached["rps"] / uncached["rps"], 3),
            "unit": "req/s",
            "target": 1000,
            "p50": round(cached["p50"], 2),
            "p99": round(cached["p99"], 2),
            "requests": cached["requests"],
        }
    ]


def run() -> list[dict]:
    _ensure_seeded()
    database = connection.vendor
    cached, trivial = _measure({"NEWS_PAGE_CACHE": "1"}, ceiling=True)
    uncached, _none = _measure({"NEWS_PAGE_CACHE": "0"})
    common = {
        "database": database,
        "tool": cached["tool"],
        "concurrency": cached["concurrency"],
        "seconds": cached["seconds"],
        "requests": cached["requests"],
        "errors": cached["errors"] + uncached["errors"],
        "baseline_p50": round(uncached["p50"], 2),
        # The machine's ceiling in the same run: a trivial view through the same gunicorn.
        "ceiling_rps": round(trivial["rps"], 2),
        "ceiling_p99": round(trivial["p99"], 2),
    }
    return [
        {
            "name": "news article page cached vs uncached, req/s",
            "value": round(cached["rps"], 2),
            "baseline": round(uncached["rps"], 2),
            "ratio": round(cached["rps"] / uncached["rps"], 3),
            "unit": "req/s",
            "target": 1000,
            "p50": round(cached["p50"], 2),
            **common,
        },
        {
            "name": "news article page cached vs uncached, p99",
            "value": round(cached["p99"], 2),
            "baseline": round(uncached["p99"], 2),
            "ratio": round(uncached["p99"] / cached["p99"], 3),
            "unit": "ms p99",
            "target": 20,
            "p50": round(cached["p50"], 2),
            **common,
        },
        *_redis_row(uncached, common),
    ]
