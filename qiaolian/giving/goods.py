"""Goods donations: their lines are received into stock through the relief app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def receive_lines(*, actor: Any, donation: Any, lines: list[dict]) -> Decimal:
    raise NotImplementedError("goods donations need the relief stock API")


def seed_goods(seeder: Any, drive: Any, goods: list) -> int:
    """The seed's goods donations (none until the relief app's stock API is merged)."""
    return 0


def lines_with_trace(*, user: Any, donation: Any) -> list[dict]:
    """The donation's goods lines, each with where its lot went (none before relief)."""
    return []
