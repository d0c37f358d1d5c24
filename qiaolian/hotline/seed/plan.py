"""How much hotline work the seed creates, and the arithmetic fixed before anything is
written (so the figures are known exactly in advance)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from django.conf import settings
from django.utils import timezone

from qiaolian.hotline.models import Channel

RANDOM_SEED = 20260405
CITY_CODE = "330200"
YEAR_DAYS = 362  # the seed's year: 362 days ending yesterday, inside "the last 365 days"


@dataclass(frozen=True)
class SeedYear:
    """The seed's dates, all relative to the day it runs (`today`): its year ends yesterday,
    so the default period of every figures page and command (the last 365 days up to today)
    holds all of it; the open work lies around today. The feasts (Qingming, Spring Festival,
    the winter solstice) are the real ones inside that year, so the seasonal peaks fall where
    they fall; only the dates move with the run date, never the numbers."""

    today: date
    start: date
    end: date
    qingming: date
    spring_festival: date
    dongzhi: date

    @classmethod
    def before(cls, today: date) -> SeedYear:
        end = today - timedelta(days=1)
        start = end - timedelta(days=YEAR_DAYS - 1)
        return cls(
            today=today,
            start=start,
            end=end,
            qingming=_last_feast(end, "Tomb-Sweeping Day"),
            spring_festival=_last_feast(end, "Chinese New Year's Eve") + timedelta(days=1),
            # 冬至 falls on 21 or 22 December; the 21st is near enough for a peak of orders.
            dongzhi=max(
                d for d in (date(end.year - 1, 12, 21), date(end.year, 12, 21)) if d <= end
            ),
        )

    def wrap(self, day: date) -> date:
        """`day` moved into the year, before its last day, by a whole year if need be: a
        feast at one edge of the year has its other days at the other edge (last year's
        Qingming tail at the start, this year's first days at the end)."""
        if day < self.start:
            day += timedelta(days=YEAR_DAYS)
        if day >= self.end:
            day -= timedelta(days=YEAR_DAYS)
        return day


def _last_feast(end: date, name: str) -> date:
    """The last day named `name` in China's public holidays on or before `end`."""
    found = holidays.China(years=[end.year - 1, end.year], language="en_US")
    return max(day for day, label in found.items() if label == name and day <= end)


def seed_year(today: date | None = None) -> SeedYear:
    """The seed's year for a run today (Beijing time, the site's zone)."""
    return SeedYear.before(today or timezone.localdate())


@dataclass(frozen=True)
class Plan:
    """How much hotline work to create; `Plan.article(n)` is the reference text's times n."""

    contacts: int
    tomb_done: int
    tomb_scheduled: int
    resolved: int
    open_cases: int
    answers: int = 14
    survey_share: float = 0.45  # of the resolved problems, answered
    # Channels of the problem cases (the tomb-sweeping orders have their own mix).
    channel_weights: tuple[tuple[str, float], ...] = (
        (Channel.CALL, 0.52),
        (Channel.WECHAT, 0.22),
        (Channel.PORTAL, 0.10),
        (Channel.WALK_IN, 0.07),
        (Channel.EMAIL, 0.06),
        (Channel.LETTER, 0.03),
    )
    tomb_channel_weights: tuple[tuple[str, float], ...] = (
        (Channel.WECHAT, 0.45),
        (Channel.CALL, 0.30),
        (Channel.PORTAL, 0.20),
        (Channel.EMAIL, 0.05),
    )
    followup_share: float = 0.15  # call cases that also got an outbound follow-up call

    @classmethod
    def article(cls, factor: int = 1) -> Plan:
        return cls(
            contacts=22_486 * factor,
            tomb_done=1_005 * factor,
            tomb_scheduled=18 * factor,
            resolved=1_236 * factor,
            open_cases=64 * factor,
        )

    @classmethod
    def tiny(cls) -> Plan:
        """For tests: the same code path in well under a second."""
        return cls(
            contacts=400, tomb_done=12, tomb_scheduled=2, resolved=30, open_cases=8, answers=4
        )

    # --- the arithmetic, fixed before anything is written -------------------------------

    def problem_channels(self) -> list[str]:
        return spread(self.resolved + self.open_cases, self.channel_weights)

    def tomb_channels(self) -> list[str]:
        return spread(self.tomb_done + self.tomb_scheduled, self.tomb_channel_weights)

    def totals(self) -> dict[str, int]:
        """The figures the seed will produce for the year (what `case_stats` must report)."""
        channels = self.problem_channels() + self.tomb_channels()
        call_cases = sum(1 for c in channels if c == Channel.CALL)
        call_less = len(channels) - call_cases
        followups = round(call_cases * self.followup_share)
        calls = self.contacts - call_less
        free_calls = calls - call_cases - followups
        if free_calls < 0:
            raise ValueError("the plan has more cases than contacts")
        return {
            "contacts": self.contacts,
            "calls": calls,
            "cases": len(channels),
            "cases_without_call": call_less,
            "call_cases": call_cases,
            "followup_calls": followups,
            "calls_without_case": free_calls,
            "resolved": self.resolved,
            "open": self.open_cases + self.tomb_scheduled,  # scheduled orders: in progress
            "tomb_sweeping": self.tomb_done,
        }


def spread(total: int, weights: tuple[tuple[str, float], ...]) -> list[str]:
    """`total` labels in proportion to the weights (largest remainder), in a fixed order."""
    labels = [label for label, _w in weights]
    raw = [w * total / sum(w for _l, w in weights) for _l, w in weights]
    sizes = [math.floor(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - sizes[i], reverse=True)[
        : total - sum(sizes)
    ]:
        sizes[i] += 1
    return [label for label, n in zip(labels, sizes, strict=True) for _ in range(n)]


def plan_for(scale: int = 1) -> Plan | None:
    mode = getattr(settings, "SEED_HOTLINE_PLAN", None) or getattr(
        settings, "SEED_NETWORK_PLAN", "article"
    )
    if mode == "off":
        return None
    return Plan.tiny() if mode == "tiny" else Plan.article(scale)
