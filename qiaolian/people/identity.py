"""Identity documents: resident ID card numbers (GB 11643-1999), passports, and how much of
them a user without the reveal right may see.

One module for the form, the API and the import: each calls `check_id_number` and
`check_passport` (through `people.services` or the import's row validator) and shows numbers
through `mask_id_number` / `mask_passport` and the birth date through `birth_date_shown`.

A resident ID number is 18 characters: a 6-digit administrative region code (province, city,
county), the birth date YYYYMMDD, a 3-digit sequence whose last digit is odd for men and even
for women, and an ISO 7064 MOD 11-2 check character (0–9 or X). Numbers issued before 1999 have
15 digits (2-digit year, no check character); they are converted to 18. The permanent
residence ID cards of foreigners (since 2023) share the layout with a leading 9.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core.crypto import normalise_identifier

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# Provinces, autonomous regions and municipalities (GB/T 2260), Taiwan (71), the Hong Kong and
# Macao SARs (81, 82) and the residence permits of Hong Kong, Macao and Taiwan residents (83).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "  # noqa: SIM905
    "61 62 63 64 65 71 81 82 83".split()
)
_PERMIT_PROVINCES = frozenset({"81", "82", "83"})  # whole-region codes 810000 … 830000
_EARLIEST_BIRTH = dt.date(1880, 1, 1)
_DIGITS_17 = re.compile(r"\d{17}[\dX]")
_DIGITS_15 = re.compile(r"\d{15}")
# Chinese passports: E + 8 (ordinary, the second may be a letter), G + 8 (older ordinary),
# D/S/P(E) + 7 or 8 (diplomatic, service, public affairs), K/H + 8 (Hong Kong SAR), MA + 7
# (Macao SAR). Other countries: 6–12 letters and digits (ICAO 9303 allows up to 9 in the
# machine-readable zone; some countries print longer numbers).
_CN_PASSPORT = re.compile(r"E[A-Z0-9]\d{7}|G\d{8}|[DSP]E?\d{7}|[DS]\d{8}|[KH]\d{8}|MA\d{7}")
_OTHER_PASSPORT = re.compile(r"[A-Z0-9]{6,12}")


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A checked resident ID number (18 characters) and what it says."""

    number: str
    region: str
    birth_date: dt.date
    gender: str  # "m" or "f", as Person.gender


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def upgrade_15(number: str) -> str:
    """The 18-character form of an old 15-digit number (born in the 1900s)."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_character(first17)


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def parse_id_number(raw: str, *, today: dt.date | None = None) -> ResidentId:
    """The checked number, or a ValidationError whose message says what is wrong and how to
    fix it (without repeating the number: the message may be shown where it is masked)."""
    number = normalise_identifier(raw)
    if _DIGITS_15.fullmatch(number):
        number = upgrade_15(number)
    elif len(number) != 18:
        raise _invalid(
            _(
                "An ID card number has 18 characters (or 15 digits for an old card); this one "
                "has %(count)s. Write the whole number."
            )
            % {"count": len(number)},
            "id_length",
        )
    if not _DIGITS_17.fullmatch(number):
        raise _invalid(
            _("An ID card number is 17 digits followed by a digit or X; check every character."),
            "id_characters",
        )
    region = number[:6]
    province = region[1:3] if region[0] == "9" else region[:2]
    if province not in PROVINCES or (
        region[0] != "9" and province not in _PERMIT_PROVINCES and region[2:] == "0000"
    ):
        raise _invalid(
            _(
                "The first six digits of an ID card number are a region code; “%(region)s” is "
                "not one. Check the number."
            )
            % {"region": region},
            "id_region",
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    today = today or timezone.localdate()
    if birth is None or birth < _EARLIEST_BIRTH or birth > today:
        raise _invalid(
            _(
                "Digits 7 to 14 of an ID card number are the birth date; they are not a "
                "possible birth date here. Check the number."
            ),
            "id_birth_date",
        )
    if check_character(number[:17]) != number[17]:
        raise _invalid(
            _("The ID card number's check digit is wrong; check every digit."), "id_checksum"
        )
    gender = "m" if int(number[16]) % 2 else "f"
    return ResidentId(number=number, region=region, birth_date=birth, gender=gender)


def check_passport(raw: str, *, nationality: str = "") -> str:
    """The passport number normalised (letters and digits, upper case), or a ValidationError.
    Chinese passports (nationality CN or not given and the number looks Chinese) follow the
    issuing formats; other countries' are 6–12 letters and digits."""
    number = normalise_identifier(raw)
    nationality = str(nationality or "").upper()
    if nationality == "CN":
        if not _CN_PASSPORT.fullmatch(number):
            raise _invalid(
                _(
                    "A Chinese passport number is E or G followed by 8 characters, e.g. "
                    "E12345678; check the number."
                ),
                "passport_cn",
            )
        return number
    if not _OTHER_PASSPORT.fullmatch(number):
        raise _invalid(
            _(
                "A passport number is 6 to 12 letters and digits as printed in the passport, "
                "e.g. YA1234567."
            ),
            "passport",
        )
    return number


# --- what a user without the reveal right sees --------------------------------------------


def mask_id_number(value: str) -> str:
    """The ID number as users without the reveal right see it: only its last two characters
    (the last sequence digit and the check character), the rest starred.

    Why so little. The candidates left for someone who sees the mask together with every field
    such a user sees beside it (on pages, in exports, in the API) must stay at 1,000 or more
    (issue 10.4). Such a user knows, at worst, the region code exactly (the unit's district),
    the sex (the parity of the 17th digit) and, from `birth_date_shown`, the birth year only
    (the full date is part of the number and is shown with the reveal right alone). Left
    unknown: the day of the year (365) and the first two sequence digits (100); the check
    character then keeps about one candidate in 11: 365 × 100 / 11 ≈ 3,300 candidates. The old
    mask (first 4 + last 4) with the full birth date left 1 or 2; even the last 4 alone with
    the birth year leaves about 33, and no mask at all with the full birth date leaves at most
    500 (the sequence numbers of one sex), which is why the birth date is coarsened too.
    `people/tests/test_identity.py` counts the candidates.
    """
    value = normalise_identifier(value)
    if not value:
        return ""
    return "*" * max(len(value) - 2, 4) + value[-2:]


def mask_passport(value: str) -> str:
    """A passport number shown as its first letter and last two characters."""
    value = normalise_identifier(value)
    if not value:
        return ""
    if len(value) <= 4:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 3) + value[-2:]


def birth_date_shown(birth_date: dt.date | None, *, id_number: str, can_reveal: bool):
    """The birth date as a user sees it: the date itself with the reveal right or when no ID
    number is recorded (nothing to give away); else only the year (an int)."""
    if birth_date is None or can_reveal or not id_number:
        return birth_date
    return birth_date.year


def birth_date_text(birth_date: dt.date | None, *, id_number: str, can_reveal: bool) -> str:
    """`birth_date_shown` as text for pages and exports: "1985-05-05" or "1985 (year only)"."""
    shown = birth_date_shown(birth_date, id_number=id_number, can_reveal=can_reveal)
    if shown is None:
        return ""
    if isinstance(shown, int):
        return _("%(year)s (year only)") % {"year": shown}
    return shown.isoformat()


def mask_sensitive(field: str, value: str) -> str:
    """`mask_id_number` or `mask_passport` by field name (audit rows, conflicts, imports)."""
    return mask_id_number(value) if field == "id_number" else mask_passport(value)
