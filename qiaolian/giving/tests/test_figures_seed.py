"""The figures equal a recount of the records and leave the sibling unit out; the seed gives
the reference text's 70,037,000 yuan, one valid receipt per donation, and runs only once."""

from datetime import date
from decimal import Decimal

import pytest

from qiaolian.core.figures import Period, compute_figures
from qiaolian.core.models import Unit, UnitKind, UnitRole
from qiaolian.core.testing.factories import UnitFactory, UserFactory
from qiaolian.giving import services
from qiaolian.giving.models import Donation, Donor, FundEntry, Receipt
from qiaolian.giving.tests.factories import DonorFactory, FundFactory, give, rate

pytestmark = pytest.mark.django_db

ALL_TIME = Period(date(2000, 1, 1), date(2100, 1, 1))
KEYS = [
    "giving.raised_cny",
    "giving.money_cny",
    "giving.goods_cny",
    "giving.donations",
    "giving.donors",
    "giving.fund_balance_cny",
]


def test_figures_equal_a_recount_and_leave_the_sibling_out(cast):
    from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

    rate("USD", "6.96")
    fund = FundFactory(unit=cast.district_a)
    repeat = DonorFactory(unit=cast.district_a)
    give(cast.district_manager, cast.district_a, amount="1000", donor=repeat, to_fund=True)
    give(cast.district_manager, cast.district_a, amount="500", donor=repeat)
    give(cast.district_manager, cast.township_a1, amount="100", currency="USD")
    services.donation_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        donor=DonorFactory(unit=cast.district_a),
        kind="goods",
        received_on=date(2020, 2, 3),
        lines=[
            {
                "item": ItemFactory(unit=cast.city, value_cny=Decimal("2.50")),
                "warehouse": WarehouseFactory(unit=cast.district_a),
                "quantity": 400,
            }
        ],
    )
    services.fund_income(
        actor=cast.district_manager,
        fund=fund,
        amount=Decimal("12.34"),
        booked_on=date(2020, 6, 1),
        reason="利息",
    )
    give(cast.sibling_manager, cast.district_b, amount="99999", to_fund=False)
    FundFactory(unit=cast.district_b)
    got = compute_figures(
        user=cast.district_manager, unit=cast.district_a, period=ALL_TIME, keys=KEYS
    )
    mine = Donation.objects.filter(unit__path__startswith=cast.district_a.path)
    assert got["giving.raised_cny"] == sum(d.value_cny for d in mine) == Decimal("3196.00")
    assert got["giving.money_cny"] == Decimal("2196.00")  # 1000 + 500 + 100 × 6.96
    assert got["giving.goods_cny"] == Decimal("1000.00")
    assert got["giving.donations"] == mine.count() == 4
    assert got["giving.donors"] == len({d.donor_id for d in mine}) == 3
    assert got["giving.fund_balance_cny"] == Decimal("1012.34")
    assert sum(e.amount for e in FundEntry.objects.filter(fund=fund)) == Decimal("1012.34")
    spring = compute_figures(
        user=cast.district_manager,
        unit=cast.district_a,
        period=Period(date(2020, 2, 2), date(2020, 2, 28)),
        keys=["giving.donations"],
    )
    assert spring["giving.donations"] == 1  # only the goods of 3 February


def _ningbo():
    from qiaolian.core.models import Role
    from qiaolian.core.roles import ensure_builtin_roles

    ensure_builtin_roles()
    city = UnitFactory(code="330200", name="宁波市侨联", kind=UnitKind.CITY)
    admin = UserFactory(username="city_admin", home_unit=city)
    staff = UserFactory(username="city_staff", home_unit=city)
    UnitRole.objects.create(user=admin, unit=city, role=Role.objects.get(code="unit_admin"))
    UnitRole.objects.create(user=staff, unit=city, role=Role.objects.get(code="staff"))
    return city, admin


def test_the_seed_raises_exactly_70037000_yuan_with_one_valid_receipt_each():
    from qiaolian.giving.seed import TOTAL_CNY, run
    from qiaolian.relief.seed import seed_catalogue

    city, admin = _ningbo()
    seed_catalogue(city)
    made = run(1)
    assert Decimal(made["raised_cny"]) == TOTAL_CNY == Decimal("70037000")
    assert made["goods_donations"] >= 5
    donations = Donation.objects.filter(unit=city)
    assert sum(d.value_cny for d in donations) == TOTAL_CNY
    got = compute_figures(
        user=admin,
        unit=Unit.objects.get(code="330200"),
        period=ALL_TIME,
        keys=["giving.raised_cny", "giving.goods_cny"],
    )
    assert got["giving.raised_cny"] == Decimal("70037000.00")
    assert got["giving.goods_cny"] > 0
    for donation in donations:
        assert donation.receipts.filter(status="valid").count() == 1
    numbers = sorted(Receipt.objects.filter(unit=city, year=2020).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert Receipt.objects.filter(status="void").count() == 1
    assert Donor.objects.filter(mobilised_by__name="宁波市侨商会").count() >= 40
    # A second run changes nothing.
    before = (Donation.objects.count(), Receipt.objects.count(), FundEntry.objects.count())
    assert run(1)["skipped"]
    assert (Donation.objects.count(), Receipt.objects.count(), FundEntry.objects.count()) == before
