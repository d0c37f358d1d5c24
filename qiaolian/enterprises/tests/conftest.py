"""The app's tests read messages in English (the site's default language is Chinese)."""

import pytest
from django.utils import translation

from qiaolian.core.models import Role, UnitRole
from qiaolian.core.testing.factories import UserFactory
from qiaolian.enterprises.tests.factories import AssignmentFactory, EnterpriseFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(cast):
    """A liaison officer of district A (the built-in liaison role, narrowed to assigned)."""
    user = UserFactory(username="officer_a", display_name="甲区联络员", home_unit=cast.district_a)
    UnitRole.objects.create(user=user, unit=cast.district_a, role=Role.objects.get(code="liaison"))
    return user


@pytest.fixture
def firms(cast, officer):
    """Two enterprises of district A (one assigned to the officer), one of district B."""
    mine = EnterpriseFactory(unit=cast.district_a, name="甲区联络企业")
    other = EnterpriseFactory(unit=cast.district_a, name="甲区其他企业")
    sibling = EnterpriseFactory(unit=cast.district_b, name="乙区企业")
    AssignmentFactory(enterprise=mine, officer=officer)
    return mine, other, sibling
