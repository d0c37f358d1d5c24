"""factory-boy factories for the people app, shared by every helper's tests.

`PersonFactory(unit=..., surname="张", given_name="伟", phones=["+39 333 123 4567"])` builds a
person the way `services.person_create` does (pinyin, initials, blind indexes, time zone and
normalised contacts are real) but without an actor or an audit row, so tests can populate any
unit. `AssociationFactory(unit=...)` and `AssociationLeaderFactory(association=..., person=...)`
do the same for associations.
"""

from __future__ import annotations

import factory
from django.utils import timezone

from qiaolian.core.testing.factories import UnitFactory
from qiaolian.people import records, services
from qiaolian.people.models import (
    Association,
    AssociationLeader,
    Consent,
    Person,
    Relationship,
)

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
]


def person_categories() -> None:
    """The seed's person-category dictionary (华侨, 外籍华人, 归侨, 侨眷 …), for form tests."""
    from qiaolian.core.models import DictItem, DictType
    from qiaolian.core.seed_data import DICTIONARIES

    name, name_en, items = DICTIONARIES["person_category"]
    dict_type, _created = DictType.objects.get_or_create(
        code="person_category", defaults={"name": name, "name_en": name_en, "is_system": True}
    )
    for order, (value, label, label_en) in enumerate(items):
        DictItem.objects.get_or_create(
            dict_type=dict_type,
            value=value,
            defaults={"label": label, "label_en": label_en, "sort_order": order},
        )


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with derived pinyin/initials/contacts. Extra keywords: `phones`, `emails`."""

    class Meta:
        model = Person

    unit = factory.SubFactory(UnitFactory)
    surname = factory.Sequence(lambda n: _SURNAMES[n % len(_SURNAMES)])
    given_name = factory.Sequence(lambda n: _GIVEN[n % len(_GIVEN)] + _GIVEN[(n // 15) % 15])
    gender = "u"
    source = "form"

    @classmethod
    def _create(cls, model_class, *args, phones=(), emails=(), **kwargs):
        person = model_class(**kwargs)
        contacts = services.normalized_contacts(phones, emails, region=str(person.country or "CN"))
        records.derive(person, services._primary_phone(contacts))
        person.save()
        services._replace_contacts(person, contacts)
        return person

    @classmethod
    def _build(cls, model_class, *args, phones=(), emails=(), **kwargs):
        person = model_class(**kwargs)
        records.derive(person, None)
        return person


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"意大利华侨华人联合会{n}")
    name_local = factory.Sequence(lambda n: f"Associazione dei Cinesi in Italia {n}")
    country = "IT"
    city = "Milano"
    founded_year = 1998
    member_count = 300


class AssociationLeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssociationLeader

    association = factory.SubFactory(AssociationFactory)
    person = factory.SubFactory(PersonFactory, unit=factory.SelfAttribute("..association.unit"))
    post = AssociationLeader.Post.PRESIDENT


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    person = factory.SubFactory(PersonFactory)
    relative = factory.SubFactory(PersonFactory, unit=factory.SelfAttribute("..person.unit"))
    kind = "overseas_relative"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purpose = "侨务联络"
    channel = Consent.Channel.PAPER
    legal_basis = Consent.LegalBasis.CONSENT
    notice_version = "2025-01"
    granted_at = factory.LazyFunction(timezone.now)


__all__ = [
    "AssociationFactory",
    "AssociationLeaderFactory",
    "ConsentFactory",
    "PersonFactory",
    "RelationshipFactory",
    "person_categories",
]
