"""The grid seed writes its rows in bulk, deriving what the services derive: each test here
builds one row with the seed's own row function (network/seed/rows.py), stores it the way the
seed stores it, creates the same row through the service, and compares them field by field.

Excluded everywhere, and only these: the primary key, `public_id` (a fresh UUID per row),
and the creation/update timestamps (`created_at`, `updated_at`, `date_joined`: the clock).
"""

import random
from datetime import UTC, date, datetime

from django.contrib.auth.hashers import make_password
from django.test import TestCase

from qiaolian.core.models import Role, UnitRole, User
from qiaolian.core.services import role_grant, user_create
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.parity import row_differences
from qiaolian.network import seed_data
from qiaolian.network.models import Group, MemberRole, Membership, Steward, StewardRole
from qiaolian.network.seed import bulk, phones, rows
from qiaolian.network.services import (
    group_create,
    group_mark_contacted,
    membership_add,
    steward_add,
)
from qiaolian.people.models import (
    Association,
    AssociationLeader,
    Gender,
    Person,
    PersonContact,
    PersonSearchToken,
    Source,
)
from qiaolian.people.names import name_pinyin
from qiaolian.people.normalize import time_zone_for
from qiaolian.people.services import (
    association_save,
    leader_add,
    person_create,
    person_update,
)

CLOCK = ("created_at", "updated_at")


def _spec(surname, given, gender, category, country, city, nationality, languages, **extra):
    return {
        "surname": surname,
        "given": given,
        "gender": gender,
        "category": category,
        "country": country,
        "city": city,
        "nationality": nationality,
        "languages": languages,
        "romanized": extra.get("romanized", ""),
        "birth": extra.get("birth", date(1970, 5, 17)),
        "passport": extra.get("passport", ""),
        "email": extra.get("email", ""),
    }


# Compound and polyphonic surnames, split and single time zones, a Buenos Aires mobile (9 +
# area code), a relative at home, with and without documents, email in mixed case.
PEOPLE = [
    _spec("王", "芳", Gender.FEMALE, "overseas_chinese", "IT", "Milano", "CN", "中文, Italiano"),
    _spec(
        *("欧阳", "晓明", Gender.MALE, "foreign_chinese", "US", "New York", "US", "中文, English"),
        romanized="OUYANG Xiaoming",
        passport="E12345678",
        email="ouyangxiaoming7@example.com",
    ),
    _spec(
        *("单", "伟", Gender.MALE, "student", "AR", "Buenos Aires", "CN", "中文, Español"),
        romanized="SHAN Wei",
        birth=date(2001, 2, 3),
        email="ShanWei@Example.com",
    ),
    _spec(
        *("曾", "乐", Gender.FEMALE, "overseas_chinese", "CA", "Vancouver", "CN", "中文, English"),
        passport="E87654321",
    ),
    _spec(
        "叶", "子", Gender.FEMALE, "relative", "CN", "宁波", "CN", "中文", birth=date(1948, 1, 9)
    ),
    _spec("李", "新", Gender.MALE, "overseas_chinese", "ES", "Madrid", "CN", "中文, Español"),
]


class PersonParityTests(TestCase):
    """Person, PersonContact and PersonSearchToken: `person_create` against the seed."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def _seeded(self, unit, spec, phone, wechat):
        person = rows.person_row(
            unit=unit,
            surname=spec["surname"],
            given=spec["given"],
            gender=spec["gender"],
            category=spec["category"],
            country=spec["country"],
            city=spec["city"],
            nationality=spec["nationality"],
            languages=spec["languages"],
            romanized=spec["romanized"],
            birth=spec["birth"],
        )
        person.passport_number = spec["passport"]
        rows.person_derive(person, phone_e164=phone[1] if phone else "")
        person.wechat_id = wechat
        bulk.insert(Person, [person])
        person.pk = Person._base_manager.get(public_id=person.public_id).pk
        contacts = rows.contact_rows(person, phone, spec["email"])
        bulk.insert(PersonContact, contacts)
        bulk.insert_search_tokens(
            rows.search_token_rows(person, [(c.kind, c.normalized) for c in contacts])
        )
        return person

    def _made(self, unit, spec, phone, wechat, hometown):
        return person_create(
            actor=self.cast.city_admin,
            unit=unit,
            surname=spec["surname"],
            given_name=spec["given"],
            phones=[phone[0]] if phone else [],
            emails=[spec["email"]] if spec["email"] else [],
            passport_number=spec["passport"],
            source=Source.SEED,
            romanized_names=spec["romanized"],
            gender=spec["gender"],
            birth_date=spec["birth"],
            category=spec["category"],
            nationality=spec["nationality"],
            country=spec["country"],
            city=spec["city"],
            hometown=hometown,
            hometown_unit=unit,
            languages=spec["languages"],
            wechat_id=wechat,
        )

    def test_a_seeded_person_equals_one_made_by_person_create(self):
        units = [self.cast.district_a, self.cast.township_a1]
        for index, spec in enumerate(PEOPLE):
            unit = units[index % 2]
            # The seed's own number generator: a valid mobile, typed in one of its local habits
            # (the last person has no phone: the time zone then comes from the country).
            phone = None
            if index < len(PEOPLE) - 1:
                phone = phones.phone(random.Random(index), spec["country"], set(), spec["city"])
            wechat = f"wxid_{index:010x}" if index % 2 else ""
            with self.subTest(person=spec["surname"] + spec["given"]):
                seeded = self._seeded(unit, spec, phone, wechat)
                made = self._made(unit, spec, phone, wechat, seeded.hometown)
                # Derived: pinyin, initials, time zone, both blind indexes, the encrypted
                # passport number (compared in clear), hometown from the owner unit.
                self.assertEqual(row_differences(seeded, made, exclude=("public_id", *CLOCK)), {})

                def contacts(person):
                    return sorted(
                        PersonContact.objects.filter(person=person).values_list(
                            "kind", "value", "normalized", "is_primary"
                        )
                    )

                # Contacts: as typed, normalised (E.164, lower-case email), primary per kind.
                self.assertEqual(contacts(seeded), contacts(made))

                def tokens(person):
                    return set(
                        PersonSearchToken.objects.filter(person_id=person.pk).values_list(
                            "token", "rank", "unit_id"
                        )
                    )

                # The search index: what `index_person` writes after the service's save.
                self.assertTrue(tokens(made))
                self.assertEqual(tokens(seeded), tokens(made))


class LawyerParityTests(TestCase):
    def test_a_person_the_seed_makes_a_lawyer_equals_one_updated_by_person_update(self):
        cast = Cast.build()
        seeded, made = (
            person_create(actor=cast.city_admin, unit=cast.district_a, surname="林", given_name=g)
            for g in ("敏", "敏")
        )
        rows.person_becomes_lawyer(seeded)
        made = person_update(actor=cast.city_admin, person=made, occupation="律师")
        self.assertEqual(seeded.version, 2)
        self.assertEqual(row_differences(seeded, made, exclude=("public_id", *CLOCK)), {})


def test_the_seeds_time_zone_shortcut_agrees_with_the_services_rule_in_every_seed_country():
    """`phones.zone` skips the phone for countries of one zone; the service always looks at
    it. For every country and city of the seed, and a few numbers each, they must agree."""
    for code, _cn, _weight, cities, _language in seed_data.COUNTRIES:
        for city, _city_cn in cities:
            for n in range(3):
                _typed, e164 = phones.phone(random.Random(n), code, set(), city)
                assert phones.zone(code, e164) == time_zone_for(country=code, phone_e164=e164), (
                    code,
                    city,
                    e164,
                )


def test_the_seeds_split_pinyin_equals_name_pinyin_for_every_seed_surname():
    """The seed reads surname and given name apart (cached); `name_pinyin` reads the whole."""
    givens = [c + d for c, d in zip(seed_data.MALE_CHARS, seed_data.FEMALE_CHARS, strict=False)]
    givens += list(seed_data.NEUTRAL_CHARS)
    surnames = [*seed_data.SURNAMES, *seed_data.COMPOUND_SURNAMES]
    for surname in surnames:
        for given in givens[:: max(1, len(givens) // 12)]:
            assert phones.split_pinyin(surname, given) == name_pinyin(surname, given), (
                surname,
                given,
            )


class GridParityTests(TestCase):
    """Association, AssociationLeader, Group, Membership, Steward, User and UnitRole."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.actor = cls.cast.city_admin
        cls.person = person_create(
            actor=cls.actor, unit=cls.cast.district_a, surname="陈", given_name="静"
        )

    def _association_pair(self):
        fields = {
            "unit": self.cast.district_a,
            "name": "意大利米兰甲区同乡会",
            "name_local": "Associazione District A di Milano",
            "country": "IT",
            "city": "Milano",
            "founded_year": 1998,
            "member_count": 420,
        }
        seeded = Association.objects.bulk_create([rows.association_row(**fields)])[0]
        made = association_save(actor=self.actor, contacts="", **fields)
        return seeded, made

    def test_a_seeded_association_equals_one_saved_by_association_save(self):
        seeded, made = self._association_pair()
        self.assertEqual(row_differences(seeded, made, exclude=("public_id", "created_at")), {})

    def test_a_seeded_leader_equals_one_added_by_leader_add(self):
        seeded_association, made_association = self._association_pair()
        post, since = AssociationLeader.Post.PRESIDENT, date(2016, 3, 1)
        seeded = AssociationLeader.objects.bulk_create(
            [
                rows.leader_row(
                    association=seeded_association, person=self.person, post=post, since=since
                )
            ]
        )[0]
        made = leader_add(
            actor=self.actor,
            association=made_association,
            person=self.person,
            post=post,
            since=since,
        )
        self.assertEqual(row_differences(seeded, made, exclude=("public_id", "association_id")), {})

    def _group_pair(self):
        association = self._association_pair()[1]
        contacted = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        fields = {
            "unit": self.cast.township_a1,
            "platform": "whatsapp",
            "name": "米兰甲一街道乡亲群",
            "association": association,
            "created_on": date(2020, 2, 14),
        }
        seeded = Group.objects.bulk_create([rows.group_row(last_contacted_at=contacted, **fields)])[
            0
        ]
        made = group_create(actor=self.actor, notes="", **fields)
        # The last contact is its own use case (a post, a call, a visit).
        made = group_mark_contacted(actor=self.actor, group=made, when=contacted)
        return seeded, made

    def test_a_seeded_group_equals_one_made_by_group_create(self):
        seeded, made = self._group_pair()
        self.assertEqual(row_differences(seeded, made, exclude=("public_id", *CLOCK)), {})

    def test_a_seeded_membership_equals_one_added_by_membership_add(self):
        seeded_group, made_group = self._group_pair()
        fields = {"person": self.person, "role": MemberRole.LEADER, "joined_on": date(2020, 3, 1)}
        seeded = rows.membership_row(group=seeded_group, **fields)
        bulk.insert(Membership, [seeded])
        seeded.pk = Membership.objects.get(public_id=seeded.public_id).pk
        made = membership_add(actor=self.actor, group=made_group, **fields)
        self.assertEqual(row_differences(seeded, made, exclude=("public_id", "group_id")), {})

    def test_seeded_stewards_equal_ones_added_by_steward_add(self):
        seeded_group, made_group = self._group_pair()
        since = date(2020, 2, 20)
        for role, holder in (
            (StewardRole.CADRE, self.cast.township_worker),
            (StewardRole.LAWYER, self.person),
        ):
            with self.subTest(role=role):
                seeded = Steward.objects.bulk_create(
                    [rows.steward_row(group=seeded_group, role=role, since=since, holder=holder)]
                )[0]
                key = "user" if isinstance(holder, User) else "person"
                made = steward_add(
                    actor=self.actor, group=made_group, role=role, since=since, **{key: holder}
                )
                self.assertEqual(
                    row_differences(seeded, made, exclude=("public_id", "group_id")), {}
                )

    def test_a_seeded_account_and_grant_equal_ones_made_by_user_create_and_grant_role(self):
        unit = self.cast.district_a
        role = Role.objects.get(code="volunteer")
        seeded = User.objects.bulk_create(
            [
                rows.user_row(
                    username="doctor0001",
                    display_name="陈静",
                    unit=unit,
                    password=make_password(None),
                )
            ]
        )[0]
        made = user_create(
            actor=self.actor, username="doctor0002", home_unit=unit, display_name="陈静"
        )
        # `password` is an unusable one made with a random salt in both: compared by what it
        # does (no login with it) rather than by value. The usernames differ by necessity.
        self.assertFalse(seeded.has_usable_password())
        self.assertFalse(made.has_usable_password())
        self.assertEqual(
            row_differences(
                seeded, made, exclude=("public_id", "date_joined", "password", "username")
            ),
            {},
        )
        seeded_grant = UnitRole.objects.bulk_create(
            [rows.grant_row(user=seeded, unit=unit, role=role)]
        )[0]
        made_grant = role_grant(actor=self.actor, user=made, unit=unit, role=role)
        self.assertEqual(
            row_differences(seeded_grant, made_grant, exclude=("public_id", "user_id", *CLOCK[:1])),
            {},
        )
