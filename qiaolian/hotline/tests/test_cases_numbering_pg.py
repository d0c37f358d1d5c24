"""Case numbers under concurrency: several openings at the same moment, each in its own
database connection and transaction, get distinct and gapless numbers (the year's CaseCounter
row is locked with SELECT … FOR UPDATE; the first openings of a year also race to create it).

PostgreSQL only: SQLite's test database lives in one process-wide connection and serialises
writers itself, so threads there prove nothing. CI runs the suite a second time on PostgreSQL
(DATABASE_URL), where this test runs.
"""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qiaolian.core.testing.cast import Cast
from qiaolian.hotline.models import Case, CaseCounter
from qiaolian.hotline.services import cases as services

OPENINGS = 8
FAILURES = 2  # refused by full_clean after drawing a number: must not leave a gap

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks across connections (CI's PostgreSQL pass runs it)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_openings_get_distinct_gapless_numbers():
    cast = Cast.build()
    at = datetime(2027, 5, 4, 10, tzinfo=ZoneInfo("Asia/Shanghai"))  # a year with no counter
    start = threading.Barrier(OPENINGS + FAILURES)
    numbers: list[str] = []
    refused: list[Exception] = []
    crashed: list[BaseException] = []

    def open_one(index: int) -> None:
        try:
            start.wait(timeout=30)
            subject = "长" * 300 if index < FAILURES else f"并发开单 {index}"
            case = services.case_open(
                actor=cast.district_manager,
                unit=cast.district_a,
                category="policy",
                subject=subject,
                contact_name="王先生",
                opened_at=at,
            )
            numbers.append(case.number)
        except ValidationError as exc:
            refused.append(exc)
        except BaseException as exc:  # reported below, with the thread's own error
            crashed.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(OPENINGS + FAILURES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not crashed, crashed
    assert len(refused) == FAILURES
    # Distinct, and together exactly 1..N: no number issued twice, none lost to a failure.
    assert len(set(numbers)) == OPENINGS
    assert sorted(numbers) == [f"RX-2027-{n:06d}" for n in range(1, OPENINGS + 1)]
    assert CaseCounter.objects.get(year=2027).last == OPENINGS
    assert Case.objects.filter(number__startswith="RX-2027-").count() == OPENINGS
