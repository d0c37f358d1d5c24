"""The seed's people: overseas members of the groups, near-duplicate records of some of them
(as a second group's roster gives them) and relatives at home who are in no group."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from qiaolian.core.models import Unit
from qiaolian.network import seed_data as data
from qiaolian.network.models import Group
from qiaolian.network.seed.bulk import apportion, insert, insert_search_tokens
from qiaolian.network.seed.phones import phone, retyped, split_pinyin
from qiaolian.network.seed.plan import Plan
from qiaolian.network.seed.rows import (
    contact_rows,
    person_derive,
    person_row,
    search_token_rows,
)
from qiaolian.people.models import Gender, Person, PersonContact, Source


@dataclass
class Slot:
    """A person to be created, before it has a primary key."""

    person: Person
    phone: tuple[str, str] | None
    email: str
    group: int | None  # index into the group list
    duplicate_of: int | None = None


class PeopleSteps:
    plan: Plan
    rng: random.Random
    used_phones: set[str]
    countries: dict[str, Any]
    given_pool: list[tuple[str, str]]
    made: dict[str, Any]
    contacts_of: dict[Any, list[tuple[str, str]]]

    # names ---------------------------------------------------------------------------------

    def _given_pool(self) -> list[tuple[str, str]]:
        """A few hundred given names (given names repeat a lot), with their gender."""
        rng = self.rng
        pool = []
        for gender, chars in ((Gender.MALE, data.MALE_CHARS), (Gender.FEMALE, data.FEMALE_CHARS)):
            for _ in range(260):
                first = rng.choice(chars + data.NEUTRAL_CHARS)
                name = first if rng.random() < 0.25 else first + rng.choice(chars)
                pool.append((name, gender))
        return pool

    def _name(self) -> tuple[str, str, str]:
        rng = self.rng
        if rng.random() < 0.01:
            surname = rng.choice(data.COMPOUND_SURNAMES)
        else:
            surname = rng.choice(data.SURNAMES)
        given, gender = rng.choice(self.given_pool)
        return surname, given, gender

    def _romanized(self, surname: str, given: str) -> str:
        spellings = data.SURNAME_SPELLINGS.get(surname)
        given_py = split_pinyin("", given)[0].replace(" ", "")
        if spellings and self.rng.random() < 0.6:
            return f"{self.rng.choice(spellings)} {given_py.capitalize()}"
        surname_py = split_pinyin(surname, "")[0].replace(" ", "")
        return f"{surname_py.upper()} {given_py.capitalize()}"

    # people --------------------------------------------------------------------------------

    def _people(self, groups: list[Group], townships: list[Unit]) -> list[Slot]:
        plan, rng = self.plan, self.rng
        duplicates = round(plan.people_in_groups * plan.duplicate_share)
        originals = plan.people_in_groups - duplicates
        weights = [rng.uniform(0.3, 1.7) for _ in groups]
        sizes = apportion(originals, weights, minimum=min(5, originals // len(groups)))
        slots: list[Slot] = []
        for index, (group, size) in enumerate(zip(groups, sizes, strict=True)):
            slots.extend(self._overseas(group, index) for _ in range(size))
        by_country = defaultdict(list)
        for index, group in enumerate(groups):
            by_country[group.country].append(index)
        for original_index in rng.sample(range(len(slots)), duplicates):
            slots.append(self._duplicate(slots, original_index, by_country))
        slots.extend(self._relative(rng.choice(townships)) for _ in range(plan.ungrouped))
        return slots

    def _overseas(self, group: Group, group_index: int) -> Slot:
        rng = self.rng
        surname, given, gender = self._name()
        code = group.country
        _country_cn, _w, cities, language = self.countries[code]
        city = group.city if rng.random() < 0.85 else rng.choice(cities)[0]
        category = rng.choices(["overseas_chinese", "foreign_chinese", "student"], [60, 30, 10])[0]
        number = phone(rng, code, self.used_phones, city) if rng.random() < 0.97 else None
        person = person_row(
            unit=group.unit,
            surname=surname,
            given=given,
            gender=gender,
            category=category,
            country=code,
            city=city,
            nationality="CN" if category != "foreign_chinese" else code,
            languages=f"中文, {language}" if language != "中文" else "中文",
            romanized=self._romanized(surname, given) if rng.random() < 0.35 else "",
            birth=self._birth(1950, 2004 if category == "student" else 1998),
        )
        if rng.random() < 0.1:
            person.passport_number = "E" + "".join(rng.choice("0123456789") for _ in range(8))
        email = ""
        if rng.random() < 0.2:
            pinyin = person.name_pinyin.replace(" ", "")
            email = f"{pinyin}{rng.randint(1, 999)}@example.com"
        return Slot(person=person, phone=number, email=email, group=group_index)

    def _duplicate(self, slots: list[Slot], index: int, by_country) -> Slot:
        """A second record of the same person, as another group's roster would give it."""
        rng = self.rng
        source = slots[index]
        original = source.person
        kind = rng.random()
        surname, given = original.surname, original.given_name
        romanized = original.romanized_names
        number = source.phone
        if kind < 0.35 and number:  # same name, the number typed another way
            number = (retyped(rng, *number), number[1])
        elif kind < 0.6 and given and given[-1] in data.HOMOPHONES:  # 张伟 / 张炜
            given = given[:-1] + data.HOMOPHONES[given[-1]]
        elif kind < 0.8:  # entered in passport spelling, same birth date, no phone
            romanized = romanized or self._romanized(surname, given)
            number = None
        else:  # same name and birth date, a new number
            number = phone(rng, str(original.country), self.used_phones, original.city)
        groups_here = by_country[str(original.country)]
        others = [g for g in groups_here if g != source.group]
        group = rng.choice(others) if others else source.group
        person = person_row(
            unit=original.unit,
            surname=surname,
            given=given,
            gender=original.gender,
            category=original.category,
            country=str(original.country),
            city=original.city,
            nationality=str(original.nationality),
            languages=original.languages,
            romanized=romanized,
            birth=original.birth_date,
        )
        person.passport_number = original.passport_number
        return Slot(person=person, phone=number, email="", group=group, duplicate_of=index)

    def _relative(self, township: Unit) -> Slot:
        rng = self.rng
        surname, given, gender = self._name()
        category = rng.choice(["relative", "dependant", "returned"])
        person = person_row(
            unit=township,
            surname=surname,
            given=given,
            gender=gender,
            category=category,
            country="CN",
            city="宁波",
            nationality="CN",
            languages="中文",
            romanized="",
            birth=self._birth(1940, 1995),
        )
        return Slot(person=person, phone=phone(rng, "CN", self.used_phones), email="", group=None)

    def _birth(self, first: int, last: int) -> date:
        return date(first, 1, 1) + timedelta(days=self.rng.randint(0, (last - first) * 365))

    def _save_people(self, slots: list[Slot]) -> list[Person]:
        for slot in slots:
            person = slot.person
            person_derive(person, phone_e164=slot.phone[1] if slot.phone else "")
            if self.rng.random() < 0.4:
                person.wechat_id = f"wxid_{self.rng.getrandbits(40):010x}"
        people = [s.person for s in slots]
        insert(Person, people)
        # The ids, read back by the public ids made in Python (works on every database).
        ids = dict(Person.objects.filter(source=Source.SEED).values_list("public_id", "pk"))
        for person in people:
            person.pk = ids[person.public_id]
            person._state.adding = False
        contacts = [
            contact
            for slot, person in zip(slots, people, strict=True)
            for contact in contact_rows(person, slot.phone, slot.email)
        ]
        insert(PersonContact, contacts)
        self.contacts_of = defaultdict(list)
        for contact in contacts:
            self.contacts_of[contact.person.pk].append((contact.kind, contact.normalized))
        self.made["duplicates"] = sum(1 for s in slots if s.duplicate_of is not None)
        self.made["ungrouped"] = sum(1 for s in slots if s.group is None)
        return people

    # search index --------------------------------------------------------------------------

    def _index(self, people: list[Person]) -> None:
        """The search index rows of the new people, written with raw inserts."""
        rows = (
            row
            for person in people
            for row in search_token_rows(person, self.contacts_of.get(person.pk, ()))
        )
        self.made["search_tokens"] = insert_search_tokens(rows)
