"""What a steward (a liaison officer, a volunteer) is offered on their group and its members:
only what they can save. Editing the group and choosing its stewards belong to the managers of
the group's unit; a liaison officer cannot end their own stewardship, nor edit a person they
see through their group."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from qiaolian.core.models import Role, UnitRole
from qiaolian.core.testing.factories import UserFactory
from qiaolian.network import services
from qiaolian.network.models import Steward
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory, StewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_group(cast):
    officer = UserFactory(username="liaison_officer", home_unit=cast.district_a)
    UnitRole.objects.create(
        user=officer, unit=cast.district_a, role=Role.objects.get(code="liaison")
    )
    group = GroupFactory(unit=cast.district_a, name="联络员的群")
    stewardship = StewardFactory(group=group, person=None, user=officer, role="cadre")
    member = MembershipFactory(group=group)
    return officer, group, stewardship, member


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_liaison_officer_cannot_end_their_own_stewardship(cast, officer_group):
    officer, _group, stewardship, _member = officer_group
    with pytest.raises(PermissionDenied):
        services.steward_remove(actor=officer, steward=stewardship)
    response = client_for(officer).post(
        reverse("network:steward_remove", args=[stewardship.public_id])
    )
    assert response.status_code == 403
    stewardship.refresh_from_db()
    assert stewardship.is_active
    # The unit's manager can.
    services.steward_remove(actor=cast.district_manager, steward=stewardship)
    assert not Steward.objects.get(pk=stewardship.pk).is_active


def test_the_group_page_offers_a_steward_only_what_they_can_save(cast, officer_group):
    officer, group, stewardship, _member = officer_group
    client = client_for(officer)
    page = client.get(reverse("network:group_detail", args=[group.public_id])).content.decode()
    assert 'id="group-contacted"' in page  # a steward records their contacts
    assert 'id="group-edit"' not in page
    assert 'id="steward-add"' not in page
    assert reverse("network:steward_remove", args=[stewardship.public_id]) not in page
    assert client.get(reverse("network:group_edit", args=[group.public_id])).status_code == 403
    assert client.get(reverse("network:steward_add", args=[group.public_id])).status_code == 403
    manager_page = client_for(cast.district_manager).get(
        reverse("network:group_detail", args=[group.public_id])
    )
    assert 'id="group-edit"' in manager_page.content.decode()


def test_a_member_seen_through_the_group_is_not_offered_an_edit(cast, officer_group):
    officer, _group, _stewardship, member = officer_group
    person = member.person
    client = client_for(officer)
    detail = client.get(reverse("people:person_detail", args=[person.public_id]))
    assert detail.status_code == 200
    assert detail.context["can_change"] is False
    assert reverse("people:person_edit", args=[person.public_id]) not in detail.content.decode()
    assert client.get(reverse("people:person_edit", args=[person.public_id])).status_code == 403
    manager = client_for(cast.district_manager).get(
        reverse("people:person_detail", args=[person.public_id])
    )
    assert manager.context["can_change"] is True
