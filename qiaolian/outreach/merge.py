"""Merge fields of letters: {{称呼}} (form of address by age and sex), {{姓名}} (surname first)
and {{问候}} (a greeting by the recipient's local time). English versions may write
{{salutation}}, {{name}}, {{greeting}}. A letter naming any other field cannot be approved."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.html import escape

from qiaolian.core.timezones import local_time

FIELD = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
KNOWN = {
    "称呼": "salutation",
    "姓名": "name",
    "问候": "greeting",
    "salutation": "salutation",
    "name": "name",
    "greeting": "greeting",
}


def unknown_fields(*texts: str) -> list[str]:
    """Merge fields in `texts` no recipient can fill, in order of appearance, once each."""
    found: list[str] = []
    for text in texts:
        for name in FIELD.findall(text or ""):
            if name not in KNOWN and name not in found:
                found.append(name)
    return found


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _pinyin_surname(person) -> str:
    first = (person.name_pinyin or "").split(" ")[0]
    return first.capitalize() or person.surname


def salutation(person, language: str, today: date | None = None) -> str:
    age = _age(person.birth_date, today or timezone.localdate())
    sex = person.gender
    if language.startswith("en"):
        surname = _pinyin_surname(person)
        if age is not None and age < 18:
            return f"Dear {person.given_name or surname}"
        return {"m": f"Dear Mr {surname}", "f": f"Dear Ms {surname}"}.get(sex, "Dear friend")
    if age is not None and age < 18:
        return f"{person.full_name}同学"
    if age is not None and age >= 60:
        return {"m": f"{person.surname}老先生", "f": f"{person.surname}老太太"}.get(
            sex, f"{person.full_name}乡亲"
        )
    return {"m": f"{person.surname}先生", "f": f"{person.surname}女士"}.get(
        sex, f"{person.full_name}乡亲"
    )


def greeting(time_zone: str, language: str, at: datetime | None = None) -> str:
    hour = local_time(time_zone, at).hour  # type: ignore[union-attr]
    english = language.startswith("en")
    if 5 <= hour < 11:
        return "Good morning" if english else "早上好"
    if 11 <= hour < 13:
        return "Good day" if english else "中午好"
    if 13 <= hour < 18:
        return "Good afternoon" if english else "下午好"
    if 18 <= hour < 23:
        return "Good evening" if english else "晚上好"
    return "Hello" if english else "您好"


def values(person, language: str, at: datetime | None = None) -> dict[str, str]:
    return {
        "salutation": salutation(person, language),
        "name": person.full_name,
        "greeting": greeting(person.time_zone, language, at),
    }


def fill(text: str, filled: dict[str, str], *, html: bool = False) -> str:
    def replace(match: re.Match) -> str:
        key = KNOWN.get(match.group(1))
        if key is None:
            return match.group(0)
        return escape(filled[key]) if html else filled[key]

    return FIELD.sub(replace, text or "")


def sample_values(language: str) -> dict[str, str]:
    """What the preview shows in place of a recipient."""
    if language.startswith("en"):
        return {"salutation": "Dear Mr Wang", "name": "王明", "greeting": "Good morning"}
    return {"salutation": "王先生", "name": "王明", "greeting": "早上好"}
