"""The dashboard's counts group by what they say (a model's default ordering must not join the
GROUP BY and count each row on its own)."""

import pytest

from qiaolian.core import audit
from qiaolian.core.models import UnitKind
from qiaolian.core.selectors import dashboard_figures
from qiaolian.core.testing.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_units_are_counted_per_kind(cast):
    for _ in range(3):
        UnitFactory(parent=cast.district_a, kind=UnitKind.VILLAGE)
    figures = dashboard_figures(user=cast.district_manager, within=cast.district_a)
    assert figures["units_by_kind"][UnitKind.VILLAGE] == 3
    assert sum(figures["units_by_kind"].values()) == figures["units"]


def test_audit_events_are_counted_per_day(cast):
    for _ in range(4):
        audit.record(actor=cast.district_manager, action="test.event", unit=cast.district_a)
    figures = dashboard_figures(user=cast.district_manager, within=cast.district_a)
    assert figures["audit_series"][-1] >= 4  # today's four land in one day, not four
    assert figures["audit_today"] == figures["audit_series"][-1]


def test_only_the_unit_tree_carries_its_ordering_into_group_by():
    """Django leaves `Meta.ordering` out of GROUP BY, but an ordering set by a manager joins it.
    Only `Unit` (ordered by path in its manager) does so; its aggregates call `.order_by()`
    first (the dashboard above). A new model ordered the same way must be looked at too."""
    from django.apps import apps
    from django.db.models import Count

    carrying = set()
    for model in apps.get_models():
        if not model.__module__.startswith("qiaolian"):
            continue
        for field in model._meta.concrete_fields:
            sql = str(model._default_manager.values(field.attname).annotate(n=Count("pk")).query)
            group_by = sql[sql.find("GROUP BY") :].split("ORDER BY")[0]
            if "," in group_by:
                carrying.add(model.__name__)
                break
    assert carrying == {"Unit"}
