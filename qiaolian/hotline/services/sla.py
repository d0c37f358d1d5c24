"""SLA clock: due times from policies and calendars, pause while waiting, breach detection.

Interface used by `hotline.services.cases` (keep these signatures):
- `start_clock(case)`: pick the policy for the case's category/priority, set `sla_policy`,
  `first_response_due`, `resolution_due` (not saved: the caller saves).
- `on_status_change(case, old_status, new_status, at)`: pause when entering WAITING, resume
  (push due times by the calendar time paused) when leaving it, stop on RESOLVED/CLOSED,
  restart the resolution clock on reopen. Mutates the case; the caller saves.
- `on_first_response(case, at)`: record the first response (sets `first_response_at`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def start_clock(case: Any) -> None:
    return None


def on_status_change(case: Any, old_status: str, new_status: str, at: datetime) -> None:
    return None


def on_first_response(case: Any, at: datetime) -> None:
    if case.first_response_at is None:
        case.first_response_at = at
