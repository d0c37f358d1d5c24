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
from qiaolian.hotline.seed.plan import SeedYear
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
    now: datetime
    year: SeedYear
    days: list[date]
    day_weights: list[float]
    units: list[Unit]
    unit_weights: list[float]
    people: list[tuple[Any, str, str, str]]
    numbers: dict[int, int]
    volunteers: Any
    staff: dict[int, list[User]]

    def _day_weight(self, day: date) -> float:
        weight = 1.0
        if day.weekday() >= 5:
            weight *= 0.8
        if abs((day - self.year.spring_festival).days) <= 10:
            weight *= 1.5  # family matters, travel, documents before the holiday
        if -20 <= (day - self.year.qingming).days <= 5:
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

    def _day(self, first: date | None = None, last: date | None = None) -> date:
        lo = ((first or self.year.start) - self.year.start).days
        hi = ((last or self.year.end) - self.year.start).days + 1
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
        """A service day inside the year, before its last day (the case is resolved a few
        hours after the service, still inside the year)."""
        rng, year = self.rng, self.year
        roll = rng.random()
        if roll < 0.86:  # Qingming: the fortnight around 4 April, peaking on the day
            day = year.qingming + timedelta(days=round(rng.triangular(-9, 5, 0)))
        elif roll < 0.98:  # 冬至
            day = year.dongzhi + timedelta(days=rng.choice([-2, -1, -1, 0, 0, 0, 1]))
        else:  # a birthday or an anniversary of a death, some other day of the year
            day = year.end - timedelta(days=rng.choice([92, 18, 305]))
        return year.wrap(day)

    def _recent(self, low_minutes: int, high_minutes: int) -> datetime:
        """A moment between `high_minutes` and `low_minutes` before the seed's now."""
        return self.now - timedelta(minutes=self.rng.randint(low_minutes, high_minutes))
