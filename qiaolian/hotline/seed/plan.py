"""How much hotline work the seed creates, and the arithmetic fixed before anything is
written (so the figures are known exactly in advance)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from qiaolian.hotline.models import Channel

RANDOM_SEED = 20260405
CITY_CODE = "330200"
PERIOD_START = date(2025, 12, 1)
PERIOD_END = date(2026, 11, 27)
QINGMING = date(2026, 4, 5)
DONGZHI_2025 = date(2025, 12, 22)  # 冬至 falls on 12-21 (evening) / 12-22 in 2025
DONGZHI_2026 = date(2026, 12, 21)
SPRING_FESTIVAL = date(2026, 2, 17)


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
