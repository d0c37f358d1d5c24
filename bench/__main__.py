"""`make bench`: benchmarks, each printed beside its baseline measured in the same run.

Runs against a throw-away database: a temporary SQLite file by default, or the PostgreSQL
database named by BENCH_DATABASE_URL. Results go to bench/results.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")


def _setup_django() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        path = Path(tempfile.mkdtemp(prefix="qiaolian-bench-")) / "bench.sqlite3"
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiaolian.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    # The hotline's demo year at its tiny size: its bench loads its own million cases.
    settings.SEED_HOTLINE_PLAN = os.environ.get("BENCH_SEED_HOTLINE", "tiny")
    return url


def timed(fn, repeat: int = 30) -> dict:
    """p50/p95 wall time of `fn` in milliseconds, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "p50": statistics.median(samples),
        "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
    }


def main() -> int:
    scale = int(os.environ.get("BENCH_SCALE", "8"))
    _setup_django()
    from bench import scoping, search

    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))  # e.g. "search,pages"
    rows = []
    if not only or "scoping" in only:
        rows += [{**r, "bench": "scoping"} for r in scoping.run(scale=scale, timed=timed)]
    if not only or "search" in only:
        if only:  # the search bench spreads its people over the seeded units
            from django.core.management import call_command

            call_command("seed", scale=str(scale), verbosity=0)
        rows += [{**r, "bench": "search"} for r in search.run(timed=timed)]
    if not only or "pages" in only:
        if only and not only & {"scoping", "search"}:  # the pages are seen as seeded users
            from django.core.management import call_command

            call_command("seed", scale=str(scale), verbosity=0)
        from bench import pages

        rows += [{**r, "bench": "pages"} for r in pages.run()]
    if not only or "imports" in only:
        if only and not only & {"scoping", "search", "pages"}:  # it runs as a seeded manager
            from django.core.management import call_command

            call_command("seed", scale=str(scale), verbosity=0)
        from bench import imports

        rows += [{**r, "bench": "imports"} for r in imports.run()]
    if not only or "hotline" in only:
        if only and not only & {"scoping", "search", "pages", "imports"}:  # seeded units, users
            from django.core.management import call_command

            call_command("seed", scale=str(scale), verbosity=0)
        from bench import hotline

        rows += [{**r, "bench": "hotline"} for r in hotline.run(timed=timed)]
    if not only or "relief" in only:
        if only and not only & {"scoping", "search", "pages", "imports", "hotline"}:
            from django.core.management import call_command

            call_command("seed", scale=str(scale), verbosity=0)
        from bench import relief

        rows += [{**r, "bench": "relief"} for r in relief.run(timed=timed)]
    if not only or "outreach" in only:
        if only and not only & {"scoping", "search", "pages", "imports", "hotline", "relief"}:
            from django.core.management import call_command

            call_command("seed", scale=str(scale), verbosity=0)
        from bench import outreach

        rows += [{**r, "bench": "outreach"} for r in outreach.run(timed=timed)]
    if not only or "news" in only:
        from bench import news

        rows += [{**r, "bench": "news"} for r in news.run()]
    width = max(len(r["name"]) for r in rows)
    print(f"{'benchmark':<{width}}  {'value':>10}  {'baseline':>10}  {'ratio':>7}  unit")
    for r in rows:
        p50 = f", p50 {r['p50']:.2f}" if "p50" in r else ""
        tool = f", {r['tool']}" if "tool" in r else ""
        ratio = f"{r['ratio']:>6.2f}" if r["ratio"] < 1 else f"{r['ratio']:>6.1f}"
        print(
            f"{r['name']:<{width}}  {r['value']:>10.2f}  {r['baseline']:>10.2f}  "
            f"{ratio}x  {r['unit']} ({r['database']}{p50}{tool})"
        )
    # Keep the other database's rows: one run per database fills the file.
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    databases = {r["database"] for r in rows}
    # Rows of benchmarks that did not run (BENCH_ONLY) are kept too.
    ran = {r["bench"] for r in rows}
    merged = [
        r
        for r in previous
        if r.get("database") not in databases or r.get("bench", "scoping") not in ran
    ] + rows
    RESULTS.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
