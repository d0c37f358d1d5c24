"""A merged-away person stays readable for the merge history but is no longer edited."""

import pytest
from django.urls import reverse

from qiaolian.people.models import Person
from qiaolian.people.tests.factories import PersonFactory


@pytest.fixture
def merged_pair(cast):
    survivor = PersonFactory(unit=cast.district_a, surname="王", given_name="伟")
    merged = PersonFactory(unit=cast.district_a, surname="Wong", given_name="Wei")
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    return survivor, merged


def test_it_points_a_merged_record_to_its_survivor_and_hides_edit(client, cast, merged_pair):
    survivor, merged = merged_pair
    client.force_login(cast.district_manager)
    response = client.get(reverse("people:person_detail", args=[merged.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="merged-banner"' in body
    assert reverse("people:person_detail", args=[survivor.public_id]) in body
    # The edit button is gone: edits go to the surviving record.
    assert 'id="person-edit"' not in body


def test_it_does_not_link_a_survivor_outside_the_readers_scope(client, cast, merged_pair):
    survivor, merged = merged_pair
    Person.objects.filter(pk=survivor.pk).update(unit=cast.district_b)
    client.force_login(cast.district_manager)
    body = client.get(reverse("people:person_detail", args=[merged.public_id])).content.decode()
    assert 'id="merged-banner"' in body
    assert str(survivor.public_id) not in body
