"""The supplies demo data (article scale: the reference text's figures exactly).

Two steps (apps.py):

- `relief_stock` (after the grid's associations): the catalogue, two warehouses, and the
  associations' needs of February–March 2020 (confirmed), plus a few open needs of today.
- `relief` (after `relief_stock` and, when installed, `giving`): four allocations proposed by
  the city's staff and approved by its administrator, whose shipments carry EXACTLY 500,000
  items to 69 associations in 25 countries and 51 cities (a few needs were delivered to a
  second city of the association's country: a branch, a hospital). The shipments take the
  lots already in stock first (giving's donated goods, FIFO); "purchase" lots (采购 2020-02)
  top the stock up to what is shipped plus a small remainder. Most shipments are
  acknowledged, and 72 thanks (letters and calls) are recorded.

Both steps are idempotent (a second run changes nothing). With fewer associations than the
article's (the tests' tiny grid), the same 500,000 items go to the associations there are.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from qiaolian.core.models import Unit, User
from qiaolian.people.models import Association
from qiaolian.relief.models import Allocation, Item, Lot, Need, Shipment, StockBalance, Warehouse

CITY_CODE = "330200"
ITEMS_SHIPPED = 500_000
ASSOCIATIONS = 69
CITIES = 51
THANKS = 72
PROPOSER, APPROVER = "city_staff", "city_admin"
SEED_NEEDS_BEFORE = date(2020, 12, 31)  # the needs of 2020 are shipped; later ones stay open

# (name, English, category, unit of measure, pack size, yuan per unit, HS code)
CATALOGUE = [
    ("医用外科口罩", "Surgical mask", "protection", "piece", 50, "1.20", "6307900010"),
    ("KN95口罩", "KN95 respirator", "protection", "piece", 20, "3.50", "6307900010"),
    ("一次性医用手套", "Medical gloves", "protection", "pair", 100, "0.60", "4015120000"),
    ("医用防护服", "Protective gown", "protection", "piece", 10, "45.00", "6210103000"),
    ("护目镜", "Goggles", "protection", "piece", 20, "12.00", "9004909000"),
    ("新冠抗原检测试剂", "COVID-19 antigen test", "testing", "piece", 25, "8.00", "3822190090"),
    ("连花清瘟胶囊", "Lianhua Qingwen capsules", "medicine", "box", 40, "14.00", "3004909099"),
    ("额温枪", "Infrared thermometer", "device", "piece", 10, "60.00", "9025191010"),
    ("消毒液", "Disinfectant", "other", "bottle", 24, "10.00", "3808940090"),
]
# What the shipped needs ask for, by weight (masks most of all).
NEED_MIX = [
    ("医用外科口罩", 6),
    ("KN95口罩", 3),
    ("一次性医用手套", 3),
    ("医用防护服", 1),
    ("护目镜", 1),
    ("连花清瘟胶囊", 1),
]

WAREHOUSES = [
    ("330200", "市侨联应急物资仓库", "宁波市鄞州区宁穿路 2001 号"),
    ("330203", "海曙区侨联物资周转库", "宁波市海曙区中山西路 8 号"),
]

# Second delivery cities (branches, partner hospitals), by country, beyond the grid's cities.
SECOND_CITIES = {
    "IT": ["Prato", "Firenze", "Torino", "Roma", "Bologna", "Napoli"],
    "ES": ["Barcelona", "Valencia", "Sevilla"],
    "FR": ["Lyon", "Marseille", "Nice"],
    "US": ["San Francisco", "Houston", "Los Angeles", "Chicago"],
    "JP": ["Osaka", "Yokohama", "Nagoya"],
    "DE": ["Hamburg", "München", "Düsseldorf"],
    "AU": ["Melbourne", "Brisbane"],
    "GB": ["Manchester", "Birmingham"],
    "CA": ["Vancouver", "Montréal"],
    "BR": ["Rio de Janeiro"],
    "NL": ["Rotterdam"],
}


def _city() -> Unit | None:
    return Unit.objects.filter(code=CITY_CODE).first()


def _items(city: Unit) -> dict[str, Item]:
    # scoping: exempt - the seed reads its own catalogue
    return {item.name: item for item in Item.objects.filter(unit=city)}


def seed_catalogue(city: Unit) -> dict[str, int]:
    made = {"items": 0, "warehouses": 0}
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
        if unit is not None:
            _, created = Warehouse.objects.get_or_create(
                unit=unit, name=name, defaults={"address": address}
            )
            made["warehouses"] += created
    return made


def chosen_associations() -> list[Association]:
    """69 associations covering every country of the grid: all of them but the last one of the
    country with the most (the article's "nearly 70")."""
    # scoping: exempt - the seed picks among every association
    rows = list(Association.objects.order_by("country", "name", "pk"))
    if len(rows) <= ASSOCIATIONS:
        return rows
    by_country: dict[str, list[Association]] = defaultdict(list)
    for row in rows:
        by_country[str(row.country)].append(row)
    drop = max(by_country.values(), key=len)[-(len(rows) - ASSOCIATIONS) :]
    return [row for row in rows if row not in drop]


def _delivery_plan(associations: list[Association]) -> list[tuple[Association, str]]:
    """(association, delivery city) pairs: every association's own city, then second cities
    in its country until the shipments reach CITIES cities."""
    plan = [(a, "") for a in associations]
    reached = {(str(a.country), a.city) for a in associations}
    first_of: dict[str, Association] = {}
    for a in associations:
        first_of.setdefault(str(a.country), a)
    candidates = []
    for depth in range(6):  # round robin over the countries, one city each per round
        for country, cities in SECOND_CITIES.items():
            if depth < len(cities) and country in first_of:
                candidates.append((country, cities[depth]))
    for country, city in candidates:
        if len(reached) >= CITIES:
            break
        if (country, city) in reached:
            continue
        reached.add((country, city))
        owners = [a for a in associations if str(a.country) == country]
        plan.append((owners[len(reached) % len(owners)], city))
    return plan


def _quantities(count: int, total: int) -> list[int]:
    weights = [3 + (index * 7) % 5 for index in range(count)]
    whole = sum(weights)
    out = [total * w // whole // 100 * 100 for w in weights]
    out[0] += total - sum(out)
    return out


def seed_needs(city: Unit) -> int:
    """The needs of 2020 that the shipments serve, and a few open ones of today."""
    associations = chosen_associations()
    # scoping: exempt - the seed's own records
    if not associations or Need.objects.filter(association__in=associations).exists():
        return 0
    items = _items(city)
    mix = [items[name] for name, weight in NEED_MIX for _ in range(weight)]
    plan = _delivery_plan(associations)
    quantities = _quantities(len(plan), ITEMS_SHIPPED)
    start = date(2020, 2, 3)
    rows = []
    for index, ((association, second_city), quantity) in enumerate(
        zip(plan, quantities, strict=True)
    ):
        reported = timezone.make_aware(
            timezone.datetime.combine(
                start + timedelta(days=index % 40), timezone.datetime.min.time()
            )
        ) + timedelta(hours=9 + index % 8)
        urgency = (Need.Urgency.CRITICAL, Need.Urgency.HIGH, Need.Urgency.NORMAL)[index % 3]
        city_name = second_city or association.city
        rows.append(
            Need(
                unit=association.unit,
                association=association,
                item=mix[index % len(mix)],
                quantity_reported=quantity,
                quantity=quantity,
                urgency=urgency,
                delivery_address=f"{city_name}, {association.name_local or association.name}",
                delivery_city=second_city,
                contact=f"{association.name} 会长",
                status=Need.Status.CONFIRMED,
                reported_by_link=index % 4 == 0,
                reported_at=reported,
            )
        )
    # Open needs of the last days: still to be confirmed, or confirmed and waiting for stock.
    today = timezone.now()
    for index, association in enumerate(associations[:8]):
        rows.append(
            Need(
                unit=association.unit,
                association=association,
                item=mix[(index * 5) % len(mix)],
                quantity_reported=2000 + 500 * index,
                quantity=2000 + 500 * index,
                urgency=(Need.Urgency.HIGH, Need.Urgency.NORMAL)[index % 2],
                delivery_address=f"{association.city}, {association.name_local}",
                contact=f"{association.name} 秘书长",
                status=(Need.Status.REPORTED, Need.Status.CONFIRMED)[index % 2],
                reported_by_link=index % 2 == 0,
                reported_at=today - timedelta(days=index % 3, hours=index),
            )
        )
    Need.objects.bulk_create(rows)
    return len(rows)


def run_stock(scale: int = 1) -> dict[str, Any]:
    """The catalogue, the warehouses and the needs (idempotent)."""
    city = _city()
    if city is None:
        return {"skipped": True}
    with transaction.atomic():
        made = seed_catalogue(city)
        made["needs"] = seed_needs(city)
    return made


def run(scale: int = 1) -> dict[str, Any]:
    """Allocations, shipments, acknowledgements and thanks (idempotent)."""
    city = _city()
    proposer = User.objects.filter(username=PROPOSER).first()
    approver = User.objects.filter(username=APPROVER).first()
    # scoping: exempt - the seed's own warehouse
    house = Warehouse.objects.filter(unit=city, name=WAREHOUSES[0][1]).first() if city else None
    if house is None or proposer is None or approver is None:
        return {"skipped": True}
    if Shipment.objects.filter(warehouse=house).exists():  # scoping: exempt
        return {"skipped": True}
    with transaction.atomic():
        return _ship(city, house, proposer, approver)


def _ship(city: Unit, house: Warehouse, proposer: User, approver: User) -> dict[str, Any]:
    from qiaolian.relief import services

    needs = list(
        Need.objects.filter(  # scoping: exempt - the seed's own needs
            status__in=Need.OPEN, reported_at__date__lte=SEED_NEEDS_BEFORE
        )
        .select_related("association", "item")
        .order_by("reported_at", "id")
    )
    if not needs:
        return {"skipped": True}
    # Top the stock up with purchases: what giving's donated lots do not cover, plus 2%.
    wanted: dict[Item, int] = defaultdict(int)
    for need in needs:
        wanted[need.item] += need.quantity
    for item, quantity in wanted.items():
        # scoping: exempt - the seed's warehouse
        balance = StockBalance.objects.filter(warehouse=house, item=item).first()
        have = balance.quantity if balance else 0
        short = quantity - have + (quantity // 50) // 100 * 100
        if short > 0:
            services.stock_receive(
                actor=proposer,
                warehouse=house,
                item=item,
                quantity=short,
                received_on=date(2020, 2, 1),
                origin_kind=Lot.Origin.PURCHASE,
                origin_label="采购 2020-02",
            )
    # Four allocations, one per batch of needs, each approved a few days after its proposal.
    batches = [needs[i::4] for i in range(4)]
    shipments = []
    for index, batch in enumerate(batches):
        if not batch:
            continue
        allocation = services.allocation_propose(
            actor=proposer,
            warehouse=house,
            note=f"第{index + 1}批援助物资",
            lines=[(need, need.quantity) for need in batch],
        )
        packed = date(2020, 2, 12) + timedelta(days=12 * index)
        shipments += services.allocation_approve(
            actor=approver, allocation=allocation, packed_on=packed
        )
        Allocation.objects.filter(pk=allocation.pk).update(  # scoping: exempt - seed dates
            created_at=timezone.make_aware(
                timezone.datetime.combine(packed - timedelta(days=2), timezone.datetime.min.time())
            )
        )
    thanked: list[Shipment] = []
    seen: set[int] = set()
    carriers = ["顺丰国际", "中国邮政 EMS", "DHL", "中欧班列（宁波）"]
    for index, shipment in enumerate(shipments):
        services.shipment_ship(
            actor=proposer,
            shipment=shipment,
            carrier=carriers[index % len(carriers)],
            tracking_number=f"NB2020{index + 1:05d}",
            shipped_on=shipment.packed_on + timedelta(days=1),
        )
        if index % 10 == 9:
            continue  # still on its way
        services.shipment_deliver(
            actor=proposer, shipment=shipment, delivered_on=shipment.packed_on + timedelta(days=9)
        )
        if index % 10 == 8:
            continue  # delivered, not yet acknowledged
        received = {}
        for number, line in enumerate(shipment.lines.all()):
            short = 20 if (index + number) % 13 == 0 else 0  # a carton lost on the way
            received[line.pk] = max(0, line.quantity - short)
        services.shipment_acknowledge(
            shipment=shipment,
            received=received,
            name=f"{shipment.association.name} 会长",
            note="物资已收到，感谢家乡侨联的关怀！",
            on=shipment.packed_on + timedelta(days=10),
        )
        if shipment.association_id not in seen:
            seen.add(shipment.association_id)
            thanked.append(shipment)
    thanks = 0
    extra = THANKS - len(thanked)
    for index, shipment in enumerate(thanked):
        kinds = ["letter"] if index % 2 == 0 else ["call"]
        if index < extra:
            kinds = ["letter", "call"]
        for kind in kinds:
            services.thanks_record(
                actor=proposer,
                shipment=shipment,
                kind=kind,
                received_on=shipment.packed_on + timedelta(days=14),
                from_name=f"{shipment.association.name}",
                text="感谢信：衷心感谢宁波市侨联和家乡人民的援助。"
                if kind == "letter"
                else "会长来电致谢。",
            )
            thanks += 1
    return {"shipments": len(shipments), "thanks": thanks}
