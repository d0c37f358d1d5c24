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
