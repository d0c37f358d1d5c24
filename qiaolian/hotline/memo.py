"""Answers kept on a case object for the length of one page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def page_memo(case: Any, key: tuple | str, compute: Callable[[], Any]) -> Any:
    """Keep a per-case answer on the case object: the case page and its panels share one
    instance per request, and each used to ask the database again."""
    memo = case.__dict__.setdefault("_page_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]
