"""Ledgers in tests that flush the database.

A ledger table refuses DELETE at the database (`core.ledger.AppendOnly`). PostgreSQL's flush
truncates, which row triggers let through; SQLite's flush deletes, which they refuse, so a test
that flushes (a browser test's live server, any TransactionTestCase) would leave its rows
behind and break every test after it. `flushable_ledgers()` makes SQLite's flush lift the
triggers of the ledger tables it empties and put them back in the same statement list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection

from qiaolian.core.ledger import LedgerEntry, append_only_sql


def ledger_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, LedgerEntry) and not model._meta.abstract
    }


@contextmanager
def flushable_ledgers() -> Iterator[None]:
    if connection.vendor != "sqlite":  # PostgreSQL's flush truncates: nothing to lift
        yield
        return
    operations = type(connection.ops)
    original = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        lift: list[str] = []
        restore: list[str] = []
        for table in sorted(ledger_tables() & set(tables)):
            forward, backward = append_only_sql(table, "sqlite")
            lift += backward
            restore += forward
        return [*lift, *statements, *restore]

    operations.sql_flush = sql_flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        operations.sql_flush = original  # type: ignore[method-assign]
