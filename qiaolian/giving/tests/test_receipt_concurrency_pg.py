"""Receipt numbers under concurrency: donations recorded at the same moment in separate
connections take distinct numbers 1…n with no gap (the counter row is locked while a number is
taken); two reissues of one receipt at once are one reissue and one refusal.

PostgreSQL only: SQLite's test database is one connection that serialises writers itself."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qiaolian.core.testing.cast import Cast
from qiaolian.giving import services
from qiaolian.giving.models import Receipt, ReceiptCounter
from qiaolian.giving.tests.factories import DonorFactory, give

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks across connections (CI's PostgreSQL pass runs it)",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 6


def _run(targets):
    start = threading.Barrier(len(targets))
    errors: list[BaseException] = []
    results: list = []

    def wrap(target):
        try:
            start.wait(timeout=30)
            results.append(target())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_concurrent_donations_take_gapless_distinct_numbers():
    cast = Cast.build()
    donors = [DonorFactory(unit=cast.district_a) for _ in range(THREADS)]

    def record(donor):
        return lambda: give(cast.district_manager, cast.district_a, donor=donor).pk

    results, errors = _run([record(d) for d in donors])
    assert not errors, errors
    assert len(results) == THREADS
    numbers = sorted(Receipt.objects.filter(unit=cast.district_a).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))
    assert ReceiptCounter.objects.get(unit=cast.district_a, year=2020).last == THREADS


def test_two_reissues_of_one_receipt_at_once_one_wins():
    cast = Cast.build()
    receipt = give(cast.district_manager, cast.district_a, on=date(2020, 2, 1)).valid_receipt

    def reissue():
        return services.receipt_reissue(
            actor=cast.district_manager, receipt=receipt, reason="重开"
        ).pk

    results, errors = _run([reissue, reissue])
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert receipt.donation.receipts.filter(status="valid").count() == 1
