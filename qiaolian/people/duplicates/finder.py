"""Finding people recorded twice: blocking, then scoring each candidate pair.

Comparing every pair of 25,000 people is 312 million comparisons; instead each person is put
into a few small *blocks* of people sharing a key, and only people sharing a block are
compared:

- the same ID card or passport number (blind index), the same normalised phone (E.164), the
  same last 8 digits of a phone (the number typed with the wrong or no country code), the
  same email;
- for people with a birth date: the same pinyin and birth year (张伟 / 章伟), the same Latin
  spelling and birth year (Wong Wei / 王伟, through the diaspora's surname spellings), the
  same initials and birth date (typing slips in the name).

A name alone never makes a candidate (a city has many 张伟): a pair needs a name match plus a
birth date, phone, email or ID in common, or an ID in common. So people without a birth date
are paired only by what identifies them, and name blocks can carry the birth year. A block
larger than BLOCK_LIMIT (an association's office phone shared by 300 members) says nothing
about duplicates and is skipped.

`score_pair` adds points per piece of evidence and takes points off for contradictions (two
different ID numbers, birth dates or genders); pairs scoring MIN_SCORE or more are candidates.
"""

from __future__ import annotations

import gc
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import combinations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rapidfuzz.fuzz import ratio

from qiaolian.people.models import ContactKind, Person, PersonContact
from qiaolian.people.names import surname_syllables
from qiaolian.people.search.romanisations import SURNAME_SPELLINGS

MIN_SCORE = 50
LIKELY = 65
VERY_LIKELY = 80
BLOCK_LIMIT = 60
PHONE_TAIL = 8

# Evidence (points added) and contradictions (points taken off), by reason code.
POINTS = {
    "same_id": 50,
    "same_passport": 45,
    "same_phone": 35,
    "phone_tail": 25,
    "same_email": 30,
    "same_name": 40,
    "same_pinyin": 34,
    "romanisation": 32,
    "similar_name": 20,  # up to 30 as the spellings get closer
    "same_birth": 20,
    "same_country": 5,
    "id_conflict": -40,
    "birth_conflict": -20,
    "gender_conflict": -15,
}

REASONS = {
    "same_id": _("Same ID card number"),
    "same_passport": _("Same passport number"),
    "same_phone": _("Same phone number"),
    "phone_tail": _("Phone numbers end in the same 8 digits"),
    "same_email": _("Same email"),
    "same_name": _("Same name"),
    "same_pinyin": _("Same pinyin"),
    "romanisation": _("Name matches a passport spelling"),
    "similar_name": _("Similar name"),
    "same_birth": _("Same birth date"),
    "same_country": _("Same country of residence"),
    "id_conflict": _("Different ID card numbers"),
    "birth_conflict": _("Different birth dates"),
    "gender_conflict": _("Different genders"),
}
CONFLICTS = frozenset(code for code, points in POINTS.items() if points < 0)

_LATIN_WORD = re.compile(r"[a-z]+")


@dataclass(slots=True)
class Profile:
    """What the finder compares of one person (no sensitive value in clear)."""

    pk: int
    han: bool
    full_name: str
    pinyin: str  # compact: "zhangwei"
    initials: str
    latin: frozenset[str]  # spellings written in Latin letters (the name itself, other spellings)
    spoken: frozenset[str]  # a Chinese name read out: pinyin and dialect spellings, both orders
    birth: date | None
    gender: str
    country: str
    id_index: str
    passport_index: str
    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Pair:
    a: int  # the smaller primary key
    b: int
    score: int
    reasons: list[str]


@dataclass(slots=True)
class Scan:
    pairs: list[Pair]
    people: int
    compared: int
    skipped_blocks: int
    seconds: float


def is_han(text: str) -> bool:
    return bool(text) and "\u3400" <= text[0] <= "\u9fff"


def latin_forms(text: str) -> set[str]:
    """`Wong Wai Man` → {wongwaiman, waimanwong, manwongwai}: the words run together in the
    written order and with the surname moved to either end (foreign forms put it last)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = _LATIN_WORD.findall(plain)
    if not words:
        return set()
    forms = {"".join(words)}
    if len(words) > 1:
        forms.add("".join(words[1:] + words[:1]))
        forms.add("".join(words[-1:] + words[:-1]))
    return forms


def other_spellings(romanized: str) -> set[str]:
    forms: set[str] = set()
    for entry in re.split(r"[,;，；、/]", romanized or ""):
        forms |= latin_forms(entry)
    return forms


@cache
def _surname_length(surname: str) -> int:
    return len(surname_syllables(surname))


def spoken_forms(surname: str, pinyin: str) -> set[str]:
    """A Chinese name as it may be spelled abroad: pinyin or the surname's dialect spellings,
    surname first or last (王伟 → wangwei, weiwang, wongwei, weiwong, ongwei …)."""
    syllables = pinyin.split()
    cut = _surname_length(surname)
    family, given = "".join(syllables[:cut]), "".join(syllables[cut:])
    spellings = {family, *SURNAME_SPELLINGS.get(surname, ())}
    forms = set()
    for spelling in spellings:
        forms.add(spelling + given)
        if given:
            forms.add(given + spelling)
    return forms


def profile_of(
    *,
    pk: int,
    surname: str,
    given_name: str,
    name_pinyin: str,
    name_initials: str,
    romanized_names: str,
    birth_date: date | None,
    gender: str,
    country: str,
    id_number_index: str,
    passport_index: str,
) -> Profile:
    han = is_han(surname)
    latin = other_spellings(romanized_names)
    if not han:
        latin |= latin_forms(f"{surname} {given_name}")
    return Profile(
        pk=pk,
        han=han,
        full_name=f"{surname}{given_name}",
        pinyin=name_pinyin.replace(" ", ""),
        initials=name_initials,
        latin=frozenset(latin),
        spoken=frozenset(spoken_forms(surname, name_pinyin) if han else ()),
        birth=birth_date,
        gender=gender,
        country=str(country or ""),
        id_index=id_number_index,
        passport_index=passport_index,
    )


PROFILE_FIELDS = (
    "pk",
    "surname",
    "given_name",
    "name_pinyin",
    "name_initials",
    "romanized_names",
    "birth_date",
    "gender",
    "country",
    "id_number_index",
    "passport_index",
)


def load_profiles(people: QuerySet) -> dict[int, Profile]:
    """Profiles of `people` (a restricted queryset) with their phones and emails: two queries."""
    profiles = {}
    for values in people.values_list(*PROFILE_FIELDS).iterator(chunk_size=5000):
        profile = profile_of(**dict(zip(PROFILE_FIELDS, values, strict=True)))
        profiles[profile.pk] = profile
    contacts = PersonContact.objects.filter(person__in=people.values("pk")).values_list(
        "person_id", "kind", "normalized"
    )
    for person_id, kind, normalized in contacts.iterator(chunk_size=5000):
        profile = profiles.get(person_id)
        if profile is None or not normalized:
            continue
        (profile.phones if kind == ContactKind.PHONE else profile.emails).add(normalized)
    return profiles


def _phone_tail(e164: str) -> str:
    digits = e164.lstrip("+")
    return digits[-PHONE_TAIL:] if len(digits) >= PHONE_TAIL + 2 else ""


def blocks_of(profile: Profile) -> Iterator[tuple[tuple, bool]]:
    """(block key, whether this person is in the block by a Latin spelling)."""
    if profile.id_index:
        yield ("id", profile.id_index), False
    if profile.passport_index:
        yield ("passport", profile.passport_index), False
    for phone in profile.phones:
        yield ("phone", phone), False
        if tail := _phone_tail(phone):
            yield ("tail", tail), False
    for email in profile.emails:
        yield ("email", email), False
    if profile.birth is None:
        return
    year = profile.birth.year
    if profile.han and profile.pinyin:
        yield ("pinyin", profile.pinyin, year), False
    if profile.initials:
        yield ("initials", profile.initials, profile.birth), False
    for form in profile.latin:
        yield ("spelling", form, year), True
    for form in profile.spoken - profile.latin:
        yield ("spelling", form, year), False


def candidate_pairs(profiles: dict[int, Profile]) -> tuple[set[tuple[int, int]], int]:
    """Pairs of people sharing a block, and how many blocks were too large to use.

    In a spelling block two people are paired only when one of them is there by a Latin
    spelling: 黄伟 and 王伟 are both "Wong Wei" read aloud, but neither is written so."""
    blocks: dict[tuple, list[tuple[int, bool]]] = defaultdict(list)
    for profile in profiles.values():
        for key, latin in blocks_of(profile):
            blocks[key].append((profile.pk, latin))
    pairs: set[tuple[int, int]] = set()
    skipped = 0
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if len(members) > BLOCK_LIMIT:
            skipped += 1
            continue
        spelling = key[0] == "spelling"
        for (pk1, latin1), (pk2, latin2) in combinations(members, 2):
            if pk1 == pk2 or (spelling and not (latin1 or latin2)):
                continue
            pairs.add((pk1, pk2) if pk1 < pk2 else (pk2, pk1))
    return pairs, skipped


def _name_evidence(p: Profile, q: Profile) -> tuple[int, str | None]:
    if p.han and q.han:
        if p.full_name == q.full_name:
            return POINTS["same_name"], "same_name"
        if p.pinyin and p.pinyin == q.pinyin:
            return POINTS["same_pinyin"], "same_pinyin"
    if (p.latin & (q.latin | q.spoken)) or (q.latin & p.spoken):
        return POINTS["romanisation"], "romanisation"
    best = _best_ratio(p, q)
    if best >= 85:
        return POINTS["similar_name"] + round((best - 85) / 15 * 10), "similar_name"
    return 0, None


def _best_ratio(p: Profile, q: Profile) -> float:
    pairs: list[tuple[Iterable[str], Iterable[str]]] = []
    if p.han and q.han and p.pinyin and q.pinyin:
        pairs.append(((p.pinyin,), (q.pinyin,)))
    if p.latin:
        pairs.append((p.latin, q.latin | q.spoken))
    if q.latin:
        pairs.append((q.latin, p.spoken))
    best = 0.0
    for left, right in pairs:
        for x in left:
            for y in right:
                best = max(best, ratio(x, y))
    return best


def score_pair(p: Profile, q: Profile) -> tuple[int, list[str]]:
    """(score 0–100, reason codes): evidence adds points, contradictions take them off."""
    reasons: list[str] = []
    name_points, name_reason = _name_evidence(p, q)
    score = name_points
    if name_reason:
        reasons.append(name_reason)

    def add(code: str) -> None:
        nonlocal score
        score += POINTS[code]
        reasons.append(code)

    if p.id_index and q.id_index:
        add("same_id" if p.id_index == q.id_index else "id_conflict")
    if p.passport_index and p.passport_index == q.passport_index:
        add("same_passport")  # a passport is renewed with a new number: no contradiction
    if p.phones & q.phones:
        add("same_phone")
    elif {_phone_tail(x) for x in p.phones} & {_phone_tail(y) for y in q.phones} - {""}:
        add("phone_tail")
    if p.emails & q.emails:
        add("same_email")
    if p.birth and q.birth:
        add("same_birth" if p.birth == q.birth else "birth_conflict")
    if name_points and p.country and p.country == q.country:
        add("same_country")
    if p.gender in ("m", "f") and q.gender in ("m", "f") and p.gender != q.gender:
        add("gender_conflict")
    return max(0, min(100, score)), reasons


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Building a few hundred thousand small block entries makes the cyclic garbage collector
    run over and over (measured: 1.4 s of a 3 s scan on 25,000 people); nothing here makes
    cycles, so it is paused for the scan."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def find_duplicates(people: QuerySet, *, exclude: set[tuple[int, int]] = frozenset()) -> Scan:
    """Scored candidate pairs among `people` (a restricted queryset, merged records left out),
    best first; `exclude` holds pairs marked "not a duplicate"."""
    started = time.perf_counter()
    with _no_gc_pauses():
        profiles = load_profiles(people)
        candidates, skipped = candidate_pairs(profiles)
        pairs = []
        for a, b in candidates:
            if (a, b) in exclude:
                continue
            score, reasons = score_pair(profiles[a], profiles[b])
            if score >= MIN_SCORE:
                pairs.append(Pair(a, b, score, reasons))
    pairs.sort(key=lambda pair: (-pair.score, pair.a, pair.b))
    return Scan(
        pairs=pairs,
        people=len(profiles),
        compared=len(candidates),
        skipped_blocks=skipped,
        seconds=time.perf_counter() - started,
    )


def compare(first: Person, second: Person) -> tuple[int, list[str]]:
    """The score of two loaded people, for the merge page (same rules as the scan)."""
    profiles = load_profiles(Person.objects.filter(pk__in=[first.pk, second.pk]))
    return score_pair(profiles[first.pk], profiles[second.pk])


def level(score: int) -> str:
    if score >= VERY_LIKELY:
        return "very_likely"
    return "likely" if score >= LIKELY else "possible"
