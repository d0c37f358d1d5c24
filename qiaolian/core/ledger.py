"""The append-only ledger base (账本): stock movements, fund income and grants, pledges.

An entry is written once and never changed: no UPDATE, no DELETE, from the application (the
model and queryset refuse) or from anyone with a database prompt (a trigger refuses, on SQLite
and PostgreSQL, as for the audit tables). A mistake is corrected by a reversing entry that
points at it (`ledger_reverse`), so the ledger shows both the mistake and its correction.

How an app uses it:

    class StockEntry(QuantityLedgerEntry):
        ledger_keys = ("warehouse_id", "item_id")      # what a balance is kept per
        warehouse = models.ForeignKey(...)
        item = models.ForeignKey(...)

    # its migration, after CreateModel:
    operations = [..., AppendOnly("StockEntry")]

    entry = ledger_post(actor=..., model=StockEntry, unit=..., reason=..., quantity=-20, ...)
    ledger_reverse(actor=..., entry=entry, reason="wrong warehouse")
    balances(StockEntry)                 # {(warehouse_id, item_id): {"quantity": n}, ...}
    verify_balances(StockEntry, StockBalance)   # [] when the cached balances equal the ledger

`balances()` sums in the database (GROUP BY the keys). An app that keeps a cached balance
table (to lock a row per item under concurrent dispatches, and to read balances quickly)
proves it with `verify_balances()`: every cached row equals the sum of its ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.models.audit import AppendOnlyError
from qiaolian.core.money import AmountField, CurrencyField, Money, UnitOfMeasureField
from qiaolian.core.scoping import (
    Action,
    RestrictedQuerySet,
    ScopedMixin,
    model_domain,
    qualify,
    require_unit,
)

APPEND_ONLY_MESSAGE = "ledger entries are append-only"

# --- the model -------------------------------------------------------------------------------


class LedgerQuerySet(RestrictedQuerySet):
    """Entries are never updated or deleted through the ORM either (a bulk `update()` or
    `delete()` would otherwise reach the trigger and fail less clearly)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def delete(self) -> Any:
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)


LedgerManager = models.Manager.from_queryset(LedgerQuerySet)


class LedgerEntry(ScopedMixin, models.Model):
    """One entry of an append-only ledger, owned by a unit.

    Concrete ledgers subclass `QuantityLedgerEntry` or `MoneyLedgerEntry` (or this, declaring
    their own measure columns in `ledger_measures`), add the columns a balance is kept per
    (`ledger_keys`, attnames such as "item_id"), and add `AppendOnly("<Model>")` to the
    migration that creates their table.
    """

    ledger_keys: tuple[str, ...] = ()
    ledger_measures: tuple[str, ...] = ()

    unit = models.ForeignKey(
        "core.Unit", verbose_name=gettext_lazy("unit"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("time"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(gettext_lazy("reason"), max_length=500)
    # One-to-one: an entry is reversed at most once, which the database holds as well.
    reversal_of = models.OneToOneField(
        "self",
        verbose_name=gettext_lazy("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )

    objects = LedgerManager()

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        measures = " ".join(f"{getattr(self, m)}" for m in self.ledger_measures)
        return f"#{self.pk} {self.created_at:%Y-%m-%d} {measures} {self.reason}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    @property
    def is_reversal(self) -> bool:
        return self.reversal_of_id is not None  # type: ignore[attr-defined]

    def key(self) -> tuple:
        return tuple(getattr(self, name) for name in self.ledger_keys)


class QuantityLedgerEntry(LedgerEntry):
    """An entry moving a whole number of a unit of measure (stock in +, out −)."""

    ledger_measures = ("quantity",)

    quantity = models.IntegerField(gettext_lazy("quantity"))
    uom = UnitOfMeasureField()

    class Meta(LedgerEntry.Meta):
        abstract = True


class MoneyLedgerEntry(LedgerEntry):
    """An entry moving an amount of one currency (income +, grants −)."""

    ledger_measures = ("amount",)

    amount = AmountField()
    currency = CurrencyField()

    class Meta(LedgerEntry.Meta):
        abstract = True

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


# --- the database trigger ----------------------------------------------------------------------

PG_FUNCTION = "qiaolian_ledger_append_only"


def append_only_sql(table: str, vendor: str) -> tuple[list[str], list[str]]:
    """(forward, backward) statements that make `table` refuse UPDATE and DELETE of rows."""
    if vendor == "sqlite":
        forward = [
            f'CREATE TRIGGER "{table}_no_{verb.lower()}" BEFORE {verb} ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END;"
            for verb in ("UPDATE", "DELETE")
        ]
        backward = [f'DROP TRIGGER IF EXISTS "{table}_no_{v}"' for v in ("update", "delete")]
        return forward, backward
    if vendor == "postgresql":
        forward = [
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '% on %: {APPEND_ONLY_MESSAGE}', TG_OP, TG_TABLE_NAME; "
            "END; $$ LANGUAGE plpgsql;",
            # Row triggers: TRUNCATE (a test database's flush) is not refused.
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}();",
        ]
        return forward, [f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"']
    raise NotImplementedError(
        f"append-only triggers are written for SQLite and PostgreSQL only, not {vendor}"
    )


class AppendOnly(Operation):
    """Migration operation: the table of `model_name` (in the migration's app) refuses UPDATE
    and DELETE at the database. Put it after the `CreateModel` of a ledger."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def deconstruct(self) -> tuple[str, list, dict]:
        return (self.__class__.__name__, [self.model_name], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # the model's state does not change

    def _run(self, app_label: str, schema_editor: Any, to_state: Any, backward: bool) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        forward, back = append_only_sql(model._meta.db_table, schema_editor.connection.vendor)
        for statement in back if backward else forward:
            # No parameters: PL/pgSQL's RAISE uses % as its own placeholder.
            schema_editor.execute(statement, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:  # type: ignore[no-untyped-def]
        self._run(app_label, schema_editor, to_state, backward=False)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:  # type: ignore[no-untyped-def]
        self._run(app_label, schema_editor, from_state, backward=True)

    def describe(self) -> str:
        return f"Make {self.model_name} append-only"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name.lower()}_append_only"


# --- writing -----------------------------------------------------------------------------------


@transaction.atomic
def ledger_post(
    *, actor: Any, model: type[LedgerEntry], unit: Any, reason: str, **fields: Any
) -> Any:
    """Append one entry to the ledger `model` in `unit` (the actor must hold ADD there)."""
    from qiaolian.core import audit

    add = qualify(Action.ADD, model_domain(model))  # ADD in the ledger's own domain
    require_unit(actor, add, unit, _("You cannot post entries in this unit."))
    if "reversal_of" in fields or "reversal_of_id" in fields:
        raise ValueError("a reversal is posted through ledger_reverse()")
    entry = model(unit=unit, created_by=actor, reason=reason.strip(), **fields)
    entry.full_clean()
    entry.save()
    audit.record(
        actor=actor,
        action=f"{model._meta.label_lower}.post",
        obj=entry,
        changes=audit.diff({}, audit.snapshot(entry, _recorded(entry))),
        message=entry.reason,
    )
    return entry


@transaction.atomic
def ledger_reverse(*, actor: Any, entry: LedgerEntry, reason: str) -> Any:
    """Post the entry that cancels `entry`: the same keys, its measures negated, pointing at it.

    The actor must hold CHANGE on the entry's unit. An entry is reversed at most once, and a
    reversal is not reversed (post the entry again instead)."""
    from qiaolian.core import audit

    model = type(entry)
    change = qualify(Action.CHANGE, model_domain(type(entry)))
    require_unit(actor, change, entry.unit, _("You cannot correct entries in this unit."))
    # Locks the entry: two corrections of it at once are one reversal and one refusal.
    # scoping: exempt - the entry's unit was checked just above.
    original: Any = model.objects.select_for_update().get(pk=entry.pk)
    if original.reversal_of_id is not None:
        raise ValidationError(
            _("A reversing entry is not reversed; post the entry again."), code="is_reversal"
        )
    # Typed Any: django-stubs cannot resolve the abstract base's "self" relation once a
    # concrete ledger (relief's StockEntry) is installed, and mypy crashes on the lookup.
    entries: Any = model.objects  # scoping: exempt, one entry
    if entries.filter(reversal_of=original).exists():
        raise ValidationError(_("This entry has already been reversed."), code="reversed")
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Say why the entry is reversed."), code="required")}
        )
    reversal = model(created_by=actor, reason=reason.strip())
    reversal.reversal_of = original
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in {
            "created_at",
            "created_by_id",
            "reason",
            "reversal_of_id",
        }:
            continue
        value = getattr(original, field.attname)
        if field.attname in model.ledger_measures:
            value = -value
        setattr(reversal, field.attname, value)
    reversal.full_clean()
    reversal.save()
    audit.record(
        actor=actor,
        action=f"{model._meta.label_lower}.reverse",
        obj=reversal,
        changes={"reversal_of": [None, original.pk]},
        message=reversal.reason,
    )
    return reversal


def _recorded(entry: LedgerEntry) -> list[str]:
    return [*entry.ledger_keys, *entry.ledger_measures]


# --- balances ----------------------------------------------------------------------------------


def balances(
    model: type[LedgerEntry],
    *,
    keys: Sequence[str] | None = None,
    entries: models.QuerySet | None = None,
) -> dict[tuple, dict[str, Any]]:
    """{key: {measure: sum}} of `entries` (default: the whole ledger, unscoped — callers that
    show balances to a user pass `model.objects.restrict(user, ...)`), one GROUP BY in the
    database. `keys` default to the model's `ledger_keys`."""
    keys = tuple(model.ledger_keys if keys is None else keys)
    # scoping: exempt - the default is the whole ledger, for checks and rebuilds.
    rows = (entries if entries is not None else model.objects.all()).order_by()
    sums = {f"_sum_{m}": Sum(m) for m in model.ledger_measures}
    out: dict[tuple, dict[str, Any]] = {}
    for row in rows.values(*keys).annotate(**sums):
        out[tuple(row[k] for k in keys)] = {m: row[f"_sum_{m}"] or 0 for m in model.ledger_measures}
    return out


def balance(model: type[LedgerEntry], **key: Any) -> dict[str, Any]:
    """{measure: sum} of the entries matching `key` (e.g. `item_id=3, warehouse_id=1`)."""
    # scoping: exempt - a balance of given keys; the caller checked it may read them.
    rows = model.objects.filter(**key).order_by()
    totals = rows.aggregate(**{m: Sum(m) for m in model.ledger_measures})
    return {m: totals[m] or 0 for m in model.ledger_measures}


@dataclass(frozen=True)
class BalanceMismatch:
    key: tuple
    measure: str
    cached: Any
    ledger: Any


def verify_balances(
    model: type[LedgerEntry],
    cache: type[models.Model] | Iterable[Any],
    *,
    keys: Sequence[str] | None = None,
    measures: dict[str, str] | None = None,
) -> list[BalanceMismatch]:
    """Every difference between a cached balance and the sum of its ledger ([] if none).

    `cache` is a model (or an iterable of its rows) with the same key columns as the ledger
    and a column per measure (`measures` maps ledger measure → cache column when they are
    named differently). A key with no cached row counts as a cached zero, and a cached row
    with no entries must be zero.
    """
    keys = tuple(model.ledger_keys if keys is None else keys)
    columns = {m: (measures or {}).get(m, m) for m in model.ledger_measures}
    if isinstance(cache, type):
        # scoping: exempt - the whole cache is checked against the whole ledger.
        cache = cache._default_manager.all()
    if isinstance(cache, models.QuerySet):
        cached_rows: Iterable[Any] = cache.values(*keys, *columns.values())
        cached = {
            tuple(row[k] for k in keys): {m: row[c] for m, c in columns.items()}
            for row in cached_rows
        }
    else:
        cached = {
            tuple(getattr(row, k) for k in keys): {m: getattr(row, c) for m, c in columns.items()}
            for row in cache
        }
    ledger = balances(model, keys=keys)
    found = []
    for key in sorted(set(cached) | set(ledger), key=repr):
        for measure in model.ledger_measures:
            have = cached.get(key, {}).get(measure) or 0
            want = ledger.get(key, {}).get(measure) or 0
            if have != want:
                found.append(BalanceMismatch(key, measure, have, want))
    return found
