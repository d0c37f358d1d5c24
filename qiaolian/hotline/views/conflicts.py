"""Optimistic-locking edit pages (the case edit, the call edit): a save over someone else's
newer save is refused by the service; the page shows what changed, keeps this user's text,
and moves the form to the current version so a deliberate second save goes through."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render


class ConflictFormMixin:
    """For a ScopedFormView whose `perform` stores the service's conflict in `self.conflict`.

    Subclasses name the fields a conflict may list (`conflict_fields`), how each is labelled
    and shown, and how the other user's value goes back into the form (`conflict_merge`)."""

    conflict: Any = None
    conflict_fields: tuple[str, ...] = ()

    def conflict_label(self, name: str) -> str:
        raise NotImplementedError

    def conflict_shown(self, current, name: str) -> Any:
        return getattr(current, name)

    def conflict_merge(self, data, current, name: str, before: Any) -> None:
        """Give a field this user left as it was the other's value, so saving again does not
        undo their change; a field both changed keeps this user's text."""

    def conflict_context(self) -> dict[str, Any]:
        return {}

    def render(self, form, status: int = 200):
        conflict_rows = []
        if self.conflict is not None:
            current = self.scoped_queryset().get(pk=self.object.pk)
            data = form.data.copy()
            data["version"] = str(current.version)
            for name, (before, _after) in self.conflict.changed.items():
                if name not in self.conflict_fields:
                    continue
                self.conflict_merge(data, current, name, before)
                shown = self.conflict_shown(current, name)
                conflict_rows.append((self.conflict_label(name), shown or "—"))
            form.data = data
        context = self.get_context_data(
            form=form, conflict_rows=conflict_rows, **self.conflict_context()
        )
        return render(self.request, self.template_name, context, status=status)
