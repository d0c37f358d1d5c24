"""`search(user, query)`: one scoped, ranked search over people, associations and groups.

People are found through the token index (tokens.py): each lookup token is one walk of the
(token, rank, person, unit) index in rank order, kept to the searcher's units while walking,
stopped after `limit + 1` rows. Phone queries of five or more digits look up the index window
of their last digits and check the candidates' numbers. The people found are then read through
`Person.objects.restrict(user, VIEW)`, so nothing outside the user's scope is shown or counted
even if the index were stale. Associations and groups are few per unit: a scoped `icontains`
with an exact > prefix > contains ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.urls import NoReverseMatch, reverse

from qiaolian.core.crypto import mask
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action, Narrowing, grants_for
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
    windows_for,
)

KINDS = ("person", "association", "group")
MAX_LIMIT = 100
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
    if not parsed.ok or not grants_for(user, Action.VIEW):
        return results
    limit = max(1, min(int(limit), MAX_LIMIT))
    if "person" in kinds:
        results.people, results.more["person"] = _people(user, parsed, limit, within)
    if "association" in kinds:
        results.associations, results.more["association"] = _associations(
            user, parsed, limit, within
        )
    if "group" in kinds:
        results.groups, results.more["group"] = _groups(user, parsed, limit, within)
    return results


# --- people ----------------------------------------------------------------------------------


def _token_scope(user: Any, within: Unit | None) -> Q:
    """Which index rows may be walked: those of the units under the user's VIEW grants.

    Only a superset is needed for correctness (the people are re-read through restrict()),
    but it must be tight or the walk would spend its `limit` on rows the user cannot see.
    Narrowed grants (assigned-only, own records) are exact only through restrict() itself.
    """
    grants = grants_for(user, Action.VIEW)
    if all(grant.narrowing == Narrowing.SUBTREE for grant in grants):
        paths = Q()
        for grant in grants:
            paths |= Q(path__startswith=grant.path)
        units = Unit.objects.filter(paths)
        if within is not None:
            units = units.filter(path__startswith=within.path)
        return Q(unit_id__in=units.values("pk"))
    visible = Person.objects.restrict(user, Action.VIEW).in_subtree(within)
    return Q(person_id__in=visible.values("pk"))


def _walk(token: str, scope: Q, limit: int) -> list[tuple[int, int]]:
    """(person id, rank) of the best `limit` rows for one token, in (rank, id) order."""
    rows = (
        PersonSearchToken.objects.filter(scope, token=token)
        .order_by("rank", "person_id")
        .values_list("person_id", "rank")[:limit]
    )
    return list(rows)


def _digit_matches(digits: tuple[str, ...], scope: Q) -> list[tuple[int, int]]:
    """People whose phone contains one of `digits` (5+ digits), or whose email starts so.

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
    contacts = PersonContact.objects.filter(person_id__in=candidates).values_list(
        "person_id", "kind", "normalized"
    )
    for person_id, kind, normalized in contacts:
        matcher = phone_match_rank if kind == "phone" else email_match_rank
        for d in digits:
            rank = matcher(d, normalized)
            if rank is not None and rank < best.get(person_id, Rank.LOOSE + 1):
                best[person_id] = rank
    return list(best.items())


def _people(
    user: Any, parsed: ParsedQuery, limit: int, within: Unit | None
) -> tuple[list[Hit], bool]:
    scope = _token_scope(user, within)
    best: dict[int, int] = {}
    found: list[tuple[int, int]] = []
    for token in parsed.tokens:
        found += _walk(token, scope, limit + 1)
    if parsed.kind == QueryKind.DIGITS and parsed.digits:
        found += _digit_matches(parsed.digits, scope)
    for person_id, rank in found:
        if rank < best.get(person_id, Rank.LOOSE + 1):
            best[person_id] = rank
    ranked = sorted(best.items(), key=lambda item: (item[1], item[0]))[: limit + 1]
    if not ranked:
        return [], False
    people = {
        p.pk: p
        for p in Person.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .filter(pk__in=[pid for pid, _rank in ranked], merged_into__isnull=True)
        .select_related("unit")
        .only(
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
            "unit__path",
        )
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=PersonContact.objects.filter(is_primary=True).only(
                    "person_id", "kind", "value"
                ),
            )
        )
    }
    hits = [_person_hit(people[pid], rank) for pid, rank in ranked if pid in people]
    return hits[:limit], len(hits) > limit


def _person_hit(person: Person, rank: int) -> Hit:
    contacts = {c.kind: c.value for c in person.contacts.all()}
    return Hit(
        kind="person",
        id=str(person.public_id),
        name=person.full_name,
        unit=person.unit.label,
        score=score(rank),
        url=_url("people:person_detail", person.public_id),
        detail={
            "pinyin": person.name_pinyin,
            "other_spellings": person.romanized_names,
            "category": person.category,
            "country": str(person.country or ""),
            "country_name": str(person.country.name) if person.country else "",
            "city": person.city,
            "phone": mask_phone(contacts.get("phone", "")),
            "email": mask_email(contacts.get("email", "")),
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


def _ranked_by_name(queryset, text: str, fields: tuple[str, ...], extra: tuple[str, ...] = ()):
    """Exact name (0) > name prefix (2) > name contains (4) > other field contains (6)."""
    exact = Q()
    prefix = Q()
    inner = Q()
    for name in fields:
        exact |= Q(**{f"{name}__iexact": text})
        prefix |= Q(**{f"{name}__istartswith": text})
        inner |= Q(**{f"{name}__icontains": text})
    other = Q()
    for name in extra:
        other |= Q(**{f"{name}__icontains": text})
    return (
        queryset.filter(inner | other)
        .annotate(
            match_rank=Case(
                When(exact, then=Value(0)),
                When(prefix, then=Value(2)),
                When(inner, then=Value(4)),
                default=Value(6),
                output_field=IntegerField(),
            )
        )
        .order_by("match_rank", "name", "pk")
    )


def _associations(
    user: Any, parsed: ParsedQuery, limit: int, within: Unit | None
) -> tuple[list[Hit], bool]:
    text = _text_for_names(parsed)
    if not text:
        return [], False
    queryset = (
        Association.objects.restrict(user, Action.VIEW).in_subtree(within).select_related("unit")
    )
    rows = list(
        _ranked_by_name(queryset, text, ("name", "name_local"), extra=("city",))[: limit + 1]
    )
    hits = [
        Hit(
            kind="association",
            id=str(a.public_id),
            name=a.name,
            unit=a.unit.label,
            score=score(a.match_rank),
            url=_url("people:association_detail", a.public_id),
            detail={
                "local_name": a.name_local,
                "country": str(a.country),
                "country_name": str(a.country.name) if a.country else "",
                "city": a.city,
            },
        )
        for a in rows
    ]
    return hits[:limit], len(hits) > limit


def group_model():
    """The liaison group model (network app), or None while that app has none."""
    try:
        return apps.get_model("network", "Group")
    except LookupError:
        return None


def _groups(
    user: Any, parsed: ParsedQuery, limit: int, within: Unit | None
) -> tuple[list[Hit], bool]:
    model = group_model()
    text = _text_for_names(parsed)
    if model is None or not text:
        return [], False
    queryset = model.objects.restrict(user, Action.VIEW).in_subtree(within).select_related("unit")
    rows = list(_ranked_by_name(queryset, text, ("name",))[: limit + 1])
    hits = [
        Hit(
            kind="group",
            id=str(g.public_id),
            name=g.name,
            unit=g.unit.label,
            score=score(g.match_rank),
            url=_url("network:group_detail", g.public_id),
            detail={"platform": str(g.get_platform_display()) if hasattr(g, "platform") else ""},
        )
        for g in rows
    ]
    return hits[:limit], len(hits) > limit


def _url(name: str, public_id: Any) -> str:
    try:
        return reverse(name, kwargs={"public_id": public_id})
    except NoReverseMatch:  # the page is not there (yet): the result is shown without a link
        return ""
