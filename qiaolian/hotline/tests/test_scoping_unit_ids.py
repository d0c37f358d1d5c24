"""`restrict_by_unit_ids` (the figures' and queue counts' form of the scope) selects exactly
what `restrict().in_subtree()` selects, for every member of the cast and every unit picked."""

import pytest

from qiaolian.core.scoping import Action
from qiaolian.hotline.models import Case, Survey
from qiaolian.hotline.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

WHO = (
    "city_admin",
    "district_manager",
    "district_clerk",
    "township_worker",
    "sibling_manager",
    "volunteer",
    "portal_user",
    "nobody",
)


def test_it_selects_what_restrict_selects(cast):
    units = (cast.city, cast.district_a, cast.township_a1, cast.district_b)
    for unit in units:
        CaseFactory(unit=unit)
        CaseFactory(unit=unit, assignee=cast.volunteer)
    for survey_case in Case.objects.all():
        Survey.objects.create(
            case=survey_case, token_hash=f"h{survey_case.pk}", expires_at=survey_case.opened_at
        )
    for name in WHO:
        user = cast.fresh(getattr(cast, name))
        for within in (None, *units):
            for model, field in ((Case, "unit"), (Survey, "case__unit")):
                expected = set(
                    model.objects.restrict(user, Action.VIEW)
                    .in_subtree(within)
                    .values_list("pk", flat=True)
                )
                got = set(
                    model.objects.restrict_by_unit_ids(
                        user, Action.VIEW, within=within, unit_field=field
                    ).values_list("pk", flat=True)
                )
                assert got == expected, (name, within, model.__name__)
    # The volunteer (granted at district A) sees only their own cases of A and its township.
    volunteer = cast.fresh(cast.volunteer)
    mine = Case.objects.restrict_by_unit_ids(volunteer, Action.VIEW)
    assert {(c.unit, c.assignee) for c in mine} == {
        (cast.district_a, cast.volunteer),
        (cast.township_a1, cast.volunteer),
    }
