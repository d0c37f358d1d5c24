"""One row of each model the grid seed writes in bulk, built as its service would build it.

The seeder calls these for every row, and `network/tests/test_seed_parity.py` calls them on a
tiny input and compares the result, field by field, with the row the service writes
(`person_create`, `association_save`, `group_create`, `membership_add`, `leader_add`,
`steward_add`, `user_create`, `role_grant`). No randomness here: the seeder draws the inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import F

from qiaolian.core.crypto import blind_index
from qiaolian.core.models import Role, Unit, UnitKind, UnitRole, User
from qiaolian.network.models import Group, Membership, Steward
from qiaolian.network.seed.phones import split_pinyin, zone
from qiaolian.people.models import (
    Association,
    AssociationLeader,
    ContactKind,
    Person,
    PersonContact,
    Source,
)
from qiaolian.people.search.index import tokens_of


def person_row(
    *,
    unit: Unit,
    surname: str,
    given: str,
    gender: str,
    category: str,
    country: str,
    city: str,
    nationality: str,
    languages: str,
    romanized: str,
    birth: date | None,
) -> Person:
    """A person of the register, with pinyin and initials (`people.names.name_pinyin`)."""
    pinyin, initials = split_pinyin(surname, given)
    district = unit if unit.kind == UnitKind.DISTRICT else None
    return Person(
        unit=unit,
        surname=surname,
        given_name=given,
        name_pinyin=pinyin,
        name_initials=initials,
        romanized_names=romanized,
        gender=gender,
        birth_date=birth,
        category=category,
        nationality=nationality,
        country=country,
        city=city,
        hometown=(district or unit).name.removesuffix("侨联"),
        hometown_unit=unit,
        languages=languages,
        source=Source.SEED,
    )


def person_derive(person: Person, *, phone_e164: str) -> None:
    """What `people.services` derives once the contacts are known: the time zone (from the
    country, or the primary phone where it tells more) and the blind indexes."""
    person.time_zone = zone(str(person.country), phone_e164)
    person.id_number_index = blind_index(person.id_number or "")
    person.passport_index = blind_index(person.passport_number or "")


def contact_rows(person: Person, phone: tuple[str, str] | None, email: str) -> list[PersonContact]:
    """The person's phone (as typed, E.164) and email, each the primary one of its kind."""
    contacts = []
    if phone:
        contacts.append(
            PersonContact(
                person=person,
                kind=ContactKind.PHONE,
                value=phone[0],
                normalized=phone[1],
                is_primary=True,
            )
        )
    if email:
        contacts.append(
            PersonContact(
                person=person,
                kind=ContactKind.EMAIL,
                value=email,
                normalized=email.lower(),
                is_primary=True,
            )
        )
    return contacts


def search_token_rows(
    person: Person, contacts: Iterable[tuple[str, str]]
) -> Iterator[tuple[str, int, Any, Any]]:
    """(token, rank, person id, unit id): the search module's own `tokens_of`, so a later
    `reindex_people` writes the same rows."""
    for token, rank in tokens_of(person, contacts).items():
        yield token, rank, person.pk, person.unit_id


def person_becomes_lawyer(person: Person) -> None:
    """A person of the register who serves a group as its lawyer: the occupation saved as
    `person_update` saves it (a new version; the search index holds no occupation)."""
    if person.occupation != LAWYER:
        person.occupation = LAWYER
        person.version += 1
        Person.objects.filter(pk=person.pk).update(occupation=LAWYER, version=F("version") + 1)


LAWYER = "律师"


def association_row(
    *,
    unit: Unit,
    name: str,
    name_local: str,
    country: str,
    city: str,
    founded_year: int,
    member_count: int,
) -> Association:
    return Association(
        unit=unit,
        name=name,
        name_local=name_local,
        country=country,
        city=city,
        founded_year=founded_year,
        member_count=member_count,
        contacts="",
    )


def group_row(
    *,
    unit: Unit,
    platform: str,
    name: str,
    association: Association | None,
    created_on: date,
    last_contacted_at: datetime | None,
) -> Group:
    return Group(
        unit=unit,
        platform=platform,
        name=name[:150],
        association=association,
        created_on=created_on,
        last_contacted_at=last_contacted_at,
        notes="",
    )


def membership_row(*, group: Group, person: Person, role: str, joined_on: date) -> Membership:
    return Membership(group=group, person=person, role=role, joined_on=joined_on)


def leader_row(
    *, association: Association, person: Person, post: str, since: date
) -> AssociationLeader:
    return AssociationLeader(association=association, person=person, post=post, since=since)


def steward_row(*, group: Group, role: str, since: date, holder: User | Person) -> Steward:
    steward = Steward(group=group, role=role, since=since)
    if isinstance(holder, User):
        steward.user = holder
    else:
        steward.person = holder
    return steward


def user_row(*, username: str, display_name: str, unit: Unit, password: str) -> User:
    """An account without a usable password (`password` is one `make_password(None)`)."""
    return User(
        username=username,
        display_name=display_name,
        home_unit=unit,
        password=password,
        is_active=True,
    )


def grant_row(*, user: User, unit: Unit, role: Role) -> UnitRole:
    return UnitRole(user=user, unit=unit, role=role)
