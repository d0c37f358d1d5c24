"""Mainland China's working calendar (holidays and make-up working days, 调休) for every app.

Reads: `is_working_day(day)`, `covered_years()`. Writes: `services`. Library seed: `seed`.
The SLA clock in hotline counts business hours over these working days.
"""

from qiaolian.core.workdays.query import (
    clear_cache,
    clear_local_cache,
    covered_years,
    is_working_day,
    year_schedule,
)

__all__ = [
    "clear_cache",
    "clear_local_cache",
    "covered_years",
    "is_working_day",
    "year_schedule",
]
