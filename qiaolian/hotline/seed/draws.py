"""The seed's random draws: days with seasonal peaks, moments by day and night, units,
requesters, assignees, and the case numbers issued in order."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

import phonenumbers
from django.utils import timezone

from qiaolian.core.models import Unit, User
from qiaolian.hotline.models import CATEGORY_PROFESSION
from qiaolian.hotline.seed.content import SURNAMES, TITLES
from qiaolian.hotline.seed.plan import (
    DONGZHI_2025,
    PERIOD_END,
    PERIOD_START,
    QINGMING,
    SPRING_FESTIVAL,
)
from qiaolian.hotline.seed.rows import case_number


def valid_mobile(code: str, lead: str, digits: str) -> str:
    """+code lead digits in E.164, its first digit moved up when the random draw fell in an
    unallocated range (917-1xx in New York, 06 9x in France): `call_log` refuses those."""
    for first in (digits[0], *"23456789"):
        phone = f"+{code}{lead}{first}{digits[1:]}"
        if phonenumbers.is_valid_number(phonenumbers.parse(phone)):
            return phone
    raise ValueError(f"no valid mobile number near +{code}{lead}{digits}")


class DrawSteps:
    rng: random.Random
    zone: Any
    days: list[date]
    day_weights: list[float]
    units: list[Unit]
    unit_weights: list[float]
    people: list[tuple[Any, str, str, str]]
    numbers: dict[int, int]
    volunteers: Any
    staff: dict[int, list[User]]

    @staticmethod
    def _day_weight(day: date) -> float:
        weight = 1.0
        if day.weekday() >= 5:
            weight *= 0.8
        if abs((day - SPRING_FESTIVAL).days) <= 10:
            weight *= 1.5  # family matters, travel, documents before the holiday
        if -20 <= (day - QINGMING).days <= 5:
            weight *= 1.6
        return weight

    def _moment(self, day: date, night_share: float = 0.25) -> datetime:
        """A time on `day` (Beijing time): mostly office hours, a share at night (callers in
        Europe and the Americas)."""
        rng = self.rng
        if rng.random() < night_share:
            hour = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 20, 21, 22, 23])
        else:
            hour = rng.randint(8, 19)
        naive = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=hour, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
        )
        return timezone.make_aware(naive, self.zone)

    def _day(self, first: date = PERIOD_START, last: date = PERIOD_END) -> date:
        lo = (first - PERIOD_START).days
        hi = (last - PERIOD_START).days + 1
        return self.rng.choices(self.days[lo:hi], self.day_weights[lo:hi])[0]

    def _unit(self) -> Unit:
        return self.rng.choices(self.units, self.unit_weights)[0]

    def _requester(self) -> tuple[Any, str, str, str]:
        rng = self.rng
        if self.people and rng.random() < 0.8:
            return rng.choice(self.people)
        name = rng.choice(SURNAMES) + rng.choice(TITLES)
        country = rng.choice([("39", "3", 9), ("34", "6", 8), ("33", "6", 8), ("1", "917", 7)])
        code, lead, digits = country
        phone = valid_mobile(code, lead, str(rng.randint(10 ** (digits - 1), 10**digits - 1)))
        return None, name, phone, ""  # the zone: the phone's own, as `case_open` finds it

    def _number(self, opened: datetime) -> str:
        year = timezone.localtime(opened).year
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return case_number(year, self.numbers[year])

    def _assignee(self, unit: Unit, category: str) -> User | None:
        profession = CATEGORY_PROFESSION.get(category)
        if profession:
            team = [
                v
                for v in self.volunteers.by_profession.get(profession, [])
                if unit.path.startswith(v.unit.path)
            ]
            if team and self.rng.random() < 0.7:
                return self.rng.choice(team).user
        staff = self.staff.get(unit.pk) or []
        return self.rng.choice(staff) if staff else None

    def _tomb_day(self) -> date:
        rng = self.rng
        roll = rng.random()
        if roll < 0.86:  # Qingming: the fortnight around 4 April, peaking on the day
            return QINGMING + timedelta(days=round(rng.triangular(-9, 5, 0)))
        if roll < 0.98:  # 冬至 2025
            return DONGZHI_2025 + timedelta(days=rng.choice([-2, -1, -1, 0, 0, 0, 1]))
        return rng.choice([date(2026, 8, 27), date(2026, 11, 9), date(2026, 1, 26)])
