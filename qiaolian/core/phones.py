"""Phone numbers as people type them, normalised to E.164 for matching.

A number written without a country code is read in the person's country of residence first,
then in China (overseas Chinese often keep a mainland mobile typed without +86): 138 1234 5678
is a valid Chinese mobile for a person who lives in Italy. When neither reading is valid, the
message names the countries assumed, so the user knows to add the country code.
"""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _

HOME_REGION = "CN"


def normalize_phone(raw: str, default_region: str = HOME_REGION) -> str | None:
    """E.164 form of `raw`, or None when it is not a plausible phone number."""
    text = (raw or "").strip()
    if not text or "@" in text:
        return None
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def reading_regions(country: str | None) -> tuple[str, ...]:
    """The regions a number without a country code is read in: residence, then China."""
    country = str(country or "").upper()
    return (country, HOME_REGION) if country and country != HOME_REGION else (HOME_REGION,)


def phone_for_country(raw: str, country: str | None) -> str | None:
    """E.164 of `raw` read in the person's country of residence, then in China; else None."""
    for region in reading_regions(country):
        e164 = normalize_phone(raw, region)
        if e164 is not None:
            return e164
    return None


def country_name(code: str) -> str:
    from django_countries import countries

    return str(countries.name(code) or code)


def phone_error(raw: str, country: str | None, *, echo: bool = True) -> str:
    """Why `raw` was refused, naming the countries it was read in (without repeating the
    value when `echo` is False: the import's problems show the cell beside the message)."""
    # Translators: joins the two countries a phone number was read in: "Italy or China".
    names = _(" or ").join(country_name(region) for region in reading_regions(country))
    if not echo:
        return _(
            "Not a valid phone number in %(countries)s (numbers without a country code are "
            "read there); add the country code, e.g. +39 333 123 4567."
        ) % {"countries": names}
    return _(
        "“%(value)s” is not a valid phone number in %(countries)s (numbers without a country "
        "code are read there). Write it with the country code, e.g. +39 333 123 4567."
    ) % {"value": raw, "countries": names}


def dedupe_phones(numbers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(as typed, E.164) pairs, keeping the first of each E.164 number."""
    seen: set[str] = set()
    kept = []
    for raw, e164 in numbers:
        if e164 not in seen:
            seen.add(e164)
            kept.append((raw, e164))
    return kept
