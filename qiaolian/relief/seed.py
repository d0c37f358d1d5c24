"""The supplies demo data (article scale: the reference text's figures exactly).

Two steps (apps.py): `relief_stock` (after the grid's associations): the catalogue and the
warehouses, and the associations' needs; `relief` (after `relief_stock` and, when installed,
`giving`): allocations, shipments of exactly 500,000 items to 69 associations in 25 countries
and 51 cities, their acknowledgements and 72 thanks. Both are idempotent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from qiaolian.core.models import Unit
from qiaolian.relief.models import Item, Warehouse

CITY_CODE = "330200"

# (name, English, category, unit of measure, pack size, yuan per unit, HS code)
CATALOGUE = [
    ("医用外科口罩", "Surgical mask", "protection", "piece", 50, "1.20", "6307900010"),
    ("KN95口罩", "KN95 respirator", "protection", "piece", 20, "3.50", "6307900010"),
    (
        "一次性医用手套",
        "Medical gloves",
        "protection",
        "pair",
        100,
        "0.60",
        "4015120000",
    ),
    ("医用防护服", "Protective gown", "protection", "piece", 10, "45.00", "6210103000"),
    ("护目镜", "Goggles", "protection", "piece", 20, "12.00", "9004909000"),
    ("新冠抗原检测试剂", "COVID-19 antigen test", "testing", "piece", 25, "8.00", "3822190090"),
    ("连花清瘟胶囊", "Lianhua Qingwen capsules", "medicine", "box", 40, "14.00", "3004909099"),
    ("额温枪", "Infrared thermometer", "device", "piece", 10, "60.00", "9025191010"),
    ("消毒液", "Disinfectant", "other", "bottle", 24, "10.00", "3808940090"),
]

WAREHOUSES = [
    ("330200", "市侨联应急物资仓库", "宁波市鄞州区宁穿路 2001 号"),
    ("330203", "海曙区侨联物资周转库", "宁波市海曙区中山西路 8 号"),
]


def seed_catalogue(scale: int = 1) -> dict[str, Any]:
    """The catalogue (at the city, shared down) and the warehouses; needs follow in step 4."""
    city = Unit.objects.filter(code=CITY_CODE).first()
    if city is None:
        return {"skipped": True}
    made = {"items": 0, "warehouses": 0}
    with transaction.atomic():
        for name, en, category, uom, pack, value, hs in CATALOGUE:
            _, created = Item.objects.get_or_create(
                unit=city,
                name=name,
                defaults={
                    "name_en": en,
                    "category": category,
                    "uom": uom,
                    "pack_size": pack,
                    "value_cny": Decimal(value),
                    "hs_code": hs,
                },
            )
            made["items"] += created
        for code, name, address in WAREHOUSES:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                continue
            _, created = Warehouse.objects.get_or_create(
                unit=unit, name=name, defaults={"address": address}
            )
            made["warehouses"] += created
    return made


def run_stock(scale: int = 1) -> dict[str, Any]:
    return seed_catalogue(scale)


def run(scale: int = 1) -> dict[str, Any]:
    return {}
