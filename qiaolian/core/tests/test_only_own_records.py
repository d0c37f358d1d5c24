"""`only_own_records`: who the staff site treats as a portal user (the notice page)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from qiaolian.core.scoping import only_own_records

pytestmark = pytest.mark.django_db


def test_only_a_user_whose_every_grant_is_their_own_records_is_a_portal_user(cast):
    assert only_own_records(cast.portal_user)
    assert not only_own_records(cast.district_manager)
    assert not only_own_records(None)
    assert not only_own_records(AnonymousUser())
    cast.portal_user.is_superuser = True
    assert not only_own_records(cast.portal_user)
