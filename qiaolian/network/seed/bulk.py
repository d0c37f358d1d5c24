"""The raw multi-row insert, the phase clock and apportioning, shared by the seed's steps."""

from __future__ import annotations

import itertools
import math
import time

from django.db import connection


def insert(model, objects: list) -> None:
    """bulk_create without reading ids back, for the large tables whose rows nothing refers
    to yet: each value is prepared by its own field (UUIDs, dates, encrypted text) and the
    rows go in with one executemany per batch, skipping Django's per-row SQL assembly."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = [
        tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
        for obj in objects
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[start : start + 20_000])


def insert_search_tokens(rows) -> int:
    """Search index rows (token, rank, person id, unit id), with one executemany per batch
    (a million model instances through bulk_create took minutes). Returns how many."""
    from qiaolian.people.models import PersonSearchToken

    meta = PersonSearchToken._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(n).column) for n in ("token", "rank", "person", "unit")
    )
    # Names from the model's own metadata, quoted: no user input reaches this string.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)"  # noqa: S608
    # In key order: the table's primary key is (token, rank, person, unit), so sorted
    # rows append to its B-tree instead of splitting pages all over it.
    ordered = sorted(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), 50_000):
            cursor.executemany(sql, ordered[start : start + 50_000])
    return len(ordered)


class Clock:
    def __init__(self):
        self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 1)
        self.last = now


def apportion(total: int, weights: list[float], *, minimum: int = 0) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), each at least `minimum`."""
    base = minimum * len(weights)
    rest = total - base
    scale = rest / sum(weights)
    raw = [w * scale for w in weights]
    sizes = [minimum + math.floor(r) for r in raw]
    leftover = total - sum(sizes)
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
    for i in itertools.islice(itertools.cycle(by_remainder), leftover):
        sizes[i] += 1
    return sizes
