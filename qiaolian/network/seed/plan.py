"""How much grid demo data to create."""

from __future__ import annotations

from dataclasses import dataclass

RANDOM_SEED = 20200417
CITY_CODE = "330200"


@dataclass(frozen=True)
class Plan:
    """How much to create. `Plan.article(n)` is the reference text's volumes times n."""

    people_in_groups: int
    groups: int
    associations: int
    cadres: int
    doctors: int
    lawyers: int
    ungrouped: int
    duplicate_share: float = 0.03
    second_group_share: float = 0.12

    @classmethod
    def article(cls, factor: int = 1) -> Plan:
        return cls(
            people_in_groups=24_617 * factor,
            groups=340 * factor,
            associations=70 * factor,
            cadres=350 * factor,
            doctors=133 * factor,
            lawyers=111 * factor,
            ungrouped=1_231 * factor,
        )

    @classmethod
    def tiny(cls) -> Plan:
        """For tests: the same code path in a fraction of a second."""
        return cls(
            people_in_groups=240,
            groups=12,
            associations=6,
            cadres=13,
            doctors=5,
            lawyers=4,
            ungrouped=15,
        )
