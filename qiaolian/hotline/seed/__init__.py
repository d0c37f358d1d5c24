"""A year of the 24-hour hotline's work (2025-12-01 … 2026-11-27) as demo data, fast and
idempotent — the reference text's figures, exactly:

- 22,486 hotline contacts (热线来电来访) = calls + cases opened without a call;
- 1,005 tomb-sweeping services done (most around Qingming 2026-04-05, some around 冬至
  2025-12-21/22 and a few on other days; proxy and cloud), plus a few still scheduled for
  冬至 2026;
- 1,236 problems resolved (cases resolved in the year, tomb-sweeping counted apart), and a
  few dozen cases still open in every queue (new and unassigned, assigned, in progress,
  waiting for the requester).

The work is spread over the city federation and its ten districts, with seasonal peaks
(Spring Festival, Qingming), day and night calls from abroad, requesters drawn from the
seeded register, realistic subjects per category, SLA due times, first responses and some
breaches, satisfaction ratings for part of the resolved cases and a knowledge base of answers.
Volunteers: the demo login `volunteer_doctor` (a doctor of 海曙区) and colleagues so that
doctors cover the whole day in shifts around now, plus lawyers (the network seed's lawyer
accounts when there are some), psychologists and interpreters.

Everything is bulk-created. Each row is built by a function of `rows.py` (case numbers
RX-YYYY-NNNNNN with CaseCounter set to the last one issued, `opened_month`, SLA due times and
breach flags) or `timeline.py` (the cases' timelines), which the parity test
(`hotline/tests/test_seed_parity.py`) also calls and compares field by field with what the
services write for the same input. The article scale takes a few seconds. It runs once: when
any case exists it changes nothing.
SEED_HOTLINE_PLAN ("article", "tiny", "off"; default: whatever SEED_NETWORK_PLAN says, which
the tests set to "tiny") picks the volumes.

    plan.py        how much to create (Plan) and the year's fixed dates
    content.py     subjects, cemeteries, comments, the knowledge base's answers
    rows.py        one row of each model, as the services would write it
    timeline.py    the lines of the cases' timelines, as the services would write them
    draws.py       the random draws (days, moments, units, requesters, assignees)
    volunteers.py  volunteers and their shifts
    work.py        cases, calls, timelines, tomb-sweeping orders, surveys
    seeder.py      the run
"""

from qiaolian.hotline.seed.plan import (
    CITY_CODE,
    DONGZHI_2025,
    DONGZHI_2026,
    PERIOD_END,
    PERIOD_START,
    QINGMING,
    RANDOM_SEED,
    SPRING_FESTIVAL,
    Plan,
    plan_for,
)
from qiaolian.hotline.seed.seeder import seed_hotline

__all__ = [
    "CITY_CODE",
    "DONGZHI_2025",
    "DONGZHI_2026",
    "PERIOD_END",
    "PERIOD_START",
    "QINGMING",
    "RANDOM_SEED",
    "SPRING_FESTIVAL",
    "Plan",
    "plan_for",
    "seed_hotline",
]
