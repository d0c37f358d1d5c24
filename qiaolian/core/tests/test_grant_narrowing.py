"""Granting cannot widen a narrowed grant: an actor who holds ADMIN everywhere in a unit but
VIEW there only through an assigned-records role cannot hand out whole-subtree VIEW."""

import pytest
from django.core.exceptions import PermissionDenied

from qiaolian.core import services
from qiaolian.core.models import Role, UnitRole
from qiaolian.core.scoping import Action, Narrowing
from qiaolian.core.testing.factories import UserFactory


@pytest.fixture
def narrowed_admin(cast):
    # ADMIN over district A, but VIEW only through the volunteer (assigned-only) role.
    admin_only = Role.objects.create(
        code="admin_only", name="只管账号", actions=[Action.ADMIN.value]
    )
    actor = UserFactory(username="narrowed", home_unit=cast.district_a)
    UnitRole.objects.create(user=actor, unit=cast.district_a, role=admin_only)
    UnitRole.objects.create(
        user=actor, unit=cast.district_a, role=Role.objects.get(code="volunteer")
    )
    return actor


def test_it_refuses_to_grant_whole_subtree_view_from_an_assigned_only_grant(cast, narrowed_admin):
    readonly = Role.objects.get(code="readonly")
    assert readonly.narrowing == Narrowing.SUBTREE
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=narrowed_admin, user=cast.nobody, unit=cast.district_a, role=readonly
        )
    # Nothing was written: the refusal happens before the grant row.
    assert not UnitRole.objects.filter(user=cast.nobody).exists()


def test_it_allows_granting_the_same_narrowed_role(cast, narrowed_admin):
    volunteer = Role.objects.get(code="volunteer")
    services.role_grant(
        actor=narrowed_admin, user=cast.nobody, unit=cast.district_a, role=volunteer
    )
    assert UnitRole.objects.filter(user=cast.nobody, role=volunteer).exists()
