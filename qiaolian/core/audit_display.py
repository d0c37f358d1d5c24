"""How an audit row is shown to people: the operation's name instead of its code, each changed
field by its verbose name, values in words (choice labels, local times, yes/no, "empty").

The rows keep codes (`case.sla_breach`, `status`, ISO timestamps) so that they can be searched
and exported exactly; every page that shows them goes through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qiaolian.core import registry

SYSTEM_ACTOR = "system"


def action_label(code: str) -> str:
    """The name of an audit operation: its registered label, else the label registered for
    its kind ("export.*"), else a neutral name (a meta-test keeps every code registered)."""
    labels = registry.audit_action_labels()
    if code in labels:
        return str(labels[code])
    kind = code.split(".", 1)[0]
    if f"{kind}.*" in labels:
        return str(labels[f"{kind}.*"])
    return _("Other operation")


def action_choices() -> list[tuple[str, str]]:
    """Every registered operation as (code, label), sorted by label, for the log's filter."""
    labels = registry.audit_action_labels()
    return sorted(
        ((code, str(label)) for code, label in labels.items() if not code.endswith(".*")),
        key=lambda pair: pair[1],
    )


def actor_label(actor_name: str) -> str:
    """Who did it: the login name, or "System" for the scheduled and seeding work."""
    if not actor_name or actor_name == SYSTEM_ACTOR:
        return pgettext("actor", "System")
    return actor_name


def _model(object_type: str) -> type[models.Model] | None:
    if not object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """The kind of record an audit row is about, in words ("hotline.case" → "case")."""
    model = _model(object_type)
    if model is None:
        return object_type
    return str(model._meta.verbose_name)


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A changed field's name in words: the model field's verbose name; a value that is no
    field of the model (a form-only value) gets its name with spaces."""
    field = _field(model, name)
    verbose = getattr(field, "verbose_name", None)
    if verbose:
        text = str(verbose)
        return text[:1].upper() + text[1:]
    return name.replace("_", " ").capitalize()


def value_text(field: Any, value: Any) -> str:
    """A stored before/after value in words."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(value_text(field, item) for item in value)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "Y-m-d H:i")
    return str(value)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def changes(object_type: str, raw: dict[str, Any] | None) -> list[Change]:
    """The changed fields of an audit row, in words. A value that is not a [before, after]
    pair (a created record's fields) is shown as the value after."""
    model = _model(object_type)
    rows = []
    for name, pair in (raw or {}).items():
        field = _field(model, name)
        if isinstance(pair, list) and len(pair) == 2:
            before, after = pair
        else:
            before, after = None, pair
        rows.append(
            Change(field_label(model, name), value_text(field, before), value_text(field, after))
        )
    return rows


def changed_fields(object_type: str, raw: dict[str, Any] | None) -> str:
    """The names of the changed fields, joined for a one-line summary."""
    model = _model(object_type)
    separator = pgettext("list separator", ", ")
    return separator.join(field_label(model, name) for name in (raw or {}))


def changes_text(object_type: str, raw: dict[str, Any] | None) -> str:
    """The changes on one line, for exports."""
    return "; ".join(f"{c.label}: {c.before} → {c.after}" for c in changes(object_type, raw))
