"""Resolving an audience to people: always from `Person.objects.restrict(user, "people.view")`,
so a sender only ever reaches the people of their own units, and never anyone who withdrew
consent to outreach (a consent row whose purpose names outreach, withdrawn and not granted
again)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from qiaolian.people.models import Consent, Person

OUTREACH_PURPOSE = "outreach"
"""A consent's purpose counts for outreach when it contains one of these words."""
PURPOSE_WORDS = ("outreach", "联络", "慰问")

CRITERIA = (
    "category",
    "country",
    "city",
    "hometown",
    "group",
    "association",
    "tag",
    "age_min",
    "age_max",
    "language",
    "consent",
)


def _purpose_q(prefix: str = "") -> Q:
    q = Q()
    for word in PURPOSE_WORDS:
        q |= Q(**{f"{prefix}purpose__icontains": word})
    return q


def outreach_consents():
    return Consent.objects.filter(_purpose_q())  # scoping: exempt, joined to restricted people


def withdrawn_q() -> Q:
    """People who withdrew consent to outreach and hold no live consent for it."""
    consents = outreach_consents().filter(person=OuterRef("pk"))
    return Q(Exists(consents.filter(withdrawn_at__isnull=False))) & ~Q(
        Exists(consents.filter(withdrawn_at__isnull=True))
    )


def _years_ago(years: int, today: date) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def apply_criteria(people: QuerySet, criteria: dict[str, Any], today: date | None = None):
    today = today or timezone.localdate()
    c = {k: v for k, v in (criteria or {}).items() if v not in (None, "", [])}
    if c.get("category"):
        people = people.filter(category=c["category"])
    if c.get("country"):
        people = people.filter(country=c["country"])
    if c.get("city"):
        people = people.filter(city__icontains=c["city"])
    if c.get("hometown"):
        people = people.filter(hometown__icontains=c["hometown"])
    if c.get("group"):
        people = people.filter(
            memberships__group__public_id=c["group"], memberships__left_on__isnull=True
        )
    if c.get("association"):
        people = people.filter(
            Q(posts__association__public_id=c["association"])
            | Q(memberships__group__association__public_id=c["association"])
        )
    if c.get("tag"):
        people = people.filter(tags__icontains=c["tag"])
    if c.get("age_min") is not None:
        people = people.filter(birth_date__lte=_years_ago(int(c["age_min"]), today))
    if c.get("age_max") is not None:
        people = people.filter(birth_date__gt=_years_ago(int(c["age_max"]) + 1, today))
    if c.get("language"):
        people = people.filter(languages__icontains=c["language"])
    if c.get("consent"):
        live = outreach_consents().filter(person=OuterRef("pk"), withdrawn_at__isnull=True)
        people = people.filter(Exists(live))
    return people


def audience_people(audience, *, user, action: str = "people.view") -> QuerySet:
    """The people `audience` reaches for `user` now: live (unmerged), in the user's units and
    the audience's unit subtree,
    matching the segment or on the static list, never one who withdrew consent."""
    people = (
        Person.objects.restrict(user, action)
        .in_subtree(audience.unit)
        .filter(merged_into__isnull=True)
    )
    if audience.kind == audience.Kind.STATIC:
        people = people.filter(pk__in=audience.people.values("pk"))
    else:
        people = apply_criteria(people, audience.criteria)
    ids = people.exclude(withdrawn_q()).values("pk")
    # Joins over memberships may repeat a person: read them again by id, once each.
    return Person.objects.restrict(user, action).filter(pk__in=ids)


def audience_count(audience, *, user) -> int:
    return audience_people(audience, user=user).count()
