"""The liaison grid's demo data at the reference text's scale, fast and idempotent.

At scale "article" (factor 1): 340 groups owned by districts and townships, 24,617 distinct
people in them (with a few percent near-duplicate records, as rosters of several groups
produce), ~70 associations in 25 countries with their leaders, and stewards: 350 cadres (staff
users), 133 doctors (volunteer users) and 111 lawyers (volunteer users, or people of the
register without an account). A further 5% of people — relatives and returnees in Ningbo —
are in no group, so the grid's first coverage gap is not empty. Factor N multiplies it all.

Everything is written in bulk (no per-row services, one summary audit row). Each row is built
by a function of `rows.py` that the parity test (`network/tests/test_seed_parity.py`) also
calls, and compares field by field with the row the services write for the same input
(pinyin with surname readings, normalised contacts, time zones, blind indexes, search tokens).
Running it again when seed people exist changes nothing.

    plan.py     how much to create (Plan)
    phones.py   names' pinyin, mobile numbers as people type them, time zones
    rows.py     one row of each model, as the services would write it
    bulk.py     the raw multi-row insert, the phase clock, apportioning
    seeder.py   the run: units, associations, groups, then people (people.py) and the grid
                (grid.py)
"""

from qiaolian.network.seed.plan import CITY_CODE, RANDOM_SEED, Plan
from qiaolian.network.seed.seeder import seed_network

__all__ = ["CITY_CODE", "RANDOM_SEED", "Plan", "seed_network"]
