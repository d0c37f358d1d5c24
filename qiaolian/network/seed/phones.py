"""Names' pinyin, mobile numbers as people type them, and time zones, cached for speed."""

from __future__ import annotations

import random
from functools import cache

import phonenumbers

from qiaolian.people.names import name_pinyin
from qiaolian.people.normalize import time_zone_for


@cache
def _pinyin(surname: str, given: str) -> tuple[str, str]:
    return name_pinyin(surname, given)


def split_pinyin(surname: str, given: str) -> tuple[str, str]:
    # Surname and given name are read separately (that is what name_pinyin does), so the
    # two halves are cached apart: a few hundred calls instead of one per person.
    s_py, s_ini = _pinyin(surname, "")
    g_py, g_ini = _pinyin("", given)
    return " ".join(p for p in (s_py, g_py) if p), s_ini + g_ini


@cache
def _mobile_template(region: str) -> phonenumbers.PhoneNumber:
    return phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)


# North American mobiles carry their city's area code (and with it the time zone).
AREA_CODES = {
    "New York": ["212", "646", "917", "718"],
    "Los Angeles": ["213", "323", "626", "310"],
    "San Francisco": ["415", "628"],
    "Houston": ["713", "832", "281"],
    "Toronto": ["416", "647", "437"],
    "Vancouver": ["604", "778"],
    "Buenos Aires": ["911"],  # 9 (mobile) + 11 (Buenos Aires)
}
_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def phone(rng: random.Random, region: str, used: set[str], city: str = "") -> tuple[str, str]:
    """(as typed, E.164) of a new valid mobile number of `region`, typed in a local habit."""
    template = _mobile_template(region)
    national = str(template.national_number)
    # Else the example's leading digit (3 in Italy, 6 in Spain …), the rest random.
    prefixes = AREA_CODES.get(city) or [national[: 2 if region == "CN" else 1]]
    for attempt in range(300):
        # Some plans (Argentina's 9 + area code) rarely accept random digits after the first
        # one: after 100 tries, keep all but the last seven digits of the example.
        prefix = rng.choice(prefixes) if attempt < 100 else national[: len(national) - 7]
        digits = prefix + "".join(rng.choice("0123456789") for _ in national[len(prefix) :])
        number = phonenumbers.PhoneNumber(
            country_code=template.country_code, national_number=int(digits)
        )
        if template.italian_leading_zero:
            number.italian_leading_zero = True
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in used or not phonenumbers.is_valid_number(number):
            continue
        if phonenumbers.number_type(number) not in _MOBILE:
            continue
        used.add(e164)
        return typed(rng, number), e164
    raise RuntimeError(f"no valid mobile number found for {region}")


def typed(rng: random.Random, number: phonenumbers.PhoneNumber) -> str:
    fmt = phonenumbers.PhoneNumberFormat
    style = rng.random()
    if style < 0.35:
        return phonenumbers.format_number(number, fmt.INTERNATIONAL)
    if style < 0.55:
        return phonenumbers.format_number(number, fmt.E164)
    if style < 0.8:
        return phonenumbers.format_number(number, fmt.NATIONAL)
    if style < 0.9:
        return phonenumbers.format_number(number, fmt.INTERNATIONAL).replace(" ", "-")
    return "".join(ch for ch in phonenumbers.format_number(number, fmt.NATIONAL) if ch.isdigit())


def retyped(rng: random.Random, as_typed: str, e164: str) -> str:
    """The same number written another way (what a second roster would hold)."""
    number = phonenumbers.parse(e164)
    for _ in range(5):
        other = typed(rng, number)
        if other != as_typed:
            return other
    return e164


# Countries whose mobile numbers tell the zone (several zones); elsewhere the country does.
SPLIT_ZONES = {"US", "CA", "RU", "AU", "BR", "MX", "ID", "KZ"}


def zone(country: str, phone_e164: str) -> str:
    if country in SPLIT_ZONES and phone_e164:
        return time_zone_for(country=country, phone_e164=phone_e164)
    return _country_zone(country)


@cache
def _country_zone(country: str) -> str:
    return time_zone_for(country=country)
