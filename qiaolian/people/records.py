"""A person's record as the services write it: the fields a form edits, the sensitive ones,
the values derived from them (pinyin, blind indexes, time zone) and the snapshot the audit
log and the conflict check compare. Shared by the services, merging and the edit form."""

from __future__ import annotations

from typing import Any

from qiaolian.core import audit
from qiaolian.core.crypto import blind_index
from qiaolian.people.identity import mask_sensitive
from qiaolian.people.models import Person
from qiaolian.people.names import name_pinyin
from qiaolian.people.normalize import time_zone_for

PERSON_FIELDS = (
    "surname",
    "given_name",
    "romanized_names",
    "gender",
    "birth_date",
    "category",
    "nationality",
    "country",
    "city",
    "time_zone",
    "hometown",
    "hometown_unit",
    "wechat_id",
    "address",
    "occupation",
    "employer",
    "languages",
    "tags",
    "notes",
    "unit",
)
SENSITIVE_FIELDS = ("id_number", "passport_number")


def snapshot(person: Person) -> dict[str, Any]:
    """The person's fields as JSON-ready data, for before/after comparison."""
    data = audit.snapshot(person, PERSON_FIELDS)
    # Sensitive values are audited masked: the log shows that they changed, not what they are.
    for name in SENSITIVE_FIELDS:
        data[name] = mask_sensitive(name, getattr(person, name) or "")
    return data


def derive(person: Person, primary_phone: str | None) -> None:
    """Set what is derived from the typed fields: trimmed names, pinyin and initials, the
    blind indexes of the ID and passport numbers, and a time zone when none is stored."""
    person.surname = person.surname.strip()
    person.given_name = person.given_name.strip()
    person.name_pinyin, person.name_initials = name_pinyin(person.surname, person.given_name)
    person.id_number_index = blind_index(person.id_number or "")
    person.passport_index = blind_index(person.passport_number or "")
    if not person.time_zone:
        person.time_zone = time_zone_for(
            country=str(person.country or ""), phone_e164=primary_phone or ""
        )
