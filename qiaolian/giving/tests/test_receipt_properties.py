"""Property (hypothesis): across random sequences of donations, reissues and refused attempts,
every donation has exactly one valid receipt, and each unit's numbers of a year run 1…n with no
gap and no repeat (the counter holds n). Runs on SQLite and on PostgreSQL (CI's pass)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiaolian.giving import services
from qiaolian.giving.models import Donation, Receipt, ReceiptCounter
from qiaolian.giving.tests.factories import DonorFactory, give

pytestmark = pytest.mark.django_db

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("give"), st.integers(0, 1), st.sampled_from([2020, 2021])),
        st.tuples(st.just("reissue"), st.integers(0, 50), st.sampled_from([2020, 2021])),
        st.tuples(st.just("reissue_void"), st.integers(0, 50), st.just(2020)),
        st.tuples(st.just("refused"), st.integers(0, 1), st.just(2020)),
    ),
    min_size=1,
    max_size=14,
)


class Rollback(Exception):
    pass


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
def test_every_donation_has_exactly_one_valid_receipt(cast, ops):
    units = [cast.district_a, cast.district_b]
    actors = {cast.district_a.pk: cast.district_manager, cast.district_b.pk: cast.sibling_manager}
    try:
        with transaction.atomic():
            donations: list[Donation] = []
            for op, index, year in ops:
                if op == "give":
                    unit = units[index]
                    donor = DonorFactory(unit=unit)
                    donations.append(give(actors[unit.pk], unit, donor=donor, on=date(year, 3, 1)))
                elif op == "refused":  # a currency without a rate: nothing written
                    with pytest.raises(ValidationError):
                        give(actors[units[index].pk], units[index], currency="NZD")
                elif donations:
                    donation = donations[index % len(donations)]
                    receipt = (
                        donation.valid_receipt
                        if op == "reissue"
                        else donation.receipts.order_by("pk").first()
                    )
                    try:
                        services.receipt_reissue(
                            actor=actors[donation.unit_id],
                            receipt=receipt,
                            reason="重开",
                            issued_on=date(year, 6, 1),
                        )
                    except (ValidationError, PermissionDenied):
                        assert receipt.status == Receipt.Status.VOID or op == "reissue_void"
                _check(donations)
            raise Rollback
    except Rollback:
        pass


def _check(donations: list[Donation]) -> None:
    for donation in donations:
        assert donation.receipts.filter(status=Receipt.Status.VALID).count() == 1
    for counter in ReceiptCounter.objects.all():
        numbers = sorted(
            Receipt.objects.filter(unit=counter.unit, year=counter.year).values_list(
                "number", flat=True
            )
        )
        assert numbers == list(range(1, counter.last + 1))
    for void in Receipt.objects.filter(status=Receipt.Status.VOID):
        assert void.void_reason and void.replaced_by.donation_id == void.donation_id
