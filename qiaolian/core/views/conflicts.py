"""Edit pages with optimistic locking: one way to show a stale save.

The form carries the version it was opened at (a hidden `version` field); the service refuses a
save over someone else's newer one with `EditConflict` (core.versioning). The page then keeps
everything this user typed, shows field by field what differs (`core/includes/conflict.html`:
when the form was opened, their saved value, this user's value) and moves the form to the
current version, so a deliberate second save goes through.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from qiaolian.core.versioning import EditConflict, field_label


def shown(value: Any) -> str:
    """A value as the conflict table prints it."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


class ConflictFormMixin:
    """For a ScopedFormView whose object is a VersionedModel; put it before ScopedFormView.

    ScopedFormView hands a service's EditConflict to `render_conflict`; the template includes
    `core/includes/conflict.html`, which reads `conflict` (the rows). Hooks, per page:
    `conflict_fields` (the fields a row may name; default every field the conflict names),
    `conflict_label`, `conflict_shown` (their value as shown), `conflict_mine` (this user's),
    `conflict_merge` (let a field this user left as it was take their value),
    `conflict_data` (the form data sent back) and `conflict_rows` (the rows themselves, for a
    page that knows more, e.g. a signed snapshot of what the form showed).
    """

    conflict_status = 400  # a refused form, as any other; a page may answer 409
    conflict_fields: tuple[str, ...] | None = None
    conflict: list[dict[str, Any]] | None = None
    conflict_error: EditConflict | None = None

    def conflict_label(self, name: str) -> str:
        return field_label(type(self.object), name)  # type: ignore[attr-defined]

    def conflict_shown(self, current: models.Model, name: str) -> Any:
        display = getattr(current, f"get_{name}_display", None)
        return display() if callable(display) else getattr(current, name, "")

    def conflict_mine(self, form, name: str) -> Any:
        value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        field = form.fields.get(name)
        choices = dict(getattr(field, "choices", None) or ()) if field is not None else {}
        return choices.get(value, value) if isinstance(value, str) else value

    def conflict_merge(self, data, current: models.Model, name: str, before: Any) -> None:
        """By default this user's text is kept as typed, every field of it."""

    def conflict_data(self, data, current: models.Model) -> None:
        """The form as it comes back: this user's input (after `conflict_merge`), now on the
        current version so that saving it again is a deliberate overwrite."""
        data["version"] = str(current.version)  # type: ignore[attr-defined]
        for row in self.conflict or ():
            sent = data.copy()
            self.conflict_merge(data, current, row["field"], row.get("raw_before"))
            if data != sent:  # this user had left it as it was: the form now holds theirs
                row["mine"] = row["theirs"]

    def conflict_rows(self, form, current: models.Model, conflict: EditConflict) -> list[dict]:
        rows = []
        for name, (before, _now) in conflict.changed.items():
            if self.conflict_fields is not None and name not in self.conflict_fields:
                continue
            rows.append(
                {
                    "field": name,
                    "label": self.conflict_label(name),
                    "before": shown(before),
                    "raw_before": before,
                    "theirs": shown(self.conflict_shown(current, name)),
                    "mine": shown(self.conflict_mine(form, name)),
                }
            )
        return rows

    def render_conflict(self, form, conflict: EditConflict):
        current = self.scoped_queryset().get(pk=self.object.pk)  # type: ignore[attr-defined]
        self.conflict_error = conflict
        self.conflict = self.conflict_rows(form, current, conflict)
        data = form.data.copy()
        self.conflict_data(data, current)
        form.data = data
        form.add_error(None, conflict.messages[0])
        return self.render(form, status=self.conflict_status)  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        rows = self.conflict or []
        context.update(
            conflict=self.conflict,
            conflict_error=self.conflict_error,
            conflict_labels=", ".join(str(row["label"]) for row in rows)
            or (", ".join(self.conflict_error.fields.values()) if self.conflict_error else ""),
            conflict_has_before=any(row.get("before") not in ("", None) for row in rows),
        )
        return context


__all__ = ["ConflictFormMixin", "shown"]
