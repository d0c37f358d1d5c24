"""Helpers shared by the calls and volunteers tests (not a test module)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from qiaolian.core.models import Role, UnitRole
from qiaolian.core.testing.factories import UserFactory
from qiaolian.hotline.tests.factories import ShiftFactory, VolunteerFactory

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


def volunteer_with_grant(unit, *, profession="doctor", languages="中文", name="", role="volunteer"):
    """A volunteer whose account holds the volunteer role at `unit` (so cases of the unit may
    be assigned to them, as in real life)."""
    user = UserFactory(home_unit=unit, display_name=name or f"医生{unit.code}")
    UnitRole.objects.create(user=user, unit=unit, role=Role.objects.get(code=role))
    return VolunteerFactory(unit=unit, user=user, profession=profession, languages=languages)


def shift(volunteer, start, end, **kwargs):
    return ShiftFactory(volunteer=volunteer, starts_at=start, ends_at=end, **kwargs)
