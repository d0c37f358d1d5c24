"""`require_unit` is the one guard services use before writing into a unit."""

import pytest
from django.core.exceptions import PermissionDenied

from qiaolian.core.scoping import Action, require_unit


def test_it_passes_for_a_unit_below_the_actors_grant(cast):
    require_unit(cast.district_manager, Action.ADD, cast.township_a1)


def test_it_refuses_a_sibling_unit_with_the_callers_message(cast):
    with pytest.raises(PermissionDenied, match="not yours"):
        require_unit(cast.district_manager, Action.ADD, cast.district_b, "not yours")


def test_it_refuses_a_missing_unit(cast):
    # A form left empty must never fall through to "allowed".
    with pytest.raises(PermissionDenied):
        require_unit(cast.district_manager, Action.ADD, None)
