"""The input checks every way into the system shares: forms, the API and imports.

A check here is a plain function that returns the cleaned value or raises a `ValidationError`
naming the field, in the user's language. Services call them (so the API and the import, which
do not go through Django's form fields, are held to the same rules as the forms); the forms
reach them through the services and the import's row validator calls them directly.

- Text must not carry NUL or other control characters: PostgreSQL refuses NUL in text (a 500),
  and the others are invisible in a page yet break exports and searches. Tabs and line breaks
  are fine. `ControlCharacterMiddleware` refuses them in every API body up front as well.
- A time zone is a name from `zoneinfo.available_timezones()`: nothing path-like, nothing the
  operating system happens to have lying around (`localtime`, `posixrules`).
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# C0 controls except tab, line feed and carriage return; DEL; the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_message() -> str:
    return _(
        "Contains an invisible control character (such as a null byte); type the text again "
        "or paste it as plain text."
    )


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def clean_text(value: Any, *, field: str) -> Any:
    """`value` stripped of surrounding spaces; a ValidationError on `field` when it holds a
    control character. Values that are not text are returned as they are."""
    if not isinstance(value, str):
        return value
    if has_control_characters(value):
        raise ValidationError({field: control_character_message()}, code="control")
    return value.strip()


def clean_texts(values: dict[str, Any]) -> dict[str, Any]:
    """`clean_text` over a dict of field values (lists of text are checked item by item);
    every field in error is reported at once."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        try:
            if isinstance(value, list | tuple):
                cleaned[name] = [clean_text(item, field=name) for item in value]
            else:
                cleaned[name] = clean_text(value, field=name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


# Files of the system's zone directory that are not zones people live in.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def zone_names() -> frozenset[str]:
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in _NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


def is_valid_zone(name: str | None) -> bool:
    return bool(name) and str(name) in zone_names()


def check_time_zone(name: str | None, *, field: str = "time_zone") -> str:
    """`name` when it is blank or an IANA zone name; otherwise a ValidationError on `field`."""
    name = (name or "").strip()
    if name and not is_valid_zone(name):
        raise ValidationError(
            {
                field: _(
                    "“%(value)s” is not a time zone; choose one from the list, e.g. Europe/Rome."
                )
                % {"value": name[:64]}
            },
            code="time_zone",
        )
    return name
