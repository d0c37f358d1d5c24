"""A year of the 24-hour hotline's work as demo data, fast and idempotent — the reference
text's figures, exactly. The year is 362 days ending yesterday, whatever day the seed runs
(`plan.SeedYear`): the default period of the figures page and commands (the last 365 days up
to today) shows exactly these numbers on the day of the seed, and the open work lies around
today:

- 22,486 hotline contacts (热线来电来访) = calls + cases opened without a call;
- 1,005 tomb-sweeping services done (most around the year's Qingming, some around its 冬至
  and a few on other days; proxy and cloud), plus a few scheduled in the coming two weeks;
- 1,236 problems resolved (cases resolved in the year, tomb-sweeping counted apart), and a
  few dozen cases still open in every queue (new and unassigned, assigned, in progress,
  waiting for the requester), opened in the last hours and mostly within their SLA; the few
  past a due time are already flagged and reported, as the SLA sweep would have done, so the
  first sweep after the seed reports no breach.

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

    plan.py        how much to create (Plan) and the year's dates (SeedYear)
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
    RANDOM_SEED,
    YEAR_DAYS,
    Plan,
    SeedYear,
    plan_for,
    seed_year,
)
from qiaolian.hotline.seed.seeder import seed_hotline

__all__ = [
    "CITY_CODE",
    "RANDOM_SEED",
    "YEAR_DAYS",
    "Plan",
    "SeedYear",
    "plan_for",
    "seed_hotline",
    "seed_year",
]
