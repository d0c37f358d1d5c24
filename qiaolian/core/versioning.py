"""Optimistic locking, once for every app.

A record that people edit in forms carries a `version` (`VersionedModel`), bumped by every save
that changes it. An edit form, or an API client, sends back the version it read as
`expected_version`; `lock_for_update` locks the row and, when someone saved it in between,
raises `EditConflict` naming the fields that differ and, when it is known, who saved them.
Nothing of the refused save is written (the caller's transaction rolls back).

The pages render an `EditConflict` through `core.views.conflicts.ConflictFormMixin` and the
include `core/includes/conflict.html`; the API answers it with 409 and the current version
(`api/root.py`), reads `If-Match: "<version>"` (`if_match_version`) and sends
`ETag: "<version>"` (`etag`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from qiaolian.core.audit import field_label

# What a model may say about the saves since a version: {field: [value before, value now]}
# and who made them (names for the message). Cases read their timeline, calls their audit.
History = Callable[[Any, int], tuple[dict[str, list[Any]], list[str]]]


class VersionedModel(models.Model):
    """A record edited with optimistic locking: `version` starts at 1 and every save that
    changes the record moves it on by one (the services do it, never a form)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class EditConflict(ValidationError):
    """Someone saved the record after the form (or the API client) read it.

    - `obj`: the record as it is now (locked, current);
    - `current_version`: its version now — the one to send to overwrite on purpose;
    - `changed`: {field: [value before their save, or None when unknown, value now]};
    - `fields`: {field: label} of the fields that differ, in the active language;
    - `changed_by`: who saved since, when known (user names), else empty.

    A ValidationError (code "conflict"), so a page without the conflict mixin still shows it
    as a form error and nothing is saved.
    """

    def __init__(
        self,
        obj: models.Model,
        *,
        current_version: int,
        changed: Mapping[str, list[Any]],
        changed_by: Iterable[str] = (),
    ):
        self.obj = obj
        self.current_version = current_version
        self.changed = dict(changed)
        self.fields = {name: field_label(type(obj), name) for name in self.changed}
        self.changed_by = sorted(set(changed_by))
        labels = ", ".join(self.fields.values()) or "—"
        noun = str(type(obj)._meta.verbose_name)
        if self.changed_by:
            message = _(
                "%(who)s saved this %(noun)s while you were editing it (changed: %(fields)s)."
            ) % {"who": ", ".join(self.changed_by), "noun": noun, "fields": labels}
        else:
            message = _(
                "Someone else saved this %(noun)s while you were editing it (changed: %(fields)s)."
            ) % {"noun": noun, "fields": labels}
        super().__init__(message, code="conflict")


def _stored(model: type[models.Model], name: str, value: Any) -> Any:
    """A value as the field stores it, for comparing what a form sends with the row: a
    related object by its key, anything else as it is."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def _current(obj: models.Model, name: str) -> Any:
    field = type(obj)._meta.get_field(name)
    return getattr(obj, getattr(field, "attname", name))


def differing(current: models.Model, proposed: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The fields where what an edit would write differs from the stored row:
    {field: [None, value now]} (the value before the other save is unknown here)."""
    model = type(current)
    names = {f.name for f in model._meta.concrete_fields}
    return {
        name: [None, getattr(current, name)]
        for name, value in proposed.items()
        if name in names and _stored(model, name, value) != _current(current, name)
    }


def last_changed_by(obj: models.Model) -> list[str]:
    """Who wrote the latest audited change of `obj` (empty if nobody is on record)."""
    from qiaolian.core.models import AuditEvent

    object_id = str(getattr(obj, "public_id", None) or obj.pk)
    event = (
        AuditEvent.objects.filter(  # scoping: exempt, the record itself is checked
            object_type=obj._meta.label_lower, object_id=object_id
        )
        .exclude(changes={})
        .order_by("-created_at", "-id")
        .first()
    )
    return [event.actor_name] if event is not None and event.actor_name else []


def check_version(
    current: models.Model,
    *,
    expected_version: int | None,
    proposed: Mapping[str, Any] | None = None,
    history: History | None = None,
) -> None:
    """Raise EditConflict when `current` (a locked row) is no longer at `expected_version`.

    The fields it names come from `history` when the model keeps one (what was saved since
    that version, and by whom), else from comparing `proposed` (what this edit would write)
    with the row. `expected_version=None` means the caller accepts last-write-wins."""
    version = current.version  # type: ignore[attr-defined]
    if expected_version is None or int(expected_version) == version:
        return
    if history is not None:
        changed, changed_by = history(current, int(expected_version))
    else:
        changed = differing(current, proposed or {})
        changed_by = last_changed_by(current)
    if not changed:
        changed = {"version": [int(expected_version), version]}
    raise EditConflict(current, current_version=version, changed=changed, changed_by=changed_by)


def lock_for_update[M: models.Model](
    obj: M,
    *,
    expected_version: int | None,
    proposed: Mapping[str, Any] | None = None,
    history: History | None = None,
    queryset: models.QuerySet[M] | None = None,
) -> M:
    """Lock `obj`'s row (`SELECT … FOR UPDATE`), check it is still at `expected_version`
    (`check_version`) and return it as it is now. Call inside the write's transaction: the
    lock lasts until it commits, so no other save can slip in between check and write."""
    rows = queryset if queryset is not None else type(obj)._default_manager.all()
    current = rows.select_for_update().get(pk=obj.pk)
    check_version(current, expected_version=expected_version, proposed=proposed, history=history)
    return current


def bump(obj: models.Model) -> None:
    """Move the record to its next version (before saving a change)."""
    obj.version += 1  # type: ignore[attr-defined]


# --- HTTP: ETag and If-Match ---------------------------------------------------------------


def etag(version: int) -> str:
    """The ETag of a record at `version`: its version, quoted."""
    return f'"{int(version)}"'


# The largest version an API client may send (the field's integer column holds it on every
# database); the API schemas bound `version` by it, so a huge one is a 422, not a 500.
MAX_VERSION = 2_147_483_647


def if_match_version(request: Any, sent: int | None = None) -> int | None:
    """The version an API update expects: `If-Match: "<version>"` (a weak `W/"…"` too) or the
    `version` field of the body (`sent`). `*` or neither means last-write-wins. A malformed
    header, or a header and a body that disagree, is refused (422) rather than guessed."""
    raw = (request.headers.get("If-Match") or "").strip()
    if not raw or raw == "*":
        return sent
    tag = raw.removeprefix("W/").strip().strip('"')
    if not tag.isdigit():
        raise ValidationError(
            {"If-Match": _('Send the version you read as If-Match: "<version>", e.g. "3".')}
        )
    header = int(tag)
    if header > MAX_VERSION:
        raise ValidationError({"If-Match": _("No record has this version.")})
    if sent is not None and int(sent) != header:
        raise ValidationError(
            {"version": _("The If-Match header and the version field name different versions.")}
        )
    return header


__all__ = [
    "EditConflict",
    "VersionedModel",
    "bump",
    "check_version",
    "differing",
    "etag",
    "field_label",
    "if_match_version",
    "last_changed_by",
    "lock_for_update",
]
