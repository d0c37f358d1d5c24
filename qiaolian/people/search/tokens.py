"""What goes into the search index for a person, and how a typed query is read.

A person is indexed as a set of tokens, each with a rank (lower ranks first). Every token is an
exact string, so one B-tree lookup on `token` answers any query form on SQLite and on
PostgreSQL alike (pg_trgm cannot index one- or two-character Chinese strings, FTS5 and
tsvector differ by database):

- every substring of the Chinese name (张, 伟, 张伟, 伟明 … of 张伟明): names are short, so
  all substrings are a few tokens and any substring query is one lookup. Traditional
  characters are folded to simplified ones on both sides (張偉 is indexed and looked up as
  张伟), so either script finds the other;
- the pinyin joined without spaces and its prefixes (zh … zhangweiming), the given name's
  pinyin and its prefixes (we … weiming, xiaom of 王小明), the Western order and its
  prefixes (weimingzh…) and the initials (zwm, zw);
- passport spellings typed on the record (Wong Wai, Ng) with their prefixes, and the dialect
  spellings of common surnames (romanisations.py), ranked lowest;
- phones: every 4-digit window of the E.164 digits. A 4-digit query is one lookup; a longer
  one intersects the postings of its last one or two windows and checks the candidates'
  numbers;
- emails: prefixes of the address and of each part of the local part (zha…, wei88 of
  zhang.wei88@…), and the domain.

The functions here are pure (no database) so the data migration, the bulk re-indexer and the
benchmark build exactly the same tokens.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers
from django.utils.translation import gettext_lazy as _

from qiaolian.people.search.hanzi import is_han, simplified
from qiaolian.people.search.romanisations import SURNAME_SPELLINGS

TOKEN_MAX = 64  # longer tokens are not indexed; longer queries are refused
NAME_MAX = 8  # Chinese names longer than this index their first 8 characters
PHONE_WINDOW = 4


class Rank:
    """Lower is better. Ties are broken by the person's id (oldest record first)."""

    NAME_EXACT = 0  # 张伟 is the whole Chinese name
    EXACT = 1  # the whole pinyin, passport spelling, phone or email
    NAME_PREFIX = 2  # 张 / 张伟 of 张伟明
    PINYIN_PREFIX = 3  # zhangw…, initials zw
    NAME_INNER = 4  # 伟 / 伟明 of 张伟明
    OTHER_PREFIX = 5  # given-name pinyin, passport-spelling prefixes, initials prefixes
    CONTACT = 6  # trailing phone digits, email prefixes
    LOOSE = 7  # inner phone digits, dialect surname spellings, email domain


def score(rank: int) -> int:
    """A 0–100 score for display and for ordering people among other kinds of results."""
    return 100 - 10 * rank


_LATIN = re.compile(r"[a-z0-9]+")
_SPELLING_SEPARATORS = re.compile(r"[,;/，；、|]+")
_EMAIL_PARTS = re.compile(r"[._+\-]+")
_PHONE_QUERY = re.compile(r"[\d\s+\-().\u2010-\u2015/]+")


def fold(text: str) -> str:
    """Lower case, full-width folded (NFKC), accents dropped (Müller → muller)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def latin_key(text: str) -> str:
    """`Zhang Wei` → `zhangwei`; `O'Neil-Ng` → `oneilng`."""
    return "".join(_LATIN.findall(fold(text)))


def han_only(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text or "") if is_han(c))


@functools.cache
def _simplified_to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    """华侨 → 華僑 (OpenCC's phrase conversion): for matching names stored as typed."""
    return _simplified_to_traditional().convert(text)


def han_key(text: str) -> str:
    """The Chinese characters of `text`, folded to simplified: what names are indexed by."""
    return simplified(han_only(text))


@dataclass
class TokenSet:
    """token → best (lowest) rank."""

    ranks: dict[str, int] = field(default_factory=dict)

    def add(self, token: str, rank: int) -> None:
        if not token or len(token) > TOKEN_MAX:
            return
        current = self.ranks.get(token)
        if current is None or rank < current:
            self.ranks[token] = rank

    def add_prefixes(self, text: str, rank: int, *, shortest: int = 2, exact: int | None = None):
        for end in range(shortest, min(len(text), TOKEN_MAX) + 1):
            self.add(text[:end], rank)
        if exact is not None:
            self.add(text, exact)


def _name_tokens(tokens: TokenSet, surname: str, given_name: str) -> None:
    full = han_key(surname + given_name)[:NAME_MAX]
    if not full:
        return
    tokens.add(full, Rank.NAME_EXACT)
    for start in range(len(full)):
        for end in range(start + 1, len(full) + 1):
            piece = full[start:end]
            tokens.add(piece, Rank.NAME_PREFIX if start == 0 else Rank.NAME_INNER)
    for spelling in SURNAME_SPELLINGS.get(han_key(surname), ()):
        tokens.add(spelling, Rank.LOOSE)


def _pinyin_tokens(tokens: TokenSet, surname: str, name_pinyin: str, initials: str) -> None:
    syllables = [latin_key(s) for s in (name_pinyin or "").split()]
    syllables = [s for s in syllables if s]
    if not syllables:
        return
    tokens.add_prefixes("".join(syllables), Rank.PINYIN_PREFIX, exact=Rank.EXACT)
    # Where the given name starts: compound surnames (欧阳) have two syllables.
    han_surname = han_only(surname)
    surname_length = len(han_surname) if han_surname else 1
    given = "".join(syllables[surname_length:])
    if given:  # the given name alone and in Western order, with their prefixes
        tokens.add_prefixes(given, Rank.OTHER_PREFIX)  # we … weiming
        western = given + "".join(syllables[:surname_length])
        tokens.add_prefixes(western, Rank.OTHER_PREFIX, shortest=len(given) + 1)
    initials = latin_key(initials)
    if len(initials) >= 2:
        tokens.add_prefixes(initials, Rank.OTHER_PREFIX)
        tokens.add(initials, Rank.PINYIN_PREFIX)


def _spelling_tokens(tokens: TokenSet, romanized_names: str) -> None:
    for spelling in _SPELLING_SEPARATORS.split(romanized_names or ""):
        words = _LATIN.findall(fold(spelling))
        if not words:
            continue
        tokens.add("".join(words), Rank.EXACT)
        for start in range(len(words)):
            tokens.add_prefixes("".join(words[start:]), Rank.OTHER_PREFIX)
        if len(words) > 1:  # WONG Wai Man ↔ Wai Man Wong
            tokens.add("".join(words[1:] + words[:1]), Rank.OTHER_PREFIX)


def _phone_tokens(tokens: TokenSet, e164: str) -> None:
    digits = re.sub(r"\D", "", e164 or "")
    last = len(digits) - PHONE_WINDOW
    for start in range(last + 1):
        tokens.add(
            digits[start : start + PHONE_WINDOW], Rank.CONTACT if start == last else Rank.LOOSE
        )


def _email_tokens(tokens: TokenSet, email: str) -> None:
    email = fold(email).strip()
    if "@" not in email:
        return
    local, _at, domain = email.rpartition("@")
    tokens.add_prefixes(email, Rank.CONTACT, shortest=3, exact=Rank.EXACT)
    position = 0
    for match in _EMAIL_PARTS.finditer(local):
        position = match.end()
        tokens.add_prefixes(local[position:], Rank.CONTACT, shortest=3)
    tokens.add(domain, Rank.LOOSE)


def person_tokens(
    *,
    surname: str,
    given_name: str,
    name_pinyin: str,
    name_initials: str,
    romanized_names: str,
    contacts: Iterable[tuple[str, str]],
) -> dict[str, int]:
    """Every token of one person with its rank. `contacts` are (kind, normalised) pairs."""
    tokens = TokenSet()
    _name_tokens(tokens, surname, given_name)
    _pinyin_tokens(tokens, surname, name_pinyin, name_initials)
    _spelling_tokens(tokens, romanized_names)
    if not han_only(surname):  # a Latin-script name is its own spelling
        _spelling_tokens(tokens, f"{surname} {given_name}")
    for kind, normalized in contacts:
        if kind == "phone":
            _phone_tokens(tokens, normalized)
        elif kind == "email":
            _email_tokens(tokens, normalized)
    return tokens.ranks


# --- reading a query -------------------------------------------------------------------------


class QueryKind:
    NAME = "name"  # Chinese characters
    LATIN = "latin"  # pinyin, initials, passport spellings, emails
    DIGITS = "digits"  # phone digits


@dataclass(frozen=True)
class ParsedQuery:
    """A query read once: what to look up, or why nothing is looked up (`error`)."""

    text: str  # as typed, trimmed (for associations and groups, and for display)
    kind: str = ""
    tokens: tuple[str, ...] = ()  # looked up as they are
    digits: tuple[str, ...] = ()  # phone digit strings of 5+ digits, checked on candidates
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


MIN_LATIN = 2
MIN_DIGITS = 4
MAX_QUERY = TOKEN_MAX


def parse_query(raw: str) -> ParsedQuery:
    text = " ".join(unicodedata.normalize("NFKC", raw or "").split())
    if not text:
        return ParsedQuery(text, error=str(_("Type a name, pinyin, phone number or email.")))
    if len(text) > MAX_QUERY:
        return ParsedQuery(
            text[:MAX_QUERY],
            error=str(
                _("The search text is too long (at most %(max)d characters); shorten it.")
                % {"max": MAX_QUERY}
            ),
        )
    han = han_key(text)
    if han:
        # Longer than any indexed name: finds no person (associations may still match).
        return ParsedQuery(text, QueryKind.NAME, tokens=(han,))
    compact = "".join(fold(text).split())
    if _PHONE_QUERY.fullmatch(text) and any(c.isdigit() for c in text):
        return _digits_query(text)
    tokens = []
    key = latin_key(text)
    if len(key) >= MIN_LATIN:
        tokens.append(key)
    email_like = compact.lstrip("@")
    if email_like != key and len(email_like) >= 3 and email_like not in tokens:
        tokens.append(email_like)
    if not tokens:
        return ParsedQuery(
            text,
            error=str(
                _("Type at least %(min)d letters (or one Chinese character).") % {"min": MIN_LATIN}
            ),
        )
    return ParsedQuery(text, QueryKind.LATIN, tokens=tuple(tokens))


def _digits_query(text: str) -> ParsedQuery:
    digits = re.sub(r"\D", "", text)
    if len(digits) < MIN_DIGITS:
        return ParsedQuery(
            text,
            error=str(_("Type at least %(min)d digits of a phone number.") % {"min": MIN_DIGITS}),
        )
    # 0039 333…, 0333…, 020 7946…: international and trunk prefixes are not in E.164.
    variants = [digits]
    stripped = digits.lstrip("0")
    if stripped != digits and len(stripped) >= MIN_DIGITS:
        variants.append(stripped)
    short = tuple(v for v in variants if len(v) == PHONE_WINDOW)
    long = tuple(v for v in variants if len(v) > PHONE_WINDOW)
    return ParsedQuery(text, QueryKind.DIGITS, tokens=short, digits=long)


def windows_for(digits: str) -> tuple[str, ...]:
    """Windows every number containing `digits` (5+ digits) has among its tokens: the last
    four digits, and for eight or more the four before them (two short postings intersect
    to a few candidates)."""
    if len(digits) >= 2 * PHONE_WINDOW:
        return (digits[-PHONE_WINDOW:], digits[-2 * PHONE_WINDOW : -PHONE_WINDOW])
    return (digits[-PHONE_WINDOW:],)


def phone_match_rank(digits: str, e164: str) -> int | None:
    """How `digits` (5+ digits as typed, prefixes stripped) matches a stored E.164 number."""
    number = re.sub(r"\D", "", e164 or "")
    if digits not in number:
        return None
    if number == digits:
        return Rank.EXACT
    if number.endswith(digits):
        calling_code = number[: len(number) - len(digits)]
        # The national number typed without the country code is the whole number too.
        if calling_code.isdigit() and int(calling_code) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return Rank.EXACT
        return Rank.CONTACT
    return Rank.LOOSE


def email_match_rank(digits: str, email: str) -> int | None:
    email = (email or "").lower()
    if email.startswith(digits):
        return Rank.CONTACT
    return Rank.LOOSE if digits in email else None
