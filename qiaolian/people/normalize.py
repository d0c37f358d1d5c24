"""Normalising what people type: phones, emails, time zones."""

from __future__ import annotations

from functools import cache

import phonenumbers
from phonenumbers import timezone as phone_timezone

from qiaolian.core.phones import normalize_phone
from qiaolian.core.validation import is_valid_zone

__all__ = ["normalize_email", "normalize_phone", "time_zone_for"]


def normalize_email(raw: str) -> str | None:
    email = (raw or "").strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        return None
    return email


@cache
def _country_zone(country: str) -> str:
    example = phonenumbers.example_number(country.upper()) if country else None
    if example is None:
        return ""
    zones = [z for z in phone_timezone.time_zones_for_number(example) if is_valid_zone(z)]
    return zones[0] if zones else ""


def time_zone_for(*, country: str = "", phone_e164: str = "") -> str:
    """An IANA zone: the phone's own zone when the phone belongs to the country of residence
    (area codes split the USA, Canada, Russia …), else the country's, else the phone's."""
    country = str(country or "").upper()
    number = None
    if phone_e164:
        try:
            number = phonenumbers.parse(phone_e164)
        except phonenumbers.NumberParseException:
            number = None
    if number is not None:
        region = phonenumbers.region_code_for_number(number) or ""
        if not country or region == country:
            zones = [z for z in phone_timezone.time_zones_for_number(number) if is_valid_zone(z)]
            if len(zones) == 1:
                return zones[0]
            country = country or region
    return _country_zone(country)
