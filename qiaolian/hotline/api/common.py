"""What the hotline's API modules share beyond the API kit (qiaolian/core/api_kit.py, which
holds the guards, the owner-unit output, the error shape and the pagination): the category
check and the conflict answer."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Status

from qiaolian.hotline.categories import category_values


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
