"""Scoped reads for the duplicate pages: every query starts from restrict(), which for pairs
keeps a row only when the user reaches both people."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.text import capfirst

from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.people.duplicates.finder import LIKELY, REASONS, VERY_LIKELY, level
from qiaolian.people.duplicates.merging import (
    COMBINABLE,
    merge_fields,
    person_relations,
)
from qiaolian.people.identity import birth_date_text
from qiaolian.people.models import (
    DuplicateCandidate,
    DuplicateDecision,
    DuplicateRun,
    Person,
    PersonContact,
    PersonMerge,
)
from qiaolian.people.selectors import category_labels, text_filter


def _contacts() -> QuerySet:
    return PersonContact.objects.order_by("-is_primary", "id")


def candidate_list(*, user, within: Unit | None = None) -> QuerySet:
    """Pairs found by scans, both people visible (and in `within`), neither merged away nor
    marked "not a duplicate"."""
    dismissed = DuplicateDecision.objects.filter(
        person_a=OuterRef("person_a"), person_b=OuterRef("person_b")
    )
    return (
        DuplicateCandidate.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .filter(person_a__merged_into__isnull=True, person_b__merged_into__isnull=True)
        .exclude(Exists(dismissed))
        .select_related("person_a__unit", "person_b__unit")
        .prefetch_related(
            Prefetch("person_a__contacts", queryset=_contacts()),
            Prefetch("person_b__contacts", queryset=_contacts()),
        )
    )


def candidate_filter(queryset: QuerySet, data: dict[str, Any], *, user) -> QuerySet:
    if data.get("likelihood"):
        queryset = queryset.filter(score__gte=int(data["likelihood"]))
    if data.get("reason") in REASONS:
        # The codes are distinct words; quoted, one never matches inside another.
        queryset = queryset.filter(reasons__icontains=f'"{data["reason"]}"')
    if q := (data.get("q") or "").strip():
        people = text_filter(Person.objects.restrict(user, Action.VIEW), q).values("pk")
        queryset = queryset.filter(Q(person_a__in=people) | Q(person_b__in=people))
    return queryset


def candidate_counts(queryset: QuerySet) -> dict[str, int]:
    """How many pairs of each likelihood, in one query."""
    return queryset.order_by().aggregate(
        total=Count("pk"),
        very_likely=Count("pk", filter=Q(score__gte=VERY_LIKELY)),
        likely=Count("pk", filter=Q(score__gte=LIKELY, score__lt=VERY_LIKELY)),
        possible=Count("pk", filter=Q(score__lt=LIKELY)),
    )


def changeable(user, people: list[Person]) -> set[int]:
    """Which of `people` the user may change (one query): merge and dismiss need both."""
    ids = {p.pk for p in people}
    if not ids:
        return set()
    allowed = Person.objects.restrict(user, Action.CHANGE).filter(pk__in=ids)
    return set(allowed.values_list("pk", flat=True))


def latest_run(*, user, within: Unit | None) -> DuplicateRun | None:
    """The user's latest scan of this scope (their own: a scan shows what its starter saw)."""
    return (
        DuplicateRun.objects.restrict(user, Action.VIEW)
        .filter(started_by=user, within=within)
        .order_by("-created_at")
        .first()
    )


def merge_list(*, user, within: Unit | None = None) -> QuerySet:
    return (
        PersonMerge.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .select_related("survivor__unit", "merged__unit", "merged_by", "undone_by")
    )


def reason_labels(codes: list[str]) -> list[dict[str, Any]]:
    from qiaolian.people.duplicates.finder import CONFLICTS

    return [
        {"code": code, "label": REASONS[code], "conflict": code in CONFLICTS}
        for code in codes
        if code in REASONS
    ]


def decorate(candidates, *, user) -> None:
    """Add what a row shows: reason labels, likelihood, phones, whether the user may act."""
    rows = list(candidates)
    may = changeable(user, [p for c in rows for p in (c.person_a, c.person_b)])
    for candidate in rows:
        candidate.reason_list = reason_labels(candidate.reasons)
        candidate.level = level(candidate.score)
        candidate.can_change = candidate.person_a_id in may and candidate.person_b_id in may
        for person in (candidate.person_a, candidate.person_b):
            person.phones = [c.value for c in person.contacts.all() if c.kind == "phone"]


# --- the merge page ----------------------------------------------------------------------------


def shown(person: Person, name: str, categories: dict[str, str]) -> str:
    """A field's value as the merge page shows it (sensitive numbers masked)."""
    if name == "id_number":
        return person.id_number_masked
    if name == "passport_number":
        return person.passport_masked
    if name == "birth_date":
        # The merge page is for staff without the reveal right too (identity.mask_id_number).
        return birth_date_text(person.birth_date, id_number=person.id_number, can_reveal=False)
    if name == "gender":
        return str(person.get_gender_display())
    if name == "category":
        return categories.get(person.category, person.category)
    value = getattr(person, name)
    if name in ("country", "nationality"):
        return str(value.name) if value else ""
    if name in ("unit", "hometown_unit"):
        return value.label if value else ""
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def comparison(first: Person, second: Person) -> list[dict[str, Any]]:
    """One row per mergeable field: label, both values as shown, whether they differ."""
    categories = category_labels()
    rows = []
    for name in merge_fields():
        field = Person._meta.get_field(name)
        a = getattr(first, field.attname)
        b = getattr(second, field.attname)
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "first": shown(first, name, categories),
                "second": shown(second, name, categories),
                "differs": str(a or "") != str(b or ""),
                "combinable": name in COMBINABLE,
            }
        )
    return rows


def related_counts(*, user, people: list[Person]) -> list[dict[str, Any]]:
    """Per kind of related row (contacts excepted): how many each person has that the user may
    see — one grouped query per foreign key. Rows the user cannot see move too, unshown."""
    ids = [p.pk for p in people]
    totals: dict[Any, list[int]] = {}
    for model, field in person_relations():
        manager = model._default_manager
        if model in (PersonContact, Person) or not hasattr(manager, "restrict"):
            continue
        counts = dict(
            manager.restrict(user, Action.VIEW)
            .filter(**{f"{field.attname}__in": ids})
            .order_by()
            .values_list(field.attname)
            .annotate(n=Count("pk"))
        )
        row = totals.setdefault(capfirst(model._meta.verbose_name), [0] * len(ids))
        for index, pk in enumerate(ids):
            row[index] += counts.get(pk, 0)
    return [{"label": label, "counts": counts} for label, counts in totals.items() if any(counts)]


def contacts_of(person: Person) -> list[PersonContact]:
    return list(person.contacts.order_by("-is_primary", "id"))
