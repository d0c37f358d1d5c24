"""Factories of the supplies app's records (the cast's units and users come from core)."""

from datetime import date
from decimal import Decimal

import factory

from qiaolian.core.testing.factories import UnitFactory
from qiaolian.relief.models import Item, Warehouse


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"医用口罩{n}")
    name_en = factory.Sequence(lambda n: f"Medical mask {n}")
    category = Item.Category.PROTECTION
    uom = "piece"
    pack_size = 50
    value_cny = Decimal("2.50")
    hs_code = "6307900010"


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"物资仓库{n}")
    address = "宁波市海曙区"


def receive(actor, warehouse, item, quantity, *, on=date(2020, 2, 1), label="", kind="donation"):
    from qiaolian.relief.services import stock_receive

    return stock_receive(
        actor=actor,
        warehouse=warehouse,
        item=item,
        quantity=quantity,
        received_on=on,
        origin_kind=kind,
        origin_label=label,
    )
