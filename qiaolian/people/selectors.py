"""Scoped reads of the register: pages, API and exports all start here, from restrict().

Name/phone filtering here is a plain `icontains` (correct, not fast); the indexed search over
Chinese substrings, pinyin and phone digits lives in the search module.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Replace

from qiaolian.core.models import AuditEvent, DictItem, Unit
from qiaolian.core.scoping import Action
from qiaolian.people.models import (
    INVERSE_RELATION,
    Association,
    AssociationLeader,
    Consent,
    ContactKind,
    Person,
    PersonContact,
    RelationKind,
    Relationship,
)

PERSON_CATEGORY = "person_category"


def category_labels() -> dict[str, str]:
    """{value: label in the active language} of the person-category dictionary (one query)."""
    # scoping: exempt - a federation-wide dictionary
    items = DictItem.objects.filter(dict_type__code=PERSON_CATEGORY)
    return {item.value: item.display for item in items}


def _contacts_prefetch() -> Prefetch:
    # scoping: exempt - contacts of people already restricted
    return Prefetch("contacts", queryset=PersonContact.objects.order_by("-is_primary", "id"))


def person_list(*, user, action: Action = Action.VIEW, within: Unit | None = None) -> QuerySet:
    """People `user` may `action`, narrowed to the header's unit, with what a row shows."""
    # scoping: exempt - a subquery on each restricted person
    active_consent = Consent.objects.filter(person=OuterRef("pk"), withdrawn_at__isnull=True)
    return (
        Person.objects.restrict(user, action)
        .in_subtree(within)
        .filter(merged_into__isnull=True)
        .select_related("unit")
        .prefetch_related(_contacts_prefetch())
        .annotate(has_consent=Exists(active_consent))
    )


def person_filter(queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
    """Apply the list filters (`q`, `category`, `country`, `unit`, `gender`, `consent`)."""
    if q := (data.get("q") or "").strip():
        queryset = text_filter(queryset, q)
    if data.get("category"):
        queryset = queryset.filter(category=data["category"])
    if data.get("country"):
        queryset = queryset.filter(country=data["country"])
    if data.get("unit"):
        queryset = queryset.in_subtree(data["unit"])
    if data.get("gender"):
        queryset = queryset.filter(gender=data["gender"])
    if data.get("consent") == "yes":
        queryset = queryset.filter(has_consent=True)
    elif data.get("consent") == "no":
        queryset = queryset.filter(has_consent=False)
    return queryset


def text_filter(queryset: QuerySet, q: str) -> QuerySet:
    """Name (across surname and given name), pinyin with or without spaces, initials, other
    spellings, email and — for three or more digits — phone digits in any format."""
    compact = "".join(q.split()).lower()
    # scoping: exempt - a subquery on each restricted person
    contact = PersonContact.objects.filter(person=OuterRef("pk"))
    match = (
        Q(_full_name__icontains=q)
        | Q(name_pinyin__icontains=q)
        | Q(_pinyin_compact__icontains=compact)
        | Q(name_initials__icontains=compact)
        | Q(romanized_names__icontains=q)
        | Exists(contact.filter(kind=ContactKind.EMAIL, normalized__icontains=q.lower()))
    )
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 3:
        match |= Exists(contact.filter(kind=ContactKind.PHONE, normalized__contains=digits))
    return queryset.annotate(
        _full_name=Concat("surname", "given_name"),
        _pinyin_compact=Replace("name_pinyin", Value(" "), Value("")),
    ).filter(match)


def person_detail_context(*, user, person: Person) -> dict[str, Any]:
    """Everything the person page shows beside the person, each part restricted."""
    visible = Person.objects.restrict(user, Action.VIEW)
    outgoing = (
        person.relations.filter(relative__in=visible).select_related("relative").order_by("id")
    )
    incoming = (
        Relationship.objects.restrict(user, Action.VIEW)
        .filter(relative=person)
        .select_related("person")
        .order_by("id")
    )
    links = [
        {"link": link, "other": link.relative, "label": RelationKind(link.kind).label}
        for link in outgoing
    ] + [
        # Seen from the relative's side the kind reads the other way (parent ↔ child).
        {
            "link": link,
            "other": link.person,
            "label": INVERSE_RELATION[RelationKind(link.kind)].label,
        }
        for link in incoming
    ]
    posts = (
        AssociationLeader.objects.restrict(user, Action.VIEW)
        .filter(person=person)
        .select_related("association")
        .order_by("association__name")
    )
    return {
        "contacts": list(person.contacts.order_by("-is_primary", "id")),
        "links": links,
        "consents": list(person.consents.select_related("recorded_by")),
        "posts": list(posts),
        "events": list(object_events(user=user, obj=person)),
        "category_label": category_labels().get(person.category, person.category),
    }


def object_events(*, user, obj, limit: int = 20) -> QuerySet:
    """The latest audit events about `obj` that `user` may read (AUDIT action)."""
    return AuditEvent.objects.restrict(user, Action.AUDIT).filter(
        object_type=obj._meta.label_lower, object_id=str(obj.public_id)
    )[:limit]


def person_lookup(*, user, q: str, exclude: Person | None = None, limit: int = 20) -> list[Person]:
    """People for a picker: visible to `user`, matching `q`, at most `limit`."""
    people = Person.objects.restrict(user, Action.VIEW).filter(merged_into__isnull=True)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    q = (q or "").strip()
    if not q:
        return []
    return list(text_filter(people, q).select_related("unit").order_by("name_pinyin")[:limit])


def association_list(*, user, action: Action = Action.VIEW, within: Unit | None = None):
    return Association.objects.restrict(user, action).in_subtree(within).select_related("unit")


def association_filter(queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
    if q := (data.get("q") or "").strip():
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(name_local__icontains=q) | Q(city__icontains=q)
        )
    if data.get("country"):
        queryset = queryset.filter(country=data["country"])
    if data.get("unit"):
        queryset = queryset.in_subtree(data["unit"])
    return queryset


def association_leaders(*, user, association: Association) -> list[AssociationLeader]:
    """Posts of an association whose holder the user may see (a leader registered by another
    unit stays hidden rather than leaking their name)."""
    rank = {post: index for index, post in enumerate(AssociationLeader.Post.values)}
    leaders = association.leaders.filter(
        person__in=Person.objects.restrict(user, Action.VIEW)
    ).select_related("person")
    return sorted(
        leaders, key=lambda leader: (rank.get(leader.post, 99), leader.person.name_pinyin)
    )
