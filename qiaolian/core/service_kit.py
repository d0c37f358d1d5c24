"""The skeleton of a plain create or update service, written once.

    require the unit → (lock, check the version) → apply → full_clean → save
    → re-check the actor still reaches the record → audit row

A domain service keeps what is its own (its extra checks, derived fields, timeline lines,
side effects) and hands the skeleton to `create_scoped` / `update_scoped`. Both must run inside
the caller's transaction (`@transaction.atomic` on the service), so a refusal at any step —
the visibility re-check included — rolls everything back. Services whose writes do not fit
(contacts replaced alongside the row, a history of their own, grants cleared mid-way) keep
their own code and use `versioning.lock_for_update` for the version check only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models, transaction

from qiaolian.core import audit
from qiaolian.core.scoping import Action, assert_visible, model_domain, qualify, require_unit
from qiaolian.core.versioning import VersionedModel, bump, check_version


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("create_scoped/update_scoped must run inside the service's transaction")


def _clean(obj: models.Model, clean: Callable[[Any], None] | None) -> None:
    if clean is not None:
        clean(obj)
    else:
        obj.full_clean()


def create_scoped[M: models.Model](
    *,
    actor: Any,
    obj: M,
    action: str = Action.ADD,
    audit_action: str,
    fields: Iterable[str],
    clean: Callable[[Any], None] | None = None,
    visible_action: str = Action.VIEW,
) -> M:
    """Save a new `obj` (built by the caller, not saved yet) in its unit.

    The actor must hold `action` on `obj.unit`; `clean(obj)` (default `obj.full_clean()`)
    validates and may derive fields; after saving, the actor must still see the record with
    `visible_action`; the audit row lists the created `fields` (audit snapshot values).
    """
    _require_atomic()
    require_unit(actor, qualify(action, model_domain(type(obj))), obj.unit)  # type: ignore[attr-defined]
    _clean(obj, clean)
    obj.save()
    assert_visible(actor, obj, visible_action)
    audit.record(
        actor=actor,
        action=audit_action,
        obj=obj,
        changes=audit.diff({}, audit.snapshot(obj, fields)),
    )
    return obj


def _column_values(obj: models.Model) -> dict[str, Any]:
    return {f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}


def _auto_now(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]


def update_scoped[M: models.Model](
    *,
    actor: Any,
    obj: M,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
    audit_action: str,
    fields: Iterable[str],
    action: str = Action.CHANGE,
    check: Callable[[M], None] | None = None,
    prepare: Callable[[M], None] | None = None,
    clean: Callable[[Any], None] | None = None,
    visible_action: str = Action.CHANGE,
) -> tuple[M, dict[str, list[Any]]]:
    """Apply `changes` to `obj` and save only what moved; returns (the saved row, its diff).

    - the actor must hold `action` on `obj.unit` (and on the new unit when `unit` changes);
    - only the names in `fields` may change (they are also what the audit row compares);
      text is stripped;
    - the row is locked; `check(row)` may refuse by state (e.g. a cancelled order); a
      versioned row read at another `expected_version` raises EditConflict naming the fields
      where `changes` differ from it;
    - `prepare(row)` derives fields before `clean` (default `full_clean()`);
    - nothing changed: nothing is saved or audited, and the version stays;
    - otherwise the version moves on, `save(update_fields=…)` writes the changed columns
      (derived ones included), the actor must still reach the row with `visible_action`, and
      the audit row holds the before/after of the changed `fields` only.
    """
    _require_atomic()
    allowed = tuple(fields)
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValueError(f"{type(obj).__name__} fields {unknown} cannot be changed here")
    require_unit(actor, qualify(action, model_domain(type(obj))), obj.unit)  # type: ignore[attr-defined]
    values = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    versioned = isinstance(obj, VersionedModel)
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if check is not None:
        check(current)
    if versioned:
        check_version(current, expected_version=expected_version, proposed=values)
    before = audit.snapshot(current, allowed)
    columns = _column_values(current)
    for name, value in values.items():
        setattr(current, name, value)
    if "unit" in values:
        require_unit(actor, qualify(action, model_domain(type(current))), current.unit)  # type: ignore[attr-defined]
    if prepare is not None:
        prepare(current)
    _clean(current, clean)
    diff = audit.diff(before, audit.snapshot(current, allowed))
    if not diff:
        return current, {}
    moved = [name for name, value in _column_values(current).items() if columns[name] != value]
    if versioned:
        bump(current)
        moved.append("version")
    current.save(update_fields=sorted({*moved, *_auto_now(current)}))
    assert_visible(actor, current, visible_action)
    audit.record(actor=actor, action=audit_action, obj=current, changes=diff)
    return current, diff


__all__ = ["create_scoped", "update_scoped"]
