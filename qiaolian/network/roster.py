"""Roster reconciliation: a group's member list, pasted or uploaded, matched to the register.

Each line ("nickname, phone", "nickname phone", "+39 333 … 张伟", a CSV row …) becomes a
`RosterLine` with a status:

- matched: its phone (normalised to E.164) belongs to a person the user can see;
- member: that person is already in the group;
- probable: no phone match, but a similar name (汉字, pinyin either way round, passport
  spellings; rapidfuzz) among the people of the same country the user can see;
- new: nothing similar; the person can be created;
- problem: the line cannot be used as it is (the reason says how to fix it);
- repeat: the same phone or name already came on an earlier line.

Matching only ever reads restricted querysets: a person outside the user's scope is never
offered, nor is their existence hinted at.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from qiaolian.core.scoping import Action
from qiaolian.network.models import Membership
from qiaolian.people.models import ContactKind, Person, PersonContact
from qiaolian.people.names import name_pinyin, split_full_name
from qiaolian.people.normalize import normalize_phone

MAX_LINES = 2000
MAX_BYTES = 1_000_000
PROBABLE_SCORE = 85
MAX_CANDIDATES = 3
SURNAME_MAX = 40
GIVEN_MAX = 60

_PHONE = re.compile(r"\+?\(?\d[\d\s\-().]{5,}\d")
_SEPARATORS = re.compile(r"[,，;；\t|、/]+")
_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")
_HAN = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"[a-zA-Z]+")
# A short run of digits standing apart from the nickname: a phone number cut short.
_DIGITS = re.compile(r"(?:^|(?<=\s))\+?\d[\d\s\-]{2,}\d?(?=\s|$)")
_HEADER_WORDS = {"昵称", "姓名", "名字", "手机", "电话", "name", "nickname", "phone", "mobile"}


class Status:
    MATCHED = "matched"
    MEMBER = "member"
    PROBABLE = "probable"
    NEW = "new"
    PROBLEM = "problem"
    REPEAT = "repeat"


@dataclass
class Candidate:
    person: Any
    score: int
    reason: str


@dataclass
class RosterLine:
    number: int
    raw: str
    name: str = ""
    phone_raw: str = ""
    phone: str = ""
    country: str = ""
    status: str = Status.NEW
    candidates: list[Candidate] = field(default_factory=list)
    problem: str = ""
    surname: str = ""
    given_name: str = ""

    @property
    def selectable(self) -> bool:
        return self.status in (Status.MATCHED, Status.PROBABLE, Status.NEW)

    @property
    def default_choice(self) -> str:
        if self.status in (Status.MATCHED, Status.PROBABLE) and self.candidates:
            return str(self.candidates[0].person.public_id)
        return "new" if self.status == Status.NEW else "skip"

    @property
    def candidate_ids(self) -> set[str]:
        return {str(c.person.public_id) for c in self.candidates}


def decode_upload(data: bytes) -> str:
    """Text of an uploaded .txt/.csv: UTF-8 (with or without BOM), else GB18030 as Chinese
    Excel and WPS save it. Raises ValueError with a message for the user."""
    if len(data) > MAX_BYTES:
        raise ValueError(_("The file is larger than 1 MB. Split it into smaller lists."))
    if b"\x00" in data:
        raise ValueError(_("This is not a text file. Upload a .txt or .csv list."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(_("The file is neither UTF-8 nor GBK text. Save it as UTF-8 and retry."))


def split_line(text: str) -> tuple[str, str]:
    """(name, phone as typed) of one roster line."""
    phone = ""
    best = None
    for match in _PHONE.finditer(text):
        digits = sum(ch.isdigit() for ch in match.group())
        if digits >= 7 and (best is None or digits > best[0]):
            best = (digits, match)
    rest = text
    if best is not None:
        phone = best[1].group().strip(" -.")
        rest = text[: best[1].start()] + "," + text[best[1].end() :]
    parts = [p.strip() for p in _SEPARATORS.split(rest) if p.strip()]
    return (parts[0] if parts else ""), phone


def _clean_han(name: str) -> str:
    return "".join(_HAN.findall(_BRACKETED.sub("", name)))


def _latin_tokens(name: str) -> list[str]:
    return [t.lower() for t in _LATIN.findall(_BRACKETED.sub("", name))]


def proposed_name(name: str) -> tuple[str, str]:
    """Surname and given name a new person gets from a nickname."""
    han = _clean_han(name)
    if han:
        return split_full_name(han)
    tokens = [t.strip() for t in re.split(r"\s+", name.strip()) if t.strip()]
    if not tokens:
        return "", ""
    return tokens[0], " ".join(tokens[1:])


def _region_of(e164: str) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164)) or ""
    except phonenumbers.NumberParseException:
        return ""


def parse(text: str, *, country: str = "") -> list[RosterLine]:
    """The roster's lines, numbered as the user sees them (blank lines count, a header row
    is skipped). `country` is the members' country: the default for numbers written
    without a country code, and the country in which similar names are looked for."""
    raw_lines = text.splitlines()
    if len(raw_lines) > MAX_LINES:
        raise ValueError(
            _("The list has %(n)s lines; at most %(max)s are read at once. Split it.")
            % {"n": len(raw_lines), "max": MAX_LINES}
        )
    lines: list[RosterLine] = []
    seen_phones: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for number, raw in enumerate(raw_lines, start=1):
        raw = raw.strip()
        if not raw:
            continue
        name, phone_raw = split_line(raw)
        if not lines and not phone_raw and set(_SEPARATORS.split(raw.lower())) & _HEADER_WORDS:
            continue  # a header row ("昵称,手机")
        line = RosterLine(number=number, raw=raw, name=name, phone_raw=phone_raw)
        line.surname, line.given_name = proposed_name(name)
        if phone_raw:
            line.phone = normalize_phone(phone_raw, country or "CN") or ""
            if not line.phone:
                line.status = Status.PROBLEM
                line.problem = _(
                    "“%(phone)s” is not a valid phone number. Write it with its country code "
                    "(e.g. +39 333 123 4567), or choose the members' country above."
                ) % {"phone": phone_raw}
        elif digits := _DIGITS.search(name):
            line.status = Status.PROBLEM
            line.problem = _(
                "“%(digits)s” is too short for a phone number. Complete it, or remove it."
            ) % {"digits": digits.group().strip()}
        line.country = (_region_of(line.phone) if line.phone else "") or country
        if line.status != Status.PROBLEM and not line.surname and not line.phone:
            line.status = Status.PROBLEM
            line.problem = _("No name and no phone number found on this line.")
        elif len(line.surname) > SURNAME_MAX or len(line.given_name) > GIVEN_MAX:
            line.status = Status.PROBLEM
            line.problem = _("The name is too long for the register; shorten it.")
        key_name = _clean_han(name) or " ".join(_latin_tokens(name))
        earlier = seen_phones.get(line.phone) if line.phone else None
        if earlier is None and not line.phone and key_name:
            earlier = seen_names.get(key_name)
        if line.status != Status.PROBLEM and earlier is not None:
            line.status = Status.REPEAT
            line.problem = _("Repeats line %(n)s.") % {"n": earlier}
        if line.phone:
            seen_phones.setdefault(line.phone, number)
        if key_name:
            seen_names.setdefault(key_name, number)
        lines.append(line)
    return lines


class _NamePool:
    """The people of one country the user can see, with their name keys for rapidfuzz."""

    def __init__(self, people: list[Person]):
        self.people = people
        self.han: list[str] = []
        self.han_owner: list[int] = []
        self.latin: list[str] = []
        self.latin_owner: list[int] = []
        for index, person in enumerate(people):
            full = f"{person.surname}{person.given_name}"
            if _HAN.fullmatch(full or "-"):
                self.han.append(full)
                self.han_owner.append(index)
            syllables = person.name_pinyin.split()
            keys = set()
            if syllables:
                keys.add("".join(syllables))
                surname_len = max(1, len(person.surname)) if _HAN.fullmatch(full or "-") else 1
                keys.add("".join(syllables[surname_len:] + syllables[:surname_len]))
            for spelling in (person.romanized_names or "").split(","):
                tokens = _latin_tokens(spelling)
                if tokens:
                    keys.add("".join(tokens))
                    keys.add("".join(reversed(tokens)))
            for key in keys:
                self.latin.append(key)
                self.latin_owner.append(index)

    def search(self, name: str) -> list[tuple[int, int, str]]:
        """[(person index, score, reason)] for a nickname, best first."""
        found: dict[int, tuple[int, str]] = {}

        def keep(index: int, score: float, reason: str) -> None:
            if score > found.get(index, (0, ""))[0]:
                found[index] = (int(score), reason)

        han = _clean_han(name)
        if len(han) >= 2:
            for _key, score, pos in process.extract(
                han, self.han, scorer=fuzz.ratio, score_cutoff=PROBABLE_SCORE, limit=10
            ):
                keep(self.han_owner[pos], score, _("similar Chinese name"))
            if len(han) > 2:  # a nickname with extras: 张伟米兰 contains 张伟
                for key, score, pos in process.extract(
                    han, self.han, scorer=fuzz.partial_ratio, score_cutoff=100, limit=10
                ):
                    if len(key) >= 2:
                        keep(self.han_owner[pos], score - 10, _("name inside the nickname"))
            surname, given = split_full_name(han)
            sound = "".join(name_pinyin(surname, given)[0].split())
            for _key, score, pos in process.extract(
                sound, self.latin, scorer=fuzz.ratio, score_cutoff=95, limit=10
            ):
                keep(self.latin_owner[pos], score - 5, _("same pinyin"))
        latin = "".join(_latin_tokens(name))
        if len(latin) >= 4:
            for _key, score, pos in process.extract(
                latin, self.latin, scorer=fuzz.ratio, score_cutoff=PROBABLE_SCORE, limit=10
            ):
                keep(self.latin_owner[pos], score, _("similar spelling"))
        ranked = sorted(found.items(), key=lambda item: -item[1][0])
        return [(index, score, reason) for index, (score, reason) in ranked]


def match(lines: list[RosterLine], *, user, group) -> list[RosterLine]:
    """Fill in each line's status and candidates from the register within the user's scope."""
    people = Person.objects.restrict(user, Action.VIEW).filter(merged_into__isnull=True)
    phones = {line.phone for line in lines if line.phone}
    by_phone: dict[str, list[Person]] = defaultdict(list)
    contacts = (
        PersonContact.objects.restrict(user, Action.VIEW)
        .filter(kind=ContactKind.PHONE, normalized__in=phones, person__in=people)
        .select_related("person")
        .order_by("person__pk")
    )
    for contact in contacts:
        if contact.person not in by_phone[contact.normalized]:
            by_phone[contact.normalized].append(contact.person)
    in_group = set(
        Membership.objects.restrict(user, Action.VIEW)
        .filter(group=group, left_on__isnull=True)
        .values_list("person_id", flat=True)
    )
    pools: dict[str, _NamePool] = {}
    for line in lines:
        if line.status in (Status.PROBLEM, Status.REPEAT):
            continue
        owners = by_phone.get(line.phone, []) if line.phone else []
        if owners:
            line.candidates = [Candidate(p, 100, _("same phone number")) for p in owners]
            line.status = Status.MATCHED
            if any(p.pk in in_group for p in owners):
                line.status = Status.MEMBER
            continue
        if line.country and line.country not in pools:
            pools[line.country] = _NamePool(
                list(
                    people.filter(country=line.country).only(
                        "pk",
                        "public_id",
                        "surname",
                        "given_name",
                        "name_pinyin",
                        "romanized_names",
                        "country",
                        "city",
                    )
                )
            )
        pool = pools.get(line.country)
        found = pool.search(line.name)[:MAX_CANDIDATES] if pool else []
        if found:
            line.candidates = [Candidate(pool.people[i], s, r) for i, s, r in found]
            line.status = Status.PROBABLE
            if pool.people[found[0][0]].pk in in_group and found[0][1] >= 100:
                line.status = Status.MEMBER
        elif not line.surname:
            line.status = Status.PROBLEM
            line.problem = _("A new person needs a name: add the nickname before the number.")
    return lines


def summary(lines: list[RosterLine]) -> dict[str, int]:
    counts = dict.fromkeys(
        (
            Status.MATCHED,
            Status.PROBABLE,
            Status.NEW,
            Status.MEMBER,
            Status.PROBLEM,
            Status.REPEAT,
        ),
        0,
    )
    for line in lines:
        counts[line.status] += 1
    return counts
