"""Factories and helpers of the donations app's tests (units and users come from the cast)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from qiaolian.core.models import ExchangeRate
from qiaolian.core.testing.factories import UnitFactory
from qiaolian.giving import services
from qiaolian.giving.models import Donor, DonorKind, Drive, Fund


class DriveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drive

    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"抗疫倡议{n}")
    starts_on = date(2020, 1, 26)
    designated_use = "疫情防控"
    is_public = True


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    unit = factory.SubFactory(UnitFactory)
    kind = DonorKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"宁波侨企{n}有限公司")
    country = "CN"


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    unit = factory.SubFactory(UnitFactory)
    name = "侨爱心慈善基金"
    dual_approval_over = Decimal("50000")


def rate(currency: str = "EUR", value: str = "7.68", on: date = date(2020, 1, 2)) -> ExchangeRate:
    return ExchangeRate.objects.create(currency=currency, date=on, rate=Decimal(value), source="t")


_refs = iter(range(1, 10**9))


def give(actor, unit, *, amount="1000", currency="CNY", on=date(2020, 2, 1), **extra):
    """A money donation through the service (its receipt issued with it)."""
    donor = extra.pop("donor", None) or DonorFactory(unit=unit)
    extra.setdefault("bank_reference", f"REF{next(_refs):06d}")
    return services.donation_create(
        actor=actor,
        unit=unit,
        donor=donor,
        received_on=on,
        amount=Decimal(amount),
        currency=currency,
        method="transfer",
        issued_on=on,
        **extra,
    )
