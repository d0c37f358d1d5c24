"""factory-boy factories for the liaison grid (people come from people/tests/factories.py)."""

import factory
from django.utils import timezone

from qiaolian.core.testing.factories import UnitFactory
from qiaolian.network.models import Group, MemberRole, Membership, Steward, StewardRole
from qiaolian.people.tests.factories import AssociationFactory, PersonFactory


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    unit = factory.SubFactory(UnitFactory)
    platform = "wechat"
    name = factory.Sequence(lambda n: f"旅意侨胞联络群{n:04d}")
    created_on = factory.LazyFunction(timezone.localdate)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    person = factory.SubFactory(PersonFactory, unit=factory.SelfAttribute("..group.unit"))
    role = MemberRole.MEMBER
    joined_on = factory.LazyFunction(timezone.localdate)


class StewardFactory(factory.django.DjangoModelFactory):
    """A person steward by default; pass `user=…, person=None` for a user."""

    class Meta:
        model = Steward

    group = factory.SubFactory(GroupFactory)
    person = factory.SubFactory(PersonFactory, unit=factory.SelfAttribute("..group.unit"))
    role = StewardRole.DOCTOR
    since = factory.LazyFunction(timezone.localdate)


__all__ = [
    "AssociationFactory",
    "GroupFactory",
    "MembershipFactory",
    "PersonFactory",
    "StewardFactory",
]
