"""Money and quantities: values that carry their currency or unit of measure.

- `Money(amount, currency)`: a Decimal amount in an ISO 4217 currency. Arithmetic only within
  one currency (adding yuan to dollars is an error, not a sum); floats are refused (0.1 + 0.2
  is not 0.3 in binary). Stored as two columns (`AmountField` + `CurrencyField`, read and
  written together through `MoneyProperty`, or the abstract `MoneyModel`).
- `to_cny(money, on=day)`: the yuan at the latest recorded `ExchangeRate` on or before the
  day; no such rate is a `MissingRate` error naming the currency and the day, in both
  languages. Rates are entered through `exchange_rate_record` (federation-wide, like the
  dictionaries: CONFIGURE at a root unit).
- `format_money(money)`: ¥1,234.50; in Chinese a large yuan amount reads in 万元 (7003.7万元).
- `Quantity(value, unit)`: a whole number of a unit of measure from `UNITS` (件, 箱, 双 …);
  arithmetic only within one unit. Stored as an integer column and a `UnitOfMeasureField`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Self

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qiaolian.core.models import ExchangeRate
from qiaolian.core.models.money import validate_currency_code

CNY = "CNY"
CENT = Decimal("0.01")

# Currencies the federation meets (its members live in ~150 countries; more can be added).
# code → (symbol, Chinese name, decimals); any other well-formed code is accepted and shown by
# its code.
CURRENCIES: dict[str, tuple[str, str, int]] = {
    "CNY": ("¥", "人民币", 2),
    "USD": ("US$", "美元", 2),
    "EUR": ("€", "欧元", 2),
    "GBP": ("£", "英镑", 2),
    "JPY": ("JP¥", "日元", 0),
    "HKD": ("HK$", "港元", 2),
    "MOP": ("MOP$", "澳门元", 2),
    "TWD": ("NT$", "新台币", 2),
    "AUD": ("A$", "澳元", 2),
    "CAD": ("C$", "加元", 2),
    "NZD": ("NZ$", "新西兰元", 2),
    "SGD": ("S$", "新加坡元", 2),
    "MYR": ("RM", "林吉特", 2),
    "THB": ("฿", "泰铢", 2),
    "KRW": ("₩", "韩元", 0),
    "CHF": ("CHF ", "瑞士法郎", 2),
    "BRL": ("R$", "巴西雷亚尔", 2),
    "ZAR": ("R ", "南非兰特", 2),
    "AED": ("AED ", "迪拉姆", 2),
}


class CurrencyMismatch(TypeError):
    """Arithmetic or comparison across two currencies (or two units of measure)."""


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool | float):
        raise TypeError(f"{what} must be a Decimal, an int or a string, not {type(value).__name__}")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"{what}: {value!r} is not a number") from exc
    if not number.is_finite():
        raise ValueError(f"{what}: {value!r} is not a finite number")
    return number


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. `Money("12.50", "usd")` == `Money(Decimal("12.5"), "USD")`."""

    amount: Decimal
    currency: str = CNY

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", _decimal(self.amount, "amount"))
        code = str(self.currency).strip().upper()
        try:
            validate_currency_code(code)
        except ValidationError as exc:
            raise ValueError(f"{self.currency!r} is no ISO 4217 currency code") from exc
        object.__setattr__(self, "currency", code)

    @classmethod
    def zero(cls, currency: str = CNY) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def total(cls, values: Any, currency: str = CNY) -> Money:
        """The sum of `values` (all in `currency`; an empty sum is zero in it)."""
        result = cls.zero(currency)
        for value in values:
            result = result + value
        return result

    @property
    def decimals(self) -> int:
        return CURRENCIES.get(self.currency, ("", "", 2))[2]

    def rounded(self) -> Money:
        """Rounded half up to the currency's smallest coin (fen, cent; whole yen)."""
        step = Decimal(1).scaleb(-self.decimals)
        return Money(self.amount.quantize(step, rounding=ROUND_HALF_UP), self.currency)

    def _same(self, other: Any) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not add up")
        return other

    def __add__(self, other: Any) -> Money:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self  # sum() starts from 0
        return Money(self.amount + self._same(other).amount, self.currency)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: Any) -> Money:
        if isinstance(factor, Money):
            raise TypeError("money times money has no meaning")
        return Money(self.amount * _decimal(factor, "factor"), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Any) -> Money:
        if isinstance(divisor, Money):
            raise TypeError("divide the amounts to get a ratio")
        return Money(self.amount / _decimal(divisor, "divisor"), self.currency)

    def __lt__(self, other: Any) -> bool:
        return self.amount < self._same(other).amount

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __str__(self) -> str:
        return format_money(self)


# --- display ---------------------------------------------------------------------------------

WAN = Decimal(10_000)


def _grouped(amount: Decimal, decimals: int) -> str:
    step = Decimal(1).scaleb(-decimals)
    return f"{amount.quantize(step, rounding=ROUND_HALF_UP):,.{decimals}f}"


def format_money(money: Money, language: str | None = None) -> str:
    """¥1,234.50, US$20.00, -€3.10; in Chinese, a yuan amount of 10,000 or more in 万元 to the
    yuan (70,037,000 → 7003.7万元, 12,345.67 → 1.2346万元)."""
    language = language or get_language() or "zh-hans"
    symbol = CURRENCIES.get(money.currency, (money.currency + " ", "", 2))[0]
    sign = "-" if money.amount < 0 else ""
    amount = abs(money.amount)
    if language.startswith("zh") and money.currency == CNY and amount >= WAN:
        wan = (amount / WAN).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
        return f"{sign}{wan:f}万元"
    return f"{sign}{symbol}{_grouped(amount, money.decimals)}"


# --- storage ---------------------------------------------------------------------------------


def AmountField(verbose_name: Any = None, **kwargs: Any) -> models.DecimalField:
    """An amount column: 18 digits, 2 decimals (up to a quadrillion yuan, to the fen)."""
    kwargs.setdefault("max_digits", 18)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name or _("amount"), **kwargs)


def CurrencyField(verbose_name: Any = None, **kwargs: Any) -> models.CharField:
    """A currency column: an ISO 4217 code, yuan unless said otherwise."""
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("default", CNY)
    kwargs.setdefault("validators", [validate_currency_code])
    return models.CharField(verbose_name or _("currency"), **kwargs)


class MoneyProperty:
    """Reads and writes an (amount, currency) column pair as one `Money` (None when the amount
    is NULL): `price = MoneyProperty("price_amount", "price_currency")`."""

    def __init__(self, amount_field: str = "amount", currency_field: str = "currency") -> None:
        self.amount_field = amount_field
        self.currency_field = currency_field

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        amount = getattr(obj, self.amount_field)
        if amount is None:
            return None
        return Money(amount, getattr(obj, self.currency_field) or CNY)

    def __set__(self, obj: Any, value: Money | None) -> None:
        if value is None:
            setattr(obj, self.amount_field, None)
            return
        if not isinstance(value, Money):
            raise TypeError("assign a Money")
        setattr(obj, self.amount_field, value.amount)
        setattr(obj, self.currency_field, value.currency)


class MoneyModel(models.Model):
    """An abstract model with one amount in one currency: `amount`, `currency`, `money`."""

    amount = AmountField()
    currency = CurrencyField()
    money = MoneyProperty("amount", "currency")

    class Meta:
        abstract = True


# --- conversion to yuan ------------------------------------------------------------------------


class MissingRate(ValidationError):
    """No exchange rate was recorded for the currency on or before the day."""

    def __init__(self, currency: str, on: date) -> None:
        self.currency, self.on = currency, on
        super().__init__(
            f"{on:%Y年%m月%d日}及之前没有 {currency} 兑人民币的汇率，请先录入汇率 / "
            f"No {currency} to CNY exchange rate is recorded on or before {on:%Y-%m-%d}: "
            "enter one first",
            code="missing_rate",
        )


def rate_on(currency: str, on: date) -> ExchangeRate:
    """The rate in force on `on`: the latest recorded on or before that day."""
    code = currency.upper()
    # Rates are federation-wide reference data (no unit): nothing to restrict.
    rate = ExchangeRate.objects.filter(currency=code, date__lte=on).order_by("-date").first()
    if rate is None:
        raise MissingRate(code, on)
    return rate


def to_cny(money: Money, on: date) -> Money:
    """`money` in yuan at the rate in force on `on`, to the fen (yuan stay as they are)."""
    if money.currency == CNY:
        return money
    rate = rate_on(money.currency, on)
    return Money(money.amount * rate.rate, CNY).rounded()


@transaction.atomic
def exchange_rate_record(
    *, actor: Any, currency: str, on: date, rate: Decimal | str, source: str
) -> ExchangeRate:
    """Record the rate of `currency` to CNY on `on` (from a bank's or SAFE's published rate).

    Federation-wide, so only holders of CONFIGURE at a root unit record rates. A day's rate is
    recorded once: an error is corrected by a rate for a later day, so conversions already made
    keep their meaning.
    """
    from qiaolian.core import audit
    from qiaolian.core.services import can_configure

    if not can_configure(actor=actor):
        raise PermissionDenied(_("Only the city federation's administrators record rates."))
    row = ExchangeRate(
        currency=currency.strip().upper(),
        date=on,
        rate=_decimal(rate, "rate"),
        source=source.strip(),
        entered_by=actor,
    )
    row.full_clean()
    row.save()
    audit.record(
        actor=actor,
        action="exchange_rate.record",
        obj=row,
        changes={"rate": [None, str(row.rate)], "source": [None, row.source]},
        message=f"{row.currency} {row.date:%Y-%m-%d}",
    )
    return row


# --- quantities --------------------------------------------------------------------------------

# code → (Chinese, English): the units of measure of goods counted whole.
UNITS: dict[str, tuple[str, str]] = {
    "piece": ("件", "pieces"),
    "item": ("个", "items"),
    "pair": ("双", "pairs"),
    "box": ("盒", "boxes"),
    "carton": ("箱", "cartons"),
    "pack": ("包", "packs"),
    "bottle": ("瓶", "bottles"),
    "bag": ("袋", "bags"),
    "set": ("套", "sets"),
    "dose": ("剂", "doses"),
    "roll": ("卷", "rolls"),
    "gram": ("克", "g"),
    "ml": ("毫升", "ml"),
}


def register_unit(code: str, chinese: str, english: str) -> None:
    """Add a unit of measure (an app's catalogue may count in 托 or 吨)."""
    UNITS[code] = (chinese, english)


def unit_label(code: str, language: str | None = None) -> str:
    chinese, english = UNITS[code]
    return english if (language or get_language() or "zh").startswith("en") else chinese


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class Quantity:
    """A whole number of one unit of measure: `Quantity(2000, "piece")`."""

    value: int
    unit: str

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise TypeError(f"a quantity is a whole number, not {type(self.value).__name__}")
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit of measure {self.unit!r}")

    def _same(self, other: Any) -> Quantity:
        if not isinstance(other, Quantity):
            raise TypeError(f"cannot combine Quantity with {type(other).__name__}")
        if other.unit != self.unit:
            raise CurrencyMismatch(f"{self.unit} and {other.unit} do not add up")
        return other

    def __add__(self, other: Any) -> Quantity:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return Quantity(self.value + self._same(other).value, self.unit)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Quantity:
        return Quantity(self.value - self._same(other).value, self.unit)

    def __neg__(self) -> Quantity:
        return Quantity(-self.value, self.unit)

    def __mul__(self, factor: Any) -> Quantity:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError("a quantity is multiplied by a whole number")
        return Quantity(self.value * factor, self.unit)

    __rmul__ = __mul__

    def __lt__(self, other: Any) -> bool:
        return self.value < self._same(other).value

    def __bool__(self) -> bool:
        return bool(self.value)

    def __str__(self) -> str:
        return format_quantity(self)

    @classmethod
    def zero(cls, unit: str) -> Self:
        return cls(0, unit)


def format_quantity(quantity: Quantity, language: str | None = None) -> str:
    """2,000 件 / 2,000 pieces."""
    return f"{quantity.value:,} {unit_label(quantity.unit, language)}"


def UnitOfMeasureField(verbose_name: Any = None, **kwargs: Any) -> models.CharField:
    """The unit-of-measure column of a quantity (choices checked against `UNITS` on save)."""
    kwargs.setdefault("max_length", 20)
    kwargs.setdefault("default", "piece")
    kwargs.setdefault("validators", [validate_unit_of_measure])
    return models.CharField(verbose_name or _("unit of measure"), **kwargs)


def validate_unit_of_measure(value: str) -> None:
    if value not in UNITS:
        raise ValidationError(_("Unknown unit of measure."), code="unit_of_measure")


class QuantityProperty:
    """Reads and writes a (whole number, unit of measure) column pair as one `Quantity`."""

    def __init__(self, value_field: str = "quantity", unit_field: str = "uom") -> None:
        self.value_field = value_field
        self.unit_field = unit_field

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = getattr(obj, self.value_field)
        return None if value is None else Quantity(value, getattr(obj, self.unit_field))

    def __set__(self, obj: Any, value: Quantity | None) -> None:
        if value is None:
            setattr(obj, self.value_field, None)
            return
        if not isinstance(value, Quantity):
            raise TypeError("assign a Quantity")
        setattr(obj, self.value_field, value.value)
        setattr(obj, self.unit_field, value.unit)
