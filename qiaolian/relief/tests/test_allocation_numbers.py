"""Allocation numbers (FP2026-0001) never collide: the next follows the year's highest (a gap
left by a deleted proposal is no trap) and a number taken meanwhile by a concurrent proposal is
taken again, nothing half-written."""

import pytest
from django.utils import timezone

from qiaolian.relief import allocation as allocation_module
from qiaolian.relief import services
from qiaolian.relief.models import Allocation, AllocationLine
from qiaolian.relief.tests.factories import receive
from qiaolian.relief.tests.test_flow import need, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _propose(cast, house, n):
    return services.allocation_propose(actor=cast.district_manager, warehouse=house, lines=[(n, 1)])


def test_numbers_follow_the_highest_even_after_a_gap(world):  # noqa: F811
    cast, item, house, it, *_ = world
    receive(cast.district_manager, house, item, 10)
    n = need(cast.district_manager, it, item, 10)
    year = timezone.localdate().year
    first, second, third = (_propose(cast, house, n) for _ in range(3))
    assert [first.number, second.number, third.number] == [
        f"FP{year}-0001",
        f"FP{year}-0002",
        f"FP{year}-0003",
    ]
    AllocationLine.objects.filter(allocation=second).delete()
    second.delete()  # two left: a count would give 0003 again
    assert _propose(cast, house, n).number == f"FP{year}-0004"


def test_a_number_taken_meanwhile_is_taken_again(world, monkeypatch):  # noqa: F811
    cast, item, house, it, *_ = world
    receive(cast.district_manager, house, item, 10)
    n = need(cast.district_manager, it, item, 10)
    taken = _propose(cast, house, n)
    real = allocation_module._number
    answers = iter([taken.number])  # as if a concurrent proposal saved this number first

    calls = []

    def racing():
        calls.append(1)
        return next(answers, None) or real()

    monkeypatch.setattr(allocation_module, "_number", racing)
    later = _propose(cast, house, n)
    assert len(calls) == 2  # the taken number, then the next free one
    assert later.number != taken.number
    assert Allocation.objects.filter(number=taken.number).count() == 1
    assert later.lines.count() == 1 and Allocation.objects.count() == 2
