"""Each row of the sheet, cleaned into a person's values, or its problems.

A problem names the column, the value as typed, the reason and the fix, in the user's
language; the row number is the one Excel shows. `Validator` is built once per import (it
reads the category dictionary and the country names) and then checks rows without touching
the database, fast enough for 100,000 rows (names' pinyin and countries are memoised, phones
go through `phones.to_e164`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import countries
from qiaolian.core.crypto import blind_index
from qiaolian.core.phones import phone_error
from qiaolian.core.validation import control_character_message, has_control_characters
from qiaolian.people.identity import check_passport, parse_id_number
from qiaolian.people.imports.mapping import BY_KEY
from qiaolian.people.imports.phones import to_e164, zone_for, zone_prefix_length
from qiaolian.people.models import Gender, Person
from qiaolian.people.names import given_syllables, split_full_name, surname_syllables
from qiaolian.people.normalize import normalize_email
from qiaolian.people.search.hanzi import is_han

TEXT_FIELDS = (
    "romanized_names",
    "city",
    "hometown",
    "wechat_id",
    "address",
    "occupation",
    "employer",
    "languages",
    "tags",
    "notes",
)
MAX_LENGTH = {
    f.name: f.max_length
    for f in Person._meta.concrete_fields
    if getattr(f, "max_length", None) and f.name in (*TEXT_FIELDS, "surname", "given_name")
}
GENDERS = {
    "男": "m", "男性": "m", "m": "m", "male": "m", "man": "m", "先生": "m",
    "女": "f", "女性": "f", "f": "f", "female": "f", "woman": "f", "女士": "f",
    "": "u", "未知": "u", "u": "u", "unknown": "u", "不详": "u", "其他": "u", "other": "u",
}  # fmt: skip
_SEPARATORS = re.compile(r"[,;，；、/\n]+|\s{2,}")
_SEPARATOR = re.compile(r"[,;，；、/\n]|\s\s")
_DIGIT = re.compile(r"\d")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
_DATE_PARTS = re.compile(r"(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})\D?")
_YEAR_MONTH = re.compile(r"(\d{4})\D{1,2}(\d{1,2})\D?")
EXCEL_EPOCH = dt.date(1899, 12, 30)
UNKNOWN_COUNTRY = gettext_lazy(
    "Unknown country; write its Chinese or English name or its two-letter code, e.g. 意大利, "
    "Italy or IT."
)
SCIENTIFIC = gettext_lazy(
    "Excel turned the number into scientific notation; format the column as Text and type the "
    "number again."
)


def fold(value: str) -> str:
    return re.sub(r"[\s\-_.·'’()（）]+", "", value).lower()


_surname_syllables = lru_cache(maxsize=10_000)(surname_syllables)
_given_syllables = lru_cache(maxsize=200_000)(given_syllables)


@lru_cache(maxsize=200_000)
def cached_pinyin(surname: str, given: str) -> tuple[str, str]:
    """`names.name_pinyin`, with the surname's and the given name's readings memoised apart:
    surnames repeat in every row, given names often."""
    syllables = [s for s in _surname_syllables(surname) + _given_syllables(given) if s]
    return " ".join(syllables), "".join(s[0] for s in syllables if s)


@dataclass(slots=True)
class Problem:
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"column": self.column, "value": self.value, "message": self.message}


@dataclass(slots=True)
class CleanRow:
    """One data row: the person's values once cleaned, or the problems found."""

    index: int  # position among the data rows
    number: int  # the row number Excel shows
    surname: str = ""
    given_name: str = ""
    values: dict = field(default_factory=dict)  # other Person fields
    phones: list = field(default_factory=list)  # [(as typed, E.164, region)]
    emails: list = field(default_factory=list)  # [(as typed, normalised)]
    id_number: str = ""
    passport_number: str = ""
    id_index: str = ""
    passport_index: str = ""
    pinyin: str = ""
    initials: str = ""
    problems: list = field(default_factory=list)
    key: str = ""

    @property
    def name(self) -> str:
        return (
            f"{self.surname}{self.given_name}"
            if _has_han(self.surname)
            else (f"{self.surname} {self.given_name}".strip())
        )

    @property
    def ok(self) -> bool:
        return not self.problems


def _has_han(text: str) -> bool:
    return bool(text) and is_han(text[0])


class Validator:
    """Checks rows against one mapping. Build it inside the language the messages are for.

    A column's cells repeat (genders, categories, countries, dates, names, time zones), so
    each distinct cell is checked once per import and its verdict kept: a row then costs a
    few dictionary look-ups plus what is really its own (phones, emails, numbers, its key)."""

    def __init__(self, headers: list[str], mapping: list[str]):
        self.headers = headers
        self.columns: dict[str, list[int]] = {}
        for index, key in enumerate(mapping):
            if key:
                self.columns.setdefault(key, []).append(index)
        self.categories = category_lookup()
        self.category_examples = "、".join(label for label, _value in category_labels())
        self.today = timezone.localdate()
        # Only the mapped text fields, each with its first column and header.
        self.text_fields = [
            (key, self.columns[key], MAX_LENGTH.get(key))
            for key in TEXT_FIELDS
            if key in self.columns
        ]
        self._category_of: dict[str, str | None] = {}
        self._country_of: dict[str, str | None] = {}
        # (field, its only column or None when several, header of that column, verdicts of
        # the distinct cells seen so far, the check of one cell → (value, message)).
        checks = (
            ("gender", self._gender),
            ("birth_date", self._date),
            ("category", self._category),
            ("nationality", self._country_check),
            ("country", self._country_check),
        )
        self.coded_fields = [
            (key, self._only(key), self._header(key), {}, check)
            for key, check in checks
            if key in self.columns
        ]
        # Each name field's only column, -1 when unmapped; None when one has several columns.
        name_columns = [self._only(key) if key in self.columns else -1 for key in NAME_FIELDS]
        self.name_columns = None if None in name_columns else name_columns
        self._names_of: dict[tuple, tuple] = {}
        self._zones: dict[tuple, str] = {}
        self.phone_columns = [(i, self.headers[i]) for i in self.columns.get("phone", ())]
        self.email_columns = [(i, self.headers[i]) for i in self.columns.get("email", ())]
        self.identifiers = "id_number" in self.columns or "passport_number" in self.columns
        self.mapped = sorted({i for indexes in self.columns.values() for i in indexes})

    # -- helpers -------------------------------------------------------------------------

    def _only(self, key: str) -> int | None:
        columns = self.columns.get(key)
        return columns[0] if columns and len(columns) == 1 else None

    def _header(self, key: str) -> str:
        columns = self.columns.get(key)
        return self.headers[columns[0]] if columns else BY_KEY[key].header

    def _first(self, row: list[str], key: str) -> tuple[str, str]:
        """(value, header) of the first non-empty column mapped to `key`."""
        columns = self.columns.get(key)
        if not columns:
            return "", BY_KEY[key].header
        if len(columns) == 1:
            return row[columns[0]], self.headers[columns[0]]
        for index in columns:
            if row[index]:
                return row[index], self.headers[index]
        return "", self.headers[columns[0]]

    def check(self, index: int, number: int, row: list[str]) -> CleanRow:
        problems: list[Problem] = []
        values: dict = {}
        clean = CleanRow(index=index, number=number, values=values, problems=problems)
        for column in self.mapped:
            cell = row[column]
            if cell and has_control_characters(cell):
                shown = "".join(ch for ch in cell if not has_control_characters(ch))
                problems.append(
                    Problem(self.headers[column], shown[:60], control_character_message())
                )
        if problems:
            return clean
        self._names(clean, row)
        for key, columns, limit in self.text_fields:
            if len(columns) == 1:
                text = row[columns[0]]
            else:
                text = "；".join(row[i] for i in columns if row[i])
            if text:
                if limit and len(text) > limit:
                    problems.append(Problem(self.headers[columns[0]], text, _too_long(limit)))
                else:
                    values[key] = text
        for key, column, header, verdicts, check in self.coded_fields:
            if column is None:
                text, header = self._first(row, key)
            else:
                text = row[column]
            if not text:
                continue
            verdict = verdicts.get(text)
            if verdict is None:
                verdict = verdicts[text] = check(text)
            value, message = verdict
            if message:
                problems.append(Problem(header, text, message))
            elif value is not None:
                values[key] = value
        self._contacts(clean, row, values.get("country", ""))
        if self.identifiers:
            self._identifiers(clean, row)
        if not problems:
            clean.pinyin, clean.initials = cached_pinyin(clean.surname, clean.given_name)
            first = clean.phones[0] if clean.phones else None
            values["time_zone"] = self._zone(values.get("country", ""), first)
            clean.key = row_key(clean)
        return clean

    def _gender(self, text: str) -> tuple[str | None, str]:
        gender = GENDERS.get(text.lower())
        if gender is None:
            return None, _("Not a gender; write 男 or 女 (or leave it empty).")
        return (None if gender == "u" else gender), ""

    def _category(self, text: str) -> tuple[str | None, str]:
        if text not in self._category_of:
            self._category_of[text] = self.categories.get(fold(text))
        category = self._category_of[text]
        if category is None:
            return None, _("Not a category of the register; use one of: %(choices)s.") % {
                "choices": self.category_examples
            }
        return category, ""

    def _country_check(self, text: str) -> tuple[str | None, str]:
        code = self._country(text)
        return (None, str(UNKNOWN_COUNTRY)) if code is None else (code, "")

    def _zone(self, country: str, phone: tuple | None) -> str:
        """`phones.zone_for`, kept per country and the part of the number that decides."""
        if phone is None:
            key: tuple = (country, "", "")
        elif country and phone[2] != country:
            key = (country, "-", "")  # the phone is of another country: the country's zone
        else:
            digits = phone[1][1:]
            key = (country, phone[2], digits[: zone_prefix_length(digits)])
        zone = self._zones.get(key)
        if zone is None:
            zone = self._zones[key] = zone_for(
                country, phone[1] if phone else "", phone[2] if phone else ""
            )
        return zone

    def _names(self, clean: CleanRow, row: list[str]) -> None:
        if self.name_columns is None:
            cells: tuple = tuple(self._first(row, key) for key in NAME_FIELDS)
        else:
            cells = tuple(row[i] if i >= 0 else "" for i in self.name_columns)
        verdict = self._names_of.get(cells)
        if verdict is None:
            verdict = self._names_of[cells] = self._names_verdict(row)
        surname, given, problem = verdict
        if problem is not None:
            clean.problems.append(Problem(*problem))
        else:
            clean.surname, clean.given_name = surname, given

    def _names_verdict(self, row: list[str]) -> tuple[str, str, tuple | None]:
        """(surname, given name, None) or ("", "", (column, value, message))."""
        surname, surname_header = self._first(row, "surname")
        given, given_header = self._first(row, "given_name")
        full, full_header = self._first(row, "full_name")
        header = surname_header if surname else full_header
        if surname:
            if _has_han(surname):
                surname, given = "".join(surname.split()), "".join(given.split())
            else:
                surname, given = " ".join(surname.split()), " ".join(given.split())
        elif full:
            if _has_han(full):
                surname, given = split_full_name(full)
            else:
                surname, given = " ".join(full.split()), ""
            header = full_header
        else:
            name_header = full_header if "full_name" in self.columns else surname_header
            return "", "", (name_header, "", _("The name is empty; every person needs a name."))
        if _DIGIT.search(surname) or _DIGIT.search(given):
            return (
                "",
                "",
                (
                    header,
                    full or surname + given,
                    _("A name has no digits; check that the columns are mapped right."),
                ),
            )
        for value, limit, column in (
            (surname, MAX_LENGTH["surname"], header),
            (given, MAX_LENGTH["given_name"], given_header if given_header else header),
        ):
            if len(value) > limit:
                return "", "", (column, value, _too_long(limit))
        return surname, given, None

    def _date(self, text: str) -> tuple[dt.date | None, str]:
        value = None
        try:
            if len(text) == 10 and text[4] == "-" and text[7] == "-":
                value = dt.date.fromisoformat(text)
            elif text.isdigit() and len(text) == 8:
                value = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            elif text.isdigit() and len(text) == 5:
                value = EXCEL_EPOCH + dt.timedelta(days=int(text))  # an Excel date serial
            elif match := _DATE_PARTS.fullmatch(text.split(" ")[0]):
                value = dt.date(*(int(part) for part in match.groups()))
            elif _YEAR_MONTH.fullmatch(text):
                return None, _(
                    "Only the year and month are given; write the whole date, e.g. 1980-01-31."
                )
        except ValueError:
            value = None
        if value is None:
            return None, _("Not a date; write it as year-month-day, e.g. 1980-01-31.")
        if value.year < 1900 or value > self.today:
            return None, _("The date is not a possible birth date; check the year.")
        return value, ""

    def _country(self, text: str) -> str | None:
        if text not in self._country_of:
            self._country_of[text] = self._country_code(text)
        return self._country_of[text]

    def _country_code(self, text: str) -> str | None:
        return countries.code_for(text)

    def _contacts(self, clean: CleanRow, row: list[str], country: str) -> None:
        region = country or "CN"
        seen = set()
        for index, header in self.phone_columns:
            cell = row[index]
            if not cell:
                continue
            for raw in _split(cell):
                if _SCIENTIFIC.fullmatch(raw):
                    clean.problems.append(Problem(header, raw, str(SCIENTIFIC)))
                    continue
                result = to_e164(raw, region)
                if result is None and region != "CN":
                    # Overseas Chinese often keep a mainland number typed without +86.
                    result = to_e164(raw, "CN")
                if result is None:
                    message = phone_error(raw, region, echo=False)
                    clean.problems.append(Problem(header, raw, message))
                elif result[0] not in seen:
                    seen.add(result[0])
                    clean.phones.append((raw, result[0], result[1]))
        for index, header in self.email_columns:
            cell = row[index]
            if not cell:
                continue
            for raw in _split(cell):
                email = normalize_email(raw)
                if email is None or len(raw) > 120:
                    clean.problems.append(
                        Problem(
                            header,
                            raw,
                            _("Not a valid email address; write it as name@example.com."),
                        )
                    )
                elif email not in seen:
                    seen.add(email)
                    clean.emails.append((raw, email))

    def _identifiers(self, clean: CleanRow, row: list[str]) -> None:
        """The same checks as the form and the API (`people.identity`): GB 11643 for ID
        numbers, which also fill an empty birth date and gender (a mismatch is a problem
        naming both), and the per-country passport formats."""
        values = clean.values
        text, header = self._first(row, "id_number")
        if text:
            try:
                resident = parse_id_number(text, today=self.today)
            except ValidationError as exc:
                clean.problems.append(Problem(header, _mask(text), exc.messages[0]))
            else:
                clean.id_number, clean.id_index = resident.number, blind_index(resident.number)
                self._match_id(clean, resident)
        text, header = self._first(row, "passport_number")
        if text:
            try:
                number = check_passport(text, nationality=values.get("nationality", ""))
            except ValidationError as exc:
                clean.problems.append(Problem(header, _mask(text), exc.messages[0]))
            else:
                clean.passport_number, clean.passport_index = number, blind_index(number)

    def _match_id(self, clean: CleanRow, resident) -> None:
        values = clean.values
        birth = values.get("birth_date")
        if birth is None:
            values["birth_date"] = resident.birth_date
        elif birth != resident.birth_date:
            clean.problems.append(
                Problem(
                    self._header("birth_date"),
                    birth.isoformat(),
                    _(
                        "The birth date %(typed)s does not match the one in the ID card number "
                        "(%(in_number)s); correct one of them."
                    )
                    % {"typed": birth.isoformat(), "in_number": resident.birth_date},
                )
            )
        gender = values.get("gender")
        if gender is None:
            values["gender"] = resident.gender
        elif gender != resident.gender:
            clean.problems.append(
                Problem(
                    self._header("gender"),
                    str(Gender(gender).label),
                    _(
                        "The gender “%(typed)s” does not match the ID card number, which says "
                        "“%(in_number)s”; correct one of them."
                    )
                    % {
                        "typed": Gender(gender).label,
                        "in_number": Gender(resident.gender).label,
                    },
                )
            )


def _split(cell: str) -> list[str]:
    if not _SEPARATOR.search(cell):  # one value: the common case
        part = cell.strip()
        return [part] if part else []
    return [part.strip() for part in _SEPARATORS.split(cell) if part.strip()]


def _too_long(limit: int) -> str:
    return _("Too long: at most %(limit)s characters.") % {"limit": limit}


def _mask(value: str) -> str:
    """Problems echo sensitive numbers masked: the preview and the error list are not the
    place to show an ID number in clear (the error sheet gives the user's own cell back)."""
    value = value.strip()
    return value[:3] + "*" * max(len(value) - 5, 0) + value[-2:] if len(value) > 5 else "*****"


def category_labels() -> list[tuple[str, str]]:
    """(label in the reader's language, value) of the active person categories."""
    from qiaolian.core.models import DictItem
    from qiaolian.core.seed_data import DICTIONARIES

    items = list(DictItem.objects.filter(dict_type__code="person_category", is_active=True))
    if items:
        return [(item.display, item.value) for item in items]
    # The dictionary is seeded by `manage.py seed`; a bare database falls back to its defaults.
    english = (translation.get_language() or "").startswith("en")
    return [
        (label_en if english else label, value)
        for value, label, label_en in DICTIONARIES["person_category"][2]
    ]


def category_lookup() -> dict[str, str]:
    """Folded label (Chinese or English) or value → the value stored on the person."""
    from qiaolian.core.models import DictItem
    from qiaolian.core.seed_data import DICTIONARIES

    lookup: dict[str, str] = {}
    items = list(
        DictItem.objects.filter(dict_type__code="person_category", is_active=True).values_list(
            "value", "label", "label_en"
        )
    ) or list(DICTIONARIES["person_category"][2])
    for value, label, label_en in items:
        for text in (value, label, label_en):
            if text:
                lookup[fold(text)] = value
    return lookup


def row_key(clean: CleanRow) -> str:
    """The identity of a row's content: the same person's row in any file has the same key.
    Stored with each imported row, so it must never change: a re-import is recognised by it."""
    values = clean.values
    get = values.get
    birth = get("birth_date")
    phones, emails = clean.phones, clean.emails
    parts = [clean.surname, clean.given_name, str(birth) if birth else ""]
    parts += [get(key, "") for key in KEY_FIELDS]
    parts.append(
        phones[0][1] if len(phones) == 1 else ",".join(sorted(phone[1] for phone in phones))
    )
    parts.append(
        emails[0][1] if len(emails) == 1 else ",".join(sorted(email[1] for email in emails))
    )
    parts.append(clean.id_index)
    parts.append(clean.passport_index)
    return _sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


_sha1 = hashlib.sha1
NAME_FIELDS = ("surname", "given_name", "full_name")
KEY_FIELDS = ("gender", "category", "nationality", "country", *TEXT_FIELDS)
