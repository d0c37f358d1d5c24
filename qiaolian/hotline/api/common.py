"""What every hotline API module shares: the 403 guard, the unit filter, the conflict answer
and the paginated-list wrapper that decorates one page at a time."""

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Schema, Status

from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action, holds_anywhere
from qiaolian.hotline.categories import category_values


class ErrorOut(Schema):
    error: dict


class UnitOwnedOut(Schema):
    """The owner unit of a record, as every hotline output names it: its code and name."""

    unit: str
    unit_name: str

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name


def require(user, action: Action = Action.VIEW) -> None:
    """403 for a caller who holds `action` nowhere (like the pages); otherwise scoping decides."""
    if not holds_anywhere(user, action):
        raise PermissionDenied


def within(user, unit_id: UUID | None) -> Unit | None:
    """The `unit` filter of a list: a unit the caller may view (404 otherwise), or None."""
    if unit_id is None:
        return None
    return Unit.objects.get_visible(user, Action.VIEW, public_id=unit_id)


def check_category(value: str | None, field: str = "category") -> None:
    """The active case categories, as the forms offer them (the dictionary `case_category`)."""
    if value is not None and value not in category_values():
        raise ValidationError({field: _("Choose a category from the list.")})


def conflict(message: str, changed: Iterable[str]) -> Status:
    """409 in the API's error shape; `fields` names what changed since the client read it."""
    note = _("Changed since you read it.")
    body: dict[str, Any] = {"code": "conflict", "message": message}
    fields = {name: [note] for name in changed}
    if fields:
        body["fields"] = fields
    return Status(409, {"error": body})


def record_conflict(changed: Iterable[str]) -> Status:
    names = list(changed)
    message = _(
        "The record changed after you read it (changed: %(fields)s). Read it again and send "
        "the new version."
    ) % {"fields": ", ".join(names) or "—"}
    return conflict(message, names)


class PageHook:
    """Lets the paginator slice (and count) the queryset first, then runs `hook` on the one
    page it returns: per-page extras (flags, related labels) in a fixed number of queries."""

    def __init__(self, queryset, hook: Callable[[list], Any]):
        self.queryset = queryset
        self.hook = hook

    def __len__(self) -> int:
        return self.queryset.count()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, item):
        rows = list(self.queryset[item])
        self.hook(rows)
        return rows
