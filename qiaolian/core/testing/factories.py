"""factory-boy factories for the core models. Units are built through treebeard so paths are
real; `unit_tree()` in cast.py builds the standard small tree."""

import functools

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password

from qiaolian.core.models import (
    ApiToken,
    AuditEvent,
    DictItem,
    DictType,
    Role,
    Unit,
    UnitKind,
    UnitRole,
    User,
)

TEST_PASSWORD = "Test-Passw0rd!"  # noqa: S105 - test fixtures only


def _test_password_hash() -> str:
    # Keyed on the hasher setting: a test that narrows PASSWORD_HASHERS (e.g. to MD5 for speed)
    # must get a hash that its own setting can verify.
    return _hash_for(tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _hash_for(hashers: tuple[str, ...]) -> str:
    return make_password(TEST_PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    """`UnitFactory(parent=some_unit)`; without a parent the unit is a new root."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    name_en = factory.Sequence(lambda n: f"Test unit {n}")
    kind = UnitKind.TOWNSHIP

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        instance = model_class(**kwargs)
        if parent is None:
            return Unit.objects.add_root(instance=instance)
        return Unit.objects.add_child(Unit.objects.get(pk=parent.pk), instance=instance)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        """`UserFactory(password="…")` hashes that password; by default every user shares one
        hash of TEST_PASSWORD, computed once: a real hash costs about half a second."""
        if extracted is None:
            obj.password = _test_password_hash()
        else:
            obj.set_password(extracted)

    @factory.post_generation
    def persist(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class UnitRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitRole

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = factory.LazyFunction(lambda: Role.objects.get(code="staff"))


class DictTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DictType

    code = factory.Sequence(lambda n: f"dict_{n}")
    name = factory.Sequence(lambda n: f"字典{n}")
    name_en = factory.Sequence(lambda n: f"Dictionary {n}")


class DictItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DictItem

    dict_type = factory.SubFactory(DictTypeFactory)
    value = factory.Sequence(lambda n: f"value_{n}")
    label = factory.Sequence(lambda n: f"选项{n}")
    label_en = factory.Sequence(lambda n: f"Option {n}")


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor_name = "tester"
    action = "test.event"
    object_repr = factory.Sequence(lambda n: f"object {n}")


__all__ = [
    "ApiToken",
    "AuditEventFactory",
    "DictItemFactory",
    "DictTypeFactory",
    "UnitFactory",
    "UnitRoleFactory",
    "UserFactory",
]
