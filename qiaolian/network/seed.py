"""The liaison grid's demo data at the reference text's scale, fast and idempotent.

At scale "article" (factor 1): 340 groups owned by districts and townships, 24,617 distinct
people in them (with a few percent near-duplicate records, as rosters of several groups
produce), ~70 associations in 25 countries with their leaders, and stewards: 350 cadres (staff
users), 133 doctors (volunteer users) and 111 lawyers (volunteer users, or people of the
register without an account). A further 5% of people — relatives and returnees in Ningbo —
are in no group, so the grid's first coverage gap is not empty. Factor N multiplies it all.

Everything is written with bulk_create (no per-row services, one summary audit row);
derived fields are computed exactly as `people.services` computes them (pinyin with surname
readings, normalised contacts, time zones, blind indexes) and the search index is rebuilt for
the new people. Running it again when seed people exist changes nothing.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import phonenumbers
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from qiaolian.core import audit
from qiaolian.core.crypto import blind_index
from qiaolian.core.models import Role, Unit, UnitKind, UnitRole, User
from qiaolian.network import seed_data as data
from qiaolian.network.models import (
    Group,
    MemberRole,
    Membership,
    Platform,
    Steward,
    StewardRole,
)
from qiaolian.people.models import (
    Association,
    AssociationLeader,
    ContactKind,
    Gender,
    Person,
    PersonContact,
    Source,
)
from qiaolian.people.names import name_pinyin
from qiaolian.people.normalize import time_zone_for

RANDOM_SEED = 20200417
CITY_CODE = "330200"


@dataclass(frozen=True)
class Plan:
    """How much to create. `Plan.article(n)` is the reference text's volumes times n."""

    people_in_groups: int
    groups: int
    associations: int
    cadres: int
    doctors: int
    lawyers: int
    ungrouped: int
    duplicate_share: float = 0.03
    second_group_share: float = 0.12

    @classmethod
    def article(cls, factor: int = 1) -> Plan:
        return cls(
            people_in_groups=24_617 * factor,
            groups=340 * factor,
            associations=70 * factor,
            cadres=350 * factor,
            doctors=133 * factor,
            lawyers=111 * factor,
            ungrouped=1_231 * factor,
        )

    @classmethod
    def tiny(cls) -> Plan:
        """For tests: the same code path in a fraction of a second."""
        return cls(
            people_in_groups=240,
            groups=12,
            associations=6,
            cadres=13,
            doctors=5,
            lawyers=4,
            ungrouped=15,
        )


def seed_network(scale: int = 1, *, plan: Plan | None = None, units=None) -> dict[str, Any]:
    """Create the grid's demo data unless seed people already exist; returns what was made.

    `units` (default: the districts and townships of the seeded city) own the groups.
    The setting SEED_NETWORK_PLAN ("article", "tiny" or "off"; the tests use "tiny") picks
    the volumes when no plan is given, so a test of the seed command stays fast."""
    if plan is None:
        mode = getattr(settings, "SEED_NETWORK_PLAN", "article")
        if mode == "off":
            return {"skipped": True}
        plan = Plan.tiny() if mode == "tiny" else Plan.article(scale)
    if Person.objects.filter(source=Source.SEED).exists():
        return {"skipped": True}
    started = time.perf_counter()
    with transaction.atomic():
        made = _Seeder(plan, random.Random(RANDOM_SEED + scale)).run(  # noqa: S311 - demo data
            units
        )
    made["seconds"] = round(time.perf_counter() - started, 1)
    return made


# --- names, phones ------------------------------------------------------------------------


@cache
def _pinyin(surname: str, given: str) -> tuple[str, str]:
    return name_pinyin(surname, given)


def _split_pinyin(surname: str, given: str) -> tuple[str, str]:
    # Surname and given name are read separately (that is what name_pinyin does), so the
    # two halves are cached apart: a few hundred calls instead of one per person.
    s_py, s_ini = _pinyin(surname, "")
    g_py, g_ini = _pinyin("", given)
    return " ".join(p for p in (s_py, g_py) if p), s_ini + g_ini


@cache
def _mobile_template(region: str) -> phonenumbers.PhoneNumber:
    return phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)


# North American mobiles carry their city's area code (and with it the time zone).
AREA_CODES = {
    "New York": ["212", "646", "917", "718"],
    "Los Angeles": ["213", "323", "626", "310"],
    "San Francisco": ["415", "628"],
    "Houston": ["713", "832", "281"],
    "Toronto": ["416", "647", "437"],
    "Vancouver": ["604", "778"],
    "Buenos Aires": ["911"],  # 9 (mobile) + 11 (Buenos Aires)
}
_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _phone(rng: random.Random, region: str, used: set[str], city: str = "") -> tuple[str, str]:
    """(as typed, E.164) of a new valid mobile number of `region`, typed in a local habit."""
    template = _mobile_template(region)
    national = str(template.national_number)
    # Else the example's leading digit (3 in Italy, 6 in Spain …), the rest random.
    prefixes = AREA_CODES.get(city) or [national[: 2 if region == "CN" else 1]]
    for attempt in range(300):
        # Some plans (Argentina's 9 + area code) rarely accept random digits after the first
        # one: after 100 tries, keep all but the last seven digits of the example.
        prefix = rng.choice(prefixes) if attempt < 100 else national[: len(national) - 7]
        digits = prefix + "".join(rng.choice("0123456789") for _ in national[len(prefix) :])
        number = phonenumbers.PhoneNumber(
            country_code=template.country_code, national_number=int(digits)
        )
        if template.italian_leading_zero:
            number.italian_leading_zero = True
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in used or not phonenumbers.is_valid_number(number):
            continue
        if phonenumbers.number_type(number) not in _MOBILE:
            continue
        used.add(e164)
        return _typed(rng, number), e164
    raise RuntimeError(f"no valid mobile number found for {region}")


def _typed(rng: random.Random, number: phonenumbers.PhoneNumber) -> str:
    fmt = phonenumbers.PhoneNumberFormat
    style = rng.random()
    if style < 0.35:
        return phonenumbers.format_number(number, fmt.INTERNATIONAL)
    if style < 0.55:
        return phonenumbers.format_number(number, fmt.E164)
    if style < 0.8:
        return phonenumbers.format_number(number, fmt.NATIONAL)
    if style < 0.9:
        return phonenumbers.format_number(number, fmt.INTERNATIONAL).replace(" ", "-")
    return "".join(ch for ch in phonenumbers.format_number(number, fmt.NATIONAL) if ch.isdigit())


def _retyped(rng: random.Random, typed: str, e164: str) -> str:
    """The same number written another way (what a second roster would hold)."""
    number = phonenumbers.parse(e164)
    for _ in range(5):
        other = _typed(rng, number)
        if other != typed:
            return other
    return e164


# --- the seeder ---------------------------------------------------------------------------


@dataclass
class _Slot:
    """A person to be created, before it has a primary key."""

    person: Person
    phone: tuple[str, str] | None
    email: str
    group: int | None  # index into the group list
    duplicate_of: int | None = None


class _Seeder:
    def __init__(self, plan: Plan, rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.used_phones: set[str] = set()
        self.countries = {code: row for code, *row in data.COUNTRIES}
        self.given_pool = self._given_pool()
        self.made: dict[str, Any] = {}
        self.contacts_of: dict[int, list[tuple[str, str]]] = {}
        self.today = timezone.localdate()
        self.districts_by_path: dict[str, Unit] = {}
        self.group_members: dict[int, list[int]] = {}

    def run(self, units) -> dict[str, Any]:
        clock = _Clock()
        districts, townships = self._units(units)
        associations = self._associations(districts)
        groups = self._groups(districts, townships, associations)
        slots = self._people(groups, townships)
        clock.lap("generate")
        people = self._save_people(slots)
        clock.lap("people")
        memberships = self._memberships(groups, slots, people)
        self._leaders(associations, groups, memberships, people)
        _insert(Membership, memberships)
        self._stewards(groups, people)
        clock.lap("groups")
        self._index(people)
        clock.lap("search index")
        self.made["phases"] = clock.laps
        self.made.update(
            groups=len(groups),
            people=len(people),
            people_in_groups=len({m.person_id for m in memberships}),
            memberships=len(memberships),
            associations=len(associations),
        )
        audit.record(
            actor=None,
            action="seed.network",
            unit=Unit.objects.filter(code=CITY_CODE).first() or districts[0],
            message=" ".join(f"{k}={v}" for k, v in self.made.items()),
        )
        return self.made

    # units ---------------------------------------------------------------------------------

    def _units(self, units) -> tuple[list[Unit], list[Unit]]:
        if units is None:
            city = Unit.objects.get(code=CITY_CODE)
            units = Unit.objects.filter(path__startswith=city.path, is_active=True)
        units = list(units)
        districts = [u for u in units if u.kind == UnitKind.DISTRICT]
        townships = [u for u in units if u.kind == UnitKind.TOWNSHIP]
        if not districts:
            raise ValueError("the network seed needs district units (run the core seed first)")
        return districts, townships or districts

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
        given_py = _split_pinyin("", given)[0].replace(" ", "")
        if spellings and self.rng.random() < 0.6:
            return f"{self.rng.choice(spellings)} {given_py.capitalize()}"
        surname_py = _split_pinyin(surname, "")[0].replace(" ", "")
        return f"{surname_py.upper()} {given_py.capitalize()}"

    # associations --------------------------------------------------------------------------

    def _associations(self, districts: list[Unit]) -> list[Association]:
        rng = self.rng
        codes = [code for code, *_ in data.COUNTRIES]
        weights = [row[2] for row in data.COUNTRIES]
        count = self.plan.associations
        # Every country has at least one association (while there are enough to go round).
        chosen = codes[:count] + rng.choices(codes, weights, k=max(0, count - len(codes)))
        used_names: set[str] = set()
        rows = []
        for index, code in enumerate(chosen):
            country_cn, _w, cities, _lang = self.countries[code]
            city, city_cn = rng.choice(cities)
            district = districts[index % len(districts)]
            pattern, pattern_en = rng.choice(data.ASSOCIATION_PATTERNS)
            fill = {
                "country": country_cn,
                "city": city_cn,
                "district": district.name.removesuffix("侨联"),
                "country_en": code,
                "city_en": city,
                "district_en": district.name_en or district.code,
            }
            name = pattern.format(**fill)
            serial = 2
            while name in used_names:
                name = f"{pattern.format(**fill)}（{serial}）"
                serial += 1
            used_names.add(name)
            rows.append(
                Association(
                    unit=district,
                    name=name,
                    name_local=pattern_en.format(**fill),
                    country=code,
                    city=city,
                    founded_year=rng.randint(1978, 2018),
                    member_count=rng.randint(80, 1500),
                    contacts="",
                )
            )
        return Association.objects.bulk_create(rows)

    # groups --------------------------------------------------------------------------------

    def _groups(self, districts, townships, associations) -> list[Group]:
        rng = self.rng
        codes = [code for code, *_ in data.COUNTRIES]
        weights = [row[2] for row in data.COUNTRIES]
        by_country = defaultdict(list)
        for association in associations:
            by_country[str(association.country)].append(association)
        platforms = [
            (Platform.WECHAT, 80),
            (Platform.WHATSAPP, 8),
            (Platform.LINE, 3),
            (Platform.TELEGRAM, 3),
            (Platform.DINGTALK, 3),
            (Platform.OTHER, 3),
        ]
        used: set[str] = set()
        groups = []
        for index in range(self.plan.groups):
            # The first groups cover every country; the rest follow the weights.
            code = codes[index] if index < len(codes) else rng.choices(codes, weights)[0]
            country_cn, _w, cities, _lang = self.countries[code]
            city, city_cn = rng.choice(cities)
            unit = rng.choice(districts) if rng.random() < 0.4 else rng.choice(townships)
            association = None
            if by_country[code] and rng.random() < 0.8:
                association = rng.choice(by_country[code])
            pattern = rng.choice(
                data.GROUP_PATTERNS[:-1] if association is None else data.GROUP_PATTERNS
            )
            base = pattern.format(
                district=unit.name.removesuffix("侨联"),
                country=country_cn,
                city=city_cn,
                association=association.name if association else "",
            )
            name, serial = base, 2
            while name in used:  # 米兰宁波乡亲群 → 米兰宁波乡亲2群
                name = f"{base.removesuffix('群')}{serial}群"
                serial += 1
            used.add(name)
            created = date(2020, 1, 25) + timedelta(days=rng.randint(0, 95))
            contacted = None
            roll = rng.random()
            if roll < 0.72:
                contacted = self._moment(self.today - timedelta(days=rng.randint(1, 29)))
            elif roll < 0.9:
                contacted = self._moment(self.today - timedelta(days=rng.randint(30, 120)))
            group = Group(
                unit=unit,
                platform=rng.choices([p for p, _ in platforms], [w for _, w in platforms])[0],
                name=name[:150],
                association=association,
                created_on=created,
                last_contacted_at=contacted,
                notes="",
            )
            group.country = code
            group.city = city
            groups.append(group)
        saved = Group.objects.bulk_create(groups)
        for group, original in zip(saved, groups, strict=True):
            group.country, group.city = original.country, original.city
        return saved

    def _moment(self, day: date) -> datetime:
        return datetime(
            day.year,
            day.month,
            day.day,
            self.rng.randint(1, 13),
            self.rng.randint(0, 59),
            tzinfo=UTC,
        )

    # people --------------------------------------------------------------------------------

    def _people(self, groups: list[Group], townships: list[Unit]) -> list[_Slot]:
        plan, rng = self.plan, self.rng
        duplicates = round(plan.people_in_groups * plan.duplicate_share)
        originals = plan.people_in_groups - duplicates
        weights = [rng.uniform(0.3, 1.7) for _ in groups]
        sizes = _apportion(originals, weights, minimum=min(5, originals // len(groups)))
        slots: list[_Slot] = []
        for index, (group, size) in enumerate(zip(groups, sizes, strict=True)):
            slots.extend(self._overseas(group, index) for _ in range(size))
        by_country = defaultdict(list)
        for index, group in enumerate(groups):
            by_country[group.country].append(index)
        for original_index in rng.sample(range(len(slots)), duplicates):
            slots.append(self._duplicate(slots, original_index, by_country))
        slots.extend(self._relative(rng.choice(townships)) for _ in range(plan.ungrouped))
        return slots

    def _overseas(self, group: Group, group_index: int) -> _Slot:
        rng = self.rng
        surname, given, gender = self._name()
        code = group.country
        _country_cn, _w, cities, language = self.countries[code]
        city = group.city if rng.random() < 0.85 else rng.choice(cities)[0]
        category = rng.choices(["overseas_chinese", "foreign_chinese", "student"], [60, 30, 10])[0]
        phone = _phone(rng, code, self.used_phones, city) if rng.random() < 0.97 else None
        person = self._person(
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
        return _Slot(person=person, phone=phone, email=email, group=group_index)

    def _duplicate(self, slots: list[_Slot], index: int, by_country) -> _Slot:
        """A second record of the same person, as another group's roster would give it."""
        rng = self.rng
        source = slots[index]
        original = source.person
        kind = rng.random()
        surname, given = original.surname, original.given_name
        romanized = original.romanized_names
        phone = source.phone
        if kind < 0.35 and phone:  # same name, the number typed another way
            phone = (_retyped(rng, *phone), phone[1])
        elif kind < 0.6 and given and given[-1] in data.HOMOPHONES:  # 张伟 / 张炜
            given = given[:-1] + data.HOMOPHONES[given[-1]]
        elif kind < 0.8:  # entered in passport spelling, same birth date, no phone
            romanized = romanized or self._romanized(surname, given)
            phone = None
        else:  # same name and birth date, a new number
            phone = _phone(rng, str(original.country), self.used_phones, original.city)
        groups_here = by_country[str(original.country)]
        others = [g for g in groups_here if g != source.group]
        group = rng.choice(others) if others else source.group
        person = self._person(
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
        return _Slot(person=person, phone=phone, email="", group=group, duplicate_of=index)

    def _relative(self, township: Unit) -> _Slot:
        rng = self.rng
        surname, given, gender = self._name()
        category = rng.choice(["relative", "dependant", "returned"])
        person = self._person(
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
        return _Slot(person=person, phone=_phone(rng, "CN", self.used_phones), email="", group=None)

    def _birth(self, first: int, last: int) -> date:
        return date(first, 1, 1) + timedelta(days=self.rng.randint(0, (last - first) * 365))

    def _person(
        self,
        *,
        unit,
        surname,
        given,
        gender,
        category,
        country,
        city,
        nationality,
        languages,
        romanized,
        birth,
    ) -> Person:
        pinyin, initials = _split_pinyin(surname, given)
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

    def _save_people(self, slots: list[_Slot]) -> list[Person]:
        for slot in slots:
            person = slot.person
            person.time_zone = _zone(str(person.country), slot.phone[1] if slot.phone else "")
            person.passport_index = blind_index(person.passport_number or "")
            if self.rng.random() < 0.4:
                person.wechat_id = f"wxid_{self.rng.getrandbits(40):010x}"
        people = [s.person for s in slots]
        _insert(Person, people)
        # The ids, read back by the public ids made in Python (works on every database).
        ids = dict(Person.objects.filter(source=Source.SEED).values_list("public_id", "pk"))
        for person in people:
            person.pk = ids[person.public_id]
            person._state.adding = False
        contacts = []
        for slot, person in zip(slots, people, strict=True):
            if slot.phone:
                contacts.append(
                    PersonContact(
                        person=person,
                        kind=ContactKind.PHONE,
                        value=slot.phone[0],
                        normalized=slot.phone[1],
                        is_primary=True,
                    )
                )
            if slot.email:
                contacts.append(
                    PersonContact(
                        person=person,
                        kind=ContactKind.EMAIL,
                        value=slot.email,
                        normalized=slot.email.lower(),
                        is_primary=True,
                    )
                )
        _insert(PersonContact, contacts)
        self.contacts_of = defaultdict(list)
        for contact in contacts:
            self.contacts_of[contact.person.pk].append((contact.kind, contact.normalized))
        self.made["duplicates"] = sum(1 for s in slots if s.duplicate_of is not None)
        self.made["ungrouped"] = sum(1 for s in slots if s.group is None)
        return people

    # memberships and leaders ---------------------------------------------------------------

    def _memberships(self, groups, slots, people) -> list[Membership]:
        rng = self.rng
        by_country = defaultdict(list)
        for index, group in enumerate(groups):
            by_country[group.country].append(index)
        members: dict[int, list[int]] = defaultdict(list)  # group index → person indexes
        for person_index, slot in enumerate(slots):
            if slot.group is None:
                continue
            members[slot.group].append(person_index)
            if rng.random() < self.plan.second_group_share:
                others = [g for g in by_country[groups[slot.group].country] if g != slot.group]
                if others:
                    members[rng.choice(others)].append(person_index)
        rows = []
        self.group_members = members
        for group_index, person_indexes in members.items():
            group = groups[group_index]
            roles = {person_indexes[0]: MemberRole.OWNER}
            for leader in rng.sample(
                person_indexes[1:], min(len(person_indexes) - 1, rng.randint(1, 3))
            ):
                roles[leader] = MemberRole.LEADER
            span = max(1, (self.today - group.created_on).days)
            rows.extend(
                Membership(
                    group=group,
                    person=people[person_index],
                    role=roles.get(person_index, MemberRole.MEMBER),
                    joined_on=group.created_on + timedelta(days=int(span * rng.random() ** 3)),
                )
                for person_index in person_indexes
            )
        return rows

    def _leaders(self, associations, groups, memberships, people) -> None:
        """会长, 副会长 and 秘书长 of each association, taken from its groups' members (who
        are then 侨领 in that group)."""
        rng = self.rng
        by_group = defaultdict(list)
        for membership in memberships:
            by_group[membership.group.pk].append(membership)
        groups_of = defaultdict(list)
        for group in groups:
            if group.association_id:
                groups_of[group.association_id].append(group)
        posts = [
            AssociationLeader.Post.PRESIDENT,
            AssociationLeader.Post.VICE_PRESIDENT,
            AssociationLeader.Post.VICE_PRESIDENT,
            AssociationLeader.Post.SECRETARY_GENERAL,
        ]
        rows = []
        for association in associations:
            candidates = [m for g in groups_of[association.pk] for m in by_group[g.pk]]
            if not candidates:
                continue
            chosen = rng.sample(candidates, min(len(candidates), len(posts)))
            seen = set()
            for post, membership in zip(posts, chosen, strict=False):
                if membership.person.pk in seen:
                    continue
                seen.add(membership.person.pk)
                if membership.role == MemberRole.MEMBER:
                    membership.role = MemberRole.LEADER
                rows.append(
                    AssociationLeader(
                        association=association,
                        person=membership.person,
                        post=post,
                        since=date(rng.randint(2012, 2020), rng.randint(1, 12), 1),
                    )
                )
        AssociationLeader.objects.bulk_create(rows)
        self.made["association_leaders"] = len(rows)

    # stewards ------------------------------------------------------------------------------

    def _stewards(self, groups: list[Group], people: list[Person]) -> None:
        """Cadres (staff users of the group's unit), doctors (volunteer users of a district)
        and lawyers (volunteer users, or people of the register without an account). The
        demo logins `liaison_demo` and `volunteer_doctor` are one cadre and one doctor, in
        groups of their own district, so their narrowed views show something."""
        plan, rng = self.plan, self.rng
        roles = {r.code: r for r in Role.objects.filter(code__in=["staff", "volunteer"])}
        demo = {
            u.username: u
            for u in User.objects.filter(
                username__in=["liaison_demo", "volunteer_doctor"]
            ).select_related("home_unit")
        }
        district = [self._district(g.unit) for g in groups]
        order = list(range(len(groups)))
        rng.shuffle(order)
        password = make_password(None)  # unusable: the documented demo logins are enough
        new_users: list[User] = []
        grants: list[UnitRole] = []
        assignments: list[tuple[Any, list[int], str]] = []  # (user or person, groups, role)

        def demo_groups(user: User) -> list[int]:
            home = user.home_unit
            mine = [i for i in order if home and district[i].pk == home.pk]
            if user.username == "volunteer_doctor":
                mine = mine[2:]  # overlapping the liaison officer's groups in one only
            return mine[:3] or order[:2]

        def account(username: str, unit: Unit, role_code: str) -> User:
            user = self._user(username, unit, password)
            new_users.append(user)
            grants.append(UnitRole(user=user, unit=unit, role=roles[role_code]))
            return user

        # Cadres: one for most groups; the rest of them a second cadre in a covered group.
        covered = order[: min(len(groups), round(len(groups) * 0.92), plan.cadres)]
        cadre_groups = covered + rng.choices(covered, k=max(0, plan.cadres - len(covered)))
        for number, group_index in enumerate(cadre_groups, start=1):
            if number == 1 and "liaison_demo" in demo:
                user = demo["liaison_demo"]
                assignments.append((user, demo_groups(user), StewardRole.CADRE))
                continue
            unit = groups[group_index].unit
            assignments.append(
                (account(f"cadre{number:04d}", unit, "staff"), [group_index], StewardRole.CADRE)
            )

        # Doctors and lawyers: each in one to three groups of one district.
        def volunteers(role: str, count: int, prefix: str, share_without_account: float):
            for number in range(1, count + 1):
                first = order[(number * 7) % len(order)]
                same = [i for i in order if district[i].pk == district[first].pk]
                picks = rng.sample(same, min(len(same), rng.choices([1, 2, 3], [5, 3, 2])[0]))
                if role == StewardRole.DOCTOR and number == 1 and "volunteer_doctor" in demo:
                    user = demo["volunteer_doctor"]
                    assignments.append((user, demo_groups(user), role))
                elif rng.random() < share_without_account:
                    assignments.append((self._lawyer_person(picks[0], people), picks, role))
                else:
                    user = account(f"{prefix}{number:04d}", district[first], "volunteer")
                    assignments.append((user, picks, role))

        volunteers(StewardRole.DOCTOR, plan.doctors, "doctor", 0.0)
        volunteers(StewardRole.LAWYER, plan.lawyers, "lawyer", 0.33)
        User.objects.bulk_create(new_users, batch_size=1000)
        UnitRole.objects.bulk_create(grants, batch_size=1000)
        stewards = []
        for holder, picks, role in assignments:
            since = date(2020, 2, 1) + timedelta(days=rng.randint(0, 60))
            for group_index in picks:
                steward = Steward(group=groups[group_index], role=role, since=since)
                if isinstance(holder, User):
                    steward.user = holder
                else:
                    steward.person = holder
                stewards.append(steward)
        Steward.objects.bulk_create(stewards, batch_size=2000)

        def distinct(role: str) -> int:
            return len({(s.user_id, s.person_id) for s in stewards if s.role == role})

        self.made.update(
            users=len(new_users),
            stewards=len(stewards),
            cadres=distinct(StewardRole.CADRE),
            doctors=distinct(StewardRole.DOCTOR),
            lawyers=distinct(StewardRole.LAWYER),
        )

    def _lawyer_person(self, group_index: int, people: list[Person]) -> Person:
        """A member of the group who serves it as its lawyer without an account."""
        index = self.rng.choice(self.group_members[group_index])
        person = people[index]
        if person.occupation != "律师":
            person.occupation = "律师"
            Person.objects.filter(pk=person.pk).update(occupation="律师")
        return person

    def _district(self, unit: Unit) -> Unit:
        if unit.kind == UnitKind.DISTRICT or unit.depth <= 2:
            return unit
        path = unit.path[: Unit.steplen * 2]
        if path not in self.districts_by_path:
            self.districts_by_path[path] = Unit.objects.get(path=path)
        return self.districts_by_path[path]

    def _user(self, username: str, unit: Unit, password: str) -> User:
        surname, given, _gender = self._name()
        return User(
            username=username,
            display_name=f"{surname}{given}",
            home_unit=unit,
            password=password,
            is_active=True,
        )

    # search index --------------------------------------------------------------------------

    def _index(self, people: list[Person]) -> None:
        """The search index rows of the new people, written with one executemany per batch
        (a million model instances through bulk_create took minutes). The tokens are the
        search module's own `tokens_of`, so a later `reindex_people` writes the same rows."""
        try:
            from qiaolian.people.models import PersonSearchToken
            from qiaolian.people.search.index import tokens_of
        except ImportError:  # the search index is optional for the grid
            return
        meta = PersonSearchToken._meta
        quote = connection.ops.quote_name
        columns = ", ".join(
            quote(meta.get_field(n).column) for n in ("token", "rank", "person", "unit")
        )
        # Names from the model's own metadata, quoted: no user input reaches this string.
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)"  # noqa: S608
        rows = (
            (token, rank, person.pk, person.unit_id)
            for person in people
            for token, rank in tokens_of(person, self.contacts_of.get(person.pk, ())).items()
        )
        # In key order: the table's primary key is (token, rank, person, unit), so sorted
        # rows append to its B-tree instead of splitting pages all over it.
        ordered = sorted(rows)
        with connection.cursor() as cursor:
            for start in range(0, len(ordered), 50_000):
                cursor.executemany(sql, ordered[start : start + 50_000])
        self.made["search_tokens"] = len(ordered)


# Countries whose mobile numbers tell the zone (several zones); elsewhere the country does.
SPLIT_ZONES = {"US", "CA", "RU", "AU", "BR", "MX", "ID", "KZ"}


def _zone(country: str, phone: str) -> str:
    if country in SPLIT_ZONES and phone:
        return time_zone_for(country=country, phone_e164=phone)
    return _country_zone(country)


@cache
def _country_zone(country: str) -> str:
    return time_zone_for(country=country)


def _insert(model, objects: list) -> None:
    """bulk_create without reading ids back, for the large tables whose rows nothing refers
    to yet: each value is prepared by its own field (UUIDs, dates, encrypted text) and the
    rows go in with one executemany per batch, skipping Django's per-row SQL assembly."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = [
        tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
        for obj in objects
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[start : start + 20_000])


class _Clock:
    def __init__(self):
        self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 1)
        self.last = now


def _apportion(total: int, weights: list[float], *, minimum: int = 0) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), each at least `minimum`."""
    base = minimum * len(weights)
    rest = total - base
    scale = rest / sum(weights)
    raw = [w * scale for w in weights]
    sizes = [minimum + math.floor(r) for r in raw]
    leftover = total - sum(sizes)
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
    for i in itertools.islice(itertools.cycle(by_remainder), leftover):
        sizes[i] += 1
    return sizes


__all__ = ["Plan", "seed_network"]
