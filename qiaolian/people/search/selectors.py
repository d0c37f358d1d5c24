"""`search(user, query)`: one scoped, ranked search over people, associations and groups.

People are found through the token index (tokens.py): each lookup token is one walk of the
(token, rank, person, unit) key in rank order, kept to the searcher's units inside the index,
stopped after `limit + 1` rows. Phone queries of five or more digits intersect the postings
of their last four-digit windows and check the candidates' numbers. The people found are then
read through `Person.objects.restrict(user, VIEW)`, so nothing outside the user's scope is
shown or counted even if the index were stale. Associations and groups are few per unit: a
scoped `icontains` in the query's simplified and traditional spellings, ranked exact name >
name prefix > name contains > city, with both scripts folded together.

Tried and measured slower at a million people (bench/search.py): the walks as subqueries of
the people read (one round trip, but a costlier query to build and a per-row rank lookup),
and associations and groups in one UNION (a costlier query to build than two small ones).

The same SQL runs on SQLite and PostgreSQL except for one clause (`_token_scope`), so results
are identical on both.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import BooleanField, Count, F, Func, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django_countries import countries

from qiaolian.core.crypto import mask
from qiaolian.core.models import Unit
from qiaolian.core.scoping import (
    Action,
    Narrowing,
    grant_narrowings,
    grant_roots,
    holds_anywhere,
)
from qiaolian.people.apps import PEOPLE
from qiaolian.people.models import Association, Person, PersonContact, PersonSearchToken
from qiaolian.people.search.tokens import (
    ParsedQuery,
    QueryKind,
    Rank,
    email_match_rank,
    han_only,
    parse_query,
    phone_match_rank,
    score,
    simplified,
    traditional,
    windows_for,
)

KINDS = ("person", "association", "group")
MAX_LIMIT = 100
MIN_LATIN_NAMES = 3  # letters before associations and groups are searched by Latin text
DIGIT_CANDIDATES = 5000  # a 5-digit query's window can be common; never check more than this


@dataclass(frozen=True)
class Hit:
    """One result. `id` is the public id; `detail` holds kind-specific, display-safe data."""

    kind: str
    id: str
    name: str
    unit: str
    score: int
    url: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "unit": self.unit,
            "score": self.score,
            "url": self.url,
            **self.detail,
        }


@dataclass
class SearchResults:
    query: str
    error: str = ""
    people: list[Hit] = field(default_factory=list)
    associations: list[Hit] = field(default_factory=list)
    groups: list[Hit] = field(default_factory=list)
    more: dict[str, bool] = field(default_factory=dict)  # kind → more matches than shown

    @property
    def results(self) -> list[Hit]:
        """Every hit, best first; people before associations before groups on equal scores."""
        order = {kind: index for index, kind in enumerate(KINDS)}
        hits = self.people + self.associations + self.groups
        return sorted(hits, key=lambda h: (-h.score, order[h.kind]))

    def __bool__(self) -> bool:
        return bool(self.people or self.associations or self.groups)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "query": self.query,
            "results": [hit.as_dict() for hit in self.results],
        }
        if self.error:
            data["error"] = self.error
        if any(self.more.values()):
            data["more"] = sorted(kind for kind, more in self.more.items() if more)
        return data


def search(
    user: Any,
    query: str,
    kinds: tuple[str, ...] | list[str] = KINDS,
    limit: int = 20,
    *,
    within: Unit | None = None,
) -> SearchResults:
    """People, associations and groups matching `query` that `user` may view, best first.

    `within` narrows to one unit's subtree (the unit picked in the header). An empty, too
    short or too long query returns no results and says why in `error`.
    """
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown search kinds: {sorted(unknown)}")
    parsed = parse_query(query)
    results = SearchResults(query=parsed.text, error=parsed.error)
    if not parsed.ok or not holds_anywhere(user, PEOPLE.VIEW):
        return results
    limit = max(1, min(int(limit), MAX_LIMIT))
    links = _Labels()
    if "person" in kinds:
        results.people, results.more["person"] = _people(user, parsed, limit, within, links)
    if not _names_searched(parsed):
        return results
    if "association" in kinds:
        results.associations, results.more["association"] = _associations(
            user, parsed, limit, within, links
        )
    if "group" in kinds:
        results.groups, results.more["group"] = _groups(user, parsed, limit, within, links)
    return results


def _names_searched(parsed: ParsedQuery) -> bool:
    """Whether associations and groups are searched too. Phone digits are in no association
    or group name; two letters (zw, ng) are initials or a surname, and inside the names of
    Hong Kong or Associazione only noise."""
    if parsed.kind == QueryKind.DIGITS:
        return False
    return parsed.kind != QueryKind.LATIN or len(parsed.text) >= MIN_LATIN_NAMES


# --- people ----------------------------------------------------------------------------------


def _token_scope(user: Any, within: Unit | None) -> Q | Func:
    """Which index rows may be walked: those of the units under the user's VIEW grants.

    A superset is enough for correctness (the people themselves are then read through
    restrict()), but it must be tight or the walk would spend its limit on rows the user
    cannot see. It is written so that the planner's only access path is the index in rank
    order, with the unit checked inside it: `unit_id = ANY(ARRAY(subquery))` on PostgreSQL
    (a join would let it sort every posting of a common token first), `IN (subquery)` on
    SQLite. Narrowed grants (assigned-only, own records) are exact only through restrict(),
    so their walk is joined to it.
    """
    if grant_narrowings(user, PEOPLE.VIEW) - {Narrowing.SUBTREE}:
        visible = Person.objects.restrict(user, Action.VIEW).in_subtree(within)
        return Q(person_id__in=visible.values("pk"))
    paths = set(grant_roots(user, PEOPLE.VIEW))
    if within is None and _covers_every_root(paths):
        return Q()
    units = Unit.objects.filter(_startswith_any("path", paths)).order_by()
    if within is not None:
        units = units.filter(path__startswith=within.path)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return _EqualsAny(F("unit_id"), ArraySubquery(units.values("pk")))
    return Q(unit_id__in=units.values("pk"))


class _EqualsAny(Func):
    """`column = ANY(array)`: a filter, not a join, for the planner."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def _startswith_any(field_name: str, prefixes) -> Q:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{field_name}__startswith": prefix})
    return condition


def _covers_every_root(paths: set[str]) -> bool:
    """A grant at every root of the tree (the city level): the whole index is in scope."""
    if not any(len(path) == Unit.steplen for path in paths):
        return False
    return set(Unit.objects.get_root_nodes().values_list("path", flat=True)) <= paths


def _walk(token: str, scope: Q | Func, limit: int) -> list[tuple[int, int]]:
    """(person id, rank) of the best `limit` index rows for one token, in (rank, id) order:
    one ordered walk of the (token, rank, person, unit) key, stopped at `limit`."""
    rows = (
        PersonSearchToken.objects.filter(scope, token=token)
        .order_by("rank", "person_id")
        .values_list("person_id", "rank")[:limit]
    )
    return list(rows)


def _visible(user: Any, within: Unit | None):
    return (
        Person.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .filter(merged_into__isnull=True)
    )


def _digit_matches(digits: tuple[str, ...], scope: Q | Func) -> dict[int, int]:
    """{person id: rank} of the people whose phone contains one of `digits` (5+ digits), or
    whose email starts with them.

    The variants differ only by leading zeros, so the shortest one's windows serve them all;
    the digits themselves are tokens when an email starts with them (QQ mail is numeric).
    """
    windows = windows_for(min(digits, key=len))
    candidates = list(
        PersonSearchToken.objects.filter(scope, token__in=(*windows, *digits))
        .values("person_id")
        .annotate(
            windows=Count("token", filter=Q(token__in=windows), distinct=True),
            direct=Count("token", filter=Q(token__in=digits)),
        )
        .filter(Q(windows=len(windows)) | Q(direct__gt=0))
        .order_by("person_id")
        .values_list("person_id", flat=True)[:DIGIT_CANDIDATES]
    )
    best: dict[int, int] = {}
    contacts = (
        PersonContact.objects.filter(person_id__in=candidates)
        .order_by()
        .values_list("person_id", "kind", "normalized")
    )
    for person_id, kind, normalized in contacts:
        matcher = phone_match_rank if kind == "phone" else email_match_rank
        for d in digits:
            rank = matcher(d, normalized)
            if rank is not None and rank < best.get(person_id, Rank.LOOSE + 1):
                best[person_id] = rank
    return best


def _people(
    user: Any, parsed: ParsedQuery, limit: int, within: Unit | None, links: _Labels
) -> tuple[list[Hit], bool]:
    scope = _token_scope(user, within)
    best: dict[int, int] = {}
    found: list[tuple[int, int]] = []
    for token in parsed.tokens:
        found += _walk(token, scope, limit + 1)
    if parsed.kind == QueryKind.DIGITS and parsed.digits:
        found += _digit_matches(parsed.digits, scope).items()
    for person_id, rank in found:  # a person found twice keeps the better rank
        if rank < best.get(person_id, Rank.LOOSE + 1):
            best[person_id] = rank
    ranked = sorted(best.items(), key=lambda item: (item[1], item[0]))[: limit + 1]
    if not ranked:
        return [], False
    # Plain rows, not model instances: this is the hot path of every keystroke. The primary
    # phone and email come along as subqueries (one round trip, not two).
    people = {
        row[0]: row
        for row in _visible(user, within)
        .filter(pk__in=[pid for pid, _rank in ranked])
        .annotate(phone=_primary("phone"), email=_primary("email"))
        .values_list(*PERSON_COLUMNS, "phone", "email")
    }
    hits = [_person_hit(people[pid], rank, links) for pid, rank in ranked if pid in people]
    return hits[:limit], len(hits) > limit


PERSON_COLUMNS = (
    "pk",
    "public_id",
    "surname",
    "given_name",
    "name_pinyin",
    "romanized_names",
    "category",
    "country",
    "city",
    "unit__name",
    "unit__name_en",
)


def _primary(kind: str) -> Subquery:
    contacts = PersonContact.objects.filter(person=OuterRef("pk"), kind=kind, is_primary=True)
    return Subquery(contacts.order_by().values("value")[:1])


def _person_hit(row: tuple, rank: int, links: _Labels) -> Hit:
    (_pk, public_id, surname, given, pinyin, spellings, category, country, city, *rest) = row
    unit_name, unit_name_en, phone, email = rest
    return Hit(
        kind="person",
        id=str(public_id),
        name=f"{surname}{given}",
        unit=links.unit(unit_name, unit_name_en),
        score=score(rank),
        url=links.url("people:person_detail", public_id),
        detail={
            "pinyin": pinyin,
            "other_spellings": spellings,
            "category": category,
            "country": str(country or ""),
            "country_name": links.country(country),
            "city": city,
            "phone": mask_phone(phone or ""),
            "email": mask_email(email or ""),
        },
    )


def mask_phone(value: str) -> str:
    """`+39 333 123 4567` → `+39 *** *** 4567`: enough to recognise, not to dial."""
    digits_seen = sum(c.isdigit() for c in value)
    if digits_seen <= 6:
        return mask(value, 0, 0) if value else ""
    position, out = 0, []
    for char in value:
        if char.isdigit():
            position += 1
            keep = position <= 2 or position > digits_seen - 4
            out.append(char if keep else "*")
        else:
            out.append(char)
    return "".join(out)


def mask_email(value: str) -> str:
    """`zhang.wei88@gmail.com` → `zh*********@gmail.com`."""
    local, at, domain = (value or "").partition("@")
    if not at:
        return mask(value, 1, 0) if value else ""
    return local[:2] + "*" * max(len(local) - 2, 1) + "@" + domain


# --- associations and groups -----------------------------------------------------------------


def _text_for_names(parsed: ParsedQuery) -> str:
    """Associations and groups are matched on their names as typed (Chinese without spaces)."""
    if parsed.kind == QueryKind.NAME:
        return han_only(parsed.text)
    return parsed.text


NAME_CANDIDATES = 200  # rows ranked in Python; past this, exact names are fetched apart


def _spellings(text: str) -> tuple[str, ...]:
    """The text as typed and, for Chinese, in simplified and in traditional characters: names
    are stored as their owners write them (華僑華人協會), and either script finds them."""
    if not han_only(text):
        return (text,)
    return tuple(dict.fromkeys((text, simplified(text), traditional(text))))


def _folded(value: str) -> str:
    """For ranking: letter case and the two scripts folded together."""
    return simplified((value or "").casefold())


def _by_name(queryset, text: str, names: tuple[str, ...], others: tuple[str, ...], columns):
    """Rows whose `names` (or `others`) contain `text` in either script, best first: exact
    name (0) > name prefix (2) > name contains (4) > another field contains (6); then by
    name and id.

    Chinese has no letter case: a Chinese query uses plain `contains`, which PostgreSQL runs
    without upper-casing every row (a third of the time), with the same result."""
    lookup = "contains" if not any(c.isalpha() and c.isascii() for c in text) else "icontains"
    contains = Q()
    for spelling in _spellings(text):
        for field_name in names + others:
            contains |= Q(**{f"{field_name}__{lookup}": spelling})
    rows = list(
        queryset.filter(contains).order_by("name", "pk").values_list(*columns)[:NAME_CANDIDATES]
    )
    if len(rows) == NAME_CANDIDATES:
        exact = Q()
        for spelling in _spellings(text):
            for field_name in names:
                exact |= Q(**{f"{field_name}__iexact": spelling})
        seen = {row[0] for row in rows}
        rows += [r for r in queryset.filter(exact).values_list(*columns) if r[0] not in seen]
    folded = _folded(text)
    name_count = len(names)

    def rank(row) -> int:
        values = [_folded(v) for v in row[2 : 2 + name_count]]
        if folded in values:
            return 0
        if any(v.startswith(folded) for v in values):
            return 2
        return 4 if any(folded in v for v in values) else 6

    ranked = sorted(
        ((rank(row), row) for row in rows), key=lambda item: (item[0], item[1][2], item[1][0])
    )
    return ranked


def _associations(
    user: Any, parsed: ParsedQuery, limit: int, within: Unit | None, links: _Labels
) -> tuple[list[Hit], bool]:
    text = _text_for_names(parsed)
    if not text:
        return [], False
    queryset = Association.objects.restrict(user, Action.VIEW).in_subtree(within)
    columns = ("pk", "public_id", "name", "name_local", "country", "city", "unit__name",
               "unit__name_en")  # fmt: skip
    ranked = _by_name(queryset, text, ("name", "name_local"), ("city",), columns)
    hits = [
        Hit(
            kind="association",
            id=str(public_id),
            name=name,
            unit=links.unit(*unit),
            score=score(rank),
            url=links.url("people:association_detail", public_id),
            detail={
                "local_name": local,
                "country": str(country or ""),
                "country_name": links.country(country),
                "city": city,
            },
        )
        for rank, (_pk, public_id, name, local, country, city, *unit) in ranked[: limit + 1]
    ]
    return hits[:limit], len(hits) > limit


def group_model():
    """The liaison group model (network app), or None while that app has none."""
    try:
        return apps.get_model("network", "Group")
    except LookupError:
        return None


def _groups(
    user: Any, parsed: ParsedQuery, limit: int, within: Unit | None, links: _Labels
) -> tuple[list[Hit], bool]:
    model = group_model()
    text = _text_for_names(parsed)
    if model is None or not text:
        return [], False
    queryset = model.objects.restrict(user, Action.VIEW).in_subtree(within)
    columns = ("pk", "public_id", "name", "platform", "unit__name", "unit__name_en")
    ranked = _by_name(queryset, text, ("name",), (), columns)
    platforms = dict(model._meta.get_field("platform").choices or ())
    hits = [
        Hit(
            kind="group",
            id=str(public_id),
            name=name,
            unit=links.unit(*unit),
            score=score(rank),
            url=links.url("network:group_detail", public_id),
            detail={"platform": str(platforms.get(platform, platform))},
        )
        for rank, (_pk, public_id, name, platform, *unit) in ranked[: limit + 1]
    ]
    return hits[:limit], len(hits) > limit


_SENTINEL = uuid.UUID(int=0)


class _Labels:
    """What one search shows, looked up once per search rather than once per hit: link
    patterns (reversed with a placeholder id), country names, the reader's language."""

    def __init__(self):
        self.patterns: dict[str, str] = {}
        self.countries: dict[str, str] = {}
        self.english = (get_language() or "").startswith("en")

    def url(self, name: str, public_id: Any) -> str:
        if name not in self.patterns:
            try:
                self.patterns[name] = reverse(name, kwargs={"public_id": _SENTINEL})
            except NoReverseMatch:  # the page is not there: the hit is shown without a link
                self.patterns[name] = ""
        pattern = self.patterns[name]
        return pattern.replace(str(_SENTINEL), str(public_id)) if pattern else ""

    def unit(self, name: str, name_en: str) -> str:
        return name_en if self.english and name_en else name

    def country(self, code: Any) -> str:
        code = str(code or "")
        if code and code not in self.countries:
            self.countries[code] = str(countries.name(code))
        return self.countries.get(code, "")
