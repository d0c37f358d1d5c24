"""Money, quantities and the conversion to yuan at a recorded rate (core/money.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from qiaolian.core.models import AuditEvent, ExchangeRate
from qiaolian.core.money import (
    CurrencyMismatch,
    MissingRate,
    Money,
    MoneyProperty,
    Quantity,
    QuantityProperty,
    exchange_rate_record,
    format_money,
    format_quantity,
    rate_on,
    register_unit,
    to_cny,
)

amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False)


# --- Money --------------------------------------------------------------------------------------


def test_it_keeps_the_amount_exact_and_the_currency_upper_case():
    assert Money("0.10", "usd") + Money("0.20", "USD") == Money(Decimal("0.3"), "USD")
    assert Money(12).amount == Decimal(12)
    assert Money(12).currency == "CNY"


def test_it_refuses_floats_and_malformed_values():
    # A float carries binary rounding into money: 0.1 is 0.1000000000000000055…
    with pytest.raises(TypeError, match="float"):
        Money(0.1, "CNY")
    with pytest.raises(TypeError):
        Money(Decimal(1)) * 1.5
    with pytest.raises(ValueError, match="not a number"):
        Money("ten")
    with pytest.raises(ValueError, match="finite"):
        Money("NaN")
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(1, "US")


def test_it_adds_and_compares_only_within_one_currency():
    with pytest.raises(CurrencyMismatch):
        Money(1, "CNY") + Money(1, "USD")
    with pytest.raises(CurrencyMismatch):
        Money(1, "CNY") < Money(1, "USD")  # noqa: B015 - the comparison itself must raise
    with pytest.raises(TypeError):
        Money(1) + 1
    assert Money(1, "CNY") != Money(1, "USD")


def test_it_multiplies_divides_negates_and_sums():
    assert Money("10.00") * 3 == Money(30)
    assert 3 * Money("10.00") == Money(30)
    assert Money(10) / 4 == Money("2.5")
    assert -Money(5) == Money(-5)
    assert abs(Money(-5)) == Money(5)
    assert sum([Money(1), Money(2)]) == Money(3)
    assert Money.total([], "USD") == Money(0, "USD")
    assert Money(2) > Money(1)
    assert not Money(0)
    with pytest.raises(TypeError):
        Money(1) * Money(2)


def test_it_rounds_to_the_smallest_coin_of_the_currency():
    assert Money("1.005").rounded() == Money("1.01")
    assert Money("1234.5", "JPY").rounded() == Money(1235, "JPY")


@given(a=amounts, b=amounts, c=amounts)
def test_addition_is_exact_associative_and_subtraction_undoes_it(a, b, c):
    x, y, z = Money(a), Money(b), Money(c)
    assert (x + y) + z == x + (y + z)
    assert (x + y) - y == x
    assert Money.total([x, y, z]).amount == a + b + c


# --- display ------------------------------------------------------------------------------------


def test_it_formats_yuan_with_the_sign_and_thousands():
    assert format_money(Money("1234.5"), "en") == "¥1,234.50"
    assert format_money(Money("1234.5"), "zh-hans") == "¥1,234.50"
    assert format_money(Money("-3.1", "EUR"), "en") == "-€3.10"
    assert format_money(Money("20", "USD"), "en") == "US$20.00"
    assert format_money(Money("1000", "XAF"), "en") == "XAF 1,000.00"  # unknown: its code
    assert format_money(Money("1000", "JPY"), "en") == "JP¥1,000"


def test_large_yuan_read_in_wan_in_chinese():
    # The reference text's total: 70,037,000 yuan is written 7003.7万元.
    assert format_money(Money(70_037_000), "zh-hans") == "7003.7万元"
    assert format_money(Money(10_000), "zh-hans") == "1万元"
    assert format_money(Money("12345.67"), "zh-hans") == "1.2346万元"
    assert format_money(Money(-20_000), "zh-hans") == "-2万元"
    assert format_money(Money(70_037_000), "en") == "¥70,037,000.00"
    with translation.override("zh-hans"):
        assert str(Money(70_037_000)) == "7003.7万元"


# --- storage ------------------------------------------------------------------------------------


class Row:
    price = MoneyProperty("price_amount", "price_currency")
    stock = QuantityProperty("stock_value", "stock_uom")

    def __init__(self):
        self.price_amount = None
        self.price_currency = "CNY"
        self.stock_value = None
        self.stock_uom = "piece"


def test_the_properties_read_and_write_both_columns():
    row = Row()
    assert row.price is None and row.stock is None
    row.price = Money("9.90", "HKD")
    row.stock = Quantity(12, "box")
    assert (row.price_amount, row.price_currency) == (Decimal("9.90"), "HKD")
    assert (row.stock_value, row.stock_uom) == (12, "box")
    assert row.price == Money("9.9", "HKD")
    assert row.stock == Quantity(12, "box")
    row.price = None
    assert row.price_amount is None
    with pytest.raises(TypeError):
        row.price = Decimal(1)


# --- exchange rates -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_converts_at_the_latest_rate_on_or_before_the_day(cast):
    exchange_rate_record(
        actor=cast.city_admin, currency="usd", on=date(2026, 1, 1), rate="7.1", source="中国银行"
    )
    exchange_rate_record(
        actor=cast.city_admin, currency="USD", on=date(2026, 2, 1), rate="7.2", source="中国银行"
    )
    assert to_cny(Money(100, "USD"), on=date(2026, 1, 31)) == Money(710)
    assert to_cny(Money(100, "USD"), on=date(2026, 2, 1)) == Money(720)
    assert to_cny(Money("0.07", "USD"), on=date(2026, 3, 1)) == Money("0.50")  # to the fen
    assert to_cny(Money(5), on=date(1990, 1, 1)) == Money(5)  # yuan need no rate
    assert rate_on("usd", date(2026, 1, 15)).rate == Decimal("7.1")
    event = AuditEvent.objects.get(action="exchange_rate.record", message="USD 2026-02-01")
    assert event.actor == cast.city_admin


@pytest.mark.django_db
def test_a_currency_without_a_rate_is_refused_in_both_languages(cast):
    exchange_rate_record(
        actor=cast.city_admin, currency="EUR", on=date(2026, 3, 1), rate="7.8", source="SAFE"
    )
    with pytest.raises(MissingRate) as caught:
        to_cny(Money(100, "EUR"), on=date(2026, 2, 28))  # the only rate is later
    message = caught.value.messages[0]
    assert "EUR" in message and "2026-02-28" in message and "2026年02月28日" in message
    assert isinstance(caught.value, ValidationError)  # forms and services show it as is
    with pytest.raises(MissingRate):
        to_cny(Money(100, "GBP"), on=date(2026, 3, 2))


@pytest.mark.django_db
def test_only_city_administrators_record_rates_and_only_once_a_day(cast):
    with pytest.raises(PermissionDenied):
        exchange_rate_record(
            actor=cast.district_manager, currency="USD", on=date(2026, 1, 1), rate="7", source="x"
        )
    with pytest.raises(ValidationError):
        exchange_rate_record(
            actor=cast.city_admin, currency="USD", on=date(2026, 1, 1), rate="0", source="x"
        )
    exchange_rate_record(
        actor=cast.city_admin, currency="USD", on=date(2026, 1, 1), rate="7", source="x"
    )
    with pytest.raises(ValidationError):
        exchange_rate_record(
            actor=cast.city_admin, currency="USD", on=date(2026, 1, 1), rate="7.3", source="x"
        )
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.create(currency="USD", date=date(2026, 1, 1), rate=8, source="y")


# --- quantities ---------------------------------------------------------------------------------


def test_quantities_are_whole_numbers_of_a_known_unit():
    assert Quantity(2000, "piece") + Quantity(500, "piece") == Quantity(2500, "piece")
    assert Quantity(3, "box") * 4 == Quantity(12, "box")
    assert sum([Quantity(1, "pair"), Quantity(2, "pair")]) == Quantity(3, "pair")
    assert -Quantity(3, "box") == Quantity(-3, "box")
    assert Quantity(3, "box") - Quantity(5, "box") == Quantity(-2, "box")
    assert Quantity(1, "box") < Quantity(2, "box")
    assert Quantity.zero("bag") == Quantity(0, "bag")
    with pytest.raises(TypeError):
        Quantity(1.5, "piece")
    with pytest.raises(TypeError):
        Quantity(True, "piece")
    with pytest.raises(ValueError, match="unknown unit"):
        Quantity(1, "furlong")
    with pytest.raises(CurrencyMismatch):
        Quantity(1, "box") + Quantity(1, "piece")
    with pytest.raises(TypeError):
        Quantity(1, "box") * Decimal("1.5")


def test_an_app_can_add_a_unit_and_quantities_read_in_both_languages():
    register_unit("pallet", "托", "pallets")
    assert format_quantity(Quantity(2000, "piece"), "zh-hans") == "2,000 件"
    assert format_quantity(Quantity(3, "pallet"), "en") == "3 pallets"


def test_templates_show_money_and_quantities_in_the_page_language():
    from django.template import Context, Template

    page = Template(
        "{% load qiaolian %}{{ total|money }} · {{ shipped|quantity }} · {{ none|money }}"
    )
    context = Context({"total": Money(70_037_000), "shipped": Quantity(500_000, "piece")})
    with translation.override("zh-hans"):
        assert page.render(context) == "7003.7万元 · 500,000 件 · "
    with translation.override("en"):
        assert page.render(context) == "¥70,037,000.00 · 500,000 pieces · "
