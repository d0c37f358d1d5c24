"""The figures equal a recount and leave a sibling unit out; the article-scale seed gives the
reference text's numbers exactly (500,000 items, 69 associations, 25 countries, 51 cities,
72 thanks), balances its stock, and a second run changes nothing."""

import io
import json
import random
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

from qiaolian.core.figures import Period, compute_figures
from qiaolian.core.ledger import verify_balances
from qiaolian.people.tests.factories import AssociationFactory
from qiaolian.relief import seed, services
from qiaolian.relief.models import Need, Shipment, ShipmentLine, StockBalance, StockEntry, Thanks
from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory, receive

pytestmark = pytest.mark.django_db

ALL_TIME = Period(date(2000, 1, 1), date(2100, 1, 1))
KEYS = [
    "relief.items_shipped",
    "relief.associations_reached",
    "relief.countries_reached",
    "relief.cities_reached",
    "relief.thanks_received",
]


def ship(actor, house, association, item, quantity, city=""):
    shipment = services.shipment_pack(
        actor=actor,
        warehouse=house,
        association=association,
        lines=[(item, quantity, None)],
        delivery_city=city,
    )
    services.shipment_ship(actor=actor, shipment=shipment, carrier="EMS", tracking_number="X")
    return shipment


def test_figures_equal_a_recount_and_leave_the_sibling_unit_out(cast):
    item = ItemFactory(unit=cast.city)
    a_house = WarehouseFactory(unit=cast.district_a)
    b_house = WarehouseFactory(unit=cast.district_b)
    receive(cast.district_manager, a_house, item, 1000)
    receive(cast.sibling_manager, b_house, item, 1000)
    it = AssociationFactory(unit=cast.district_a, country="IT", city="Milano")
    fr = AssociationFactory(unit=cast.district_a, country="FR", city="Paris")
    s1 = ship(cast.district_manager, a_house, it, item, 100)
    ship(cast.district_manager, a_house, it, item, 50, city="Prato")
    ship(cast.district_manager, a_house, fr, item, 30)
    services.shipment_pack(  # packed, not sent: not counted
        actor=cast.district_manager, warehouse=a_house, association=fr, lines=[(item, 7, None)]
    )
    services.thanks_record(actor=cast.district_manager, shipment=s1, kind="letter")
    b_assoc = AssociationFactory(unit=cast.district_b, country="JP", city="Tokyo")
    b_ship = ship(cast.sibling_manager, b_house, b_assoc, item, 400)
    services.thanks_record(actor=cast.sibling_manager, shipment=b_ship, kind="call")

    figures = compute_figures(
        user=cast.city_admin, unit=cast.district_a, period=ALL_TIME, keys=KEYS
    )
    sent = Shipment.objects.filter(unit=cast.district_a, status__in=Shipment.SENT)
    recount = {
        "relief.items_shipped": ShipmentLine.objects.filter(shipment__in=sent).aggregate(
            n=Sum("quantity")
        )["n"],
        "relief.associations_reached": sent.values("association").distinct().count(),
        "relief.countries_reached": sent.values("association__country").distinct().count(),
        "relief.cities_reached": len(
            set(sent.values_list("association__country", "delivery_city"))
        ),
        "relief.thanks_received": Thanks.objects.filter(unit=cast.district_a).count(),
    }
    assert (
        figures
        == recount
        == {
            "relief.items_shipped": 180,
            "relief.associations_reached": 2,
            "relief.countries_reached": 2,
            "relief.cities_reached": 3,
            "relief.thanks_received": 1,
        }
    )
    # The sibling's manager counts only their own; the district manager of A never B's.
    mine = compute_figures(user=cast.district_manager, unit=None, period=ALL_TIME, keys=KEYS)
    assert mine["relief.items_shipped"] == 180
    theirs = compute_figures(user=cast.sibling_manager, unit=None, period=ALL_TIME, keys=KEYS)
    assert theirs["relief.items_shipped"] == 400 and theirs["relief.thanks_received"] == 1


def _article_associations():
    """The grid's 70 associations exactly as its article-scale seed makes them."""
    from qiaolian.network.seed import RANDOM_SEED, Plan
    from qiaolian.network.seed.seeder import Seeder

    seeder = Seeder(Plan.article(1), random.Random(RANDOM_SEED + 1))
    districts, _townships = seeder._units(None)
    return seeder._associations(districts)


@override_settings(SEED_NETWORK_PLAN="off", SEED_HOTLINE_PLAN="off", DEMO_DATA_ALLOWED=True)
def test_the_article_seed_gives_the_reference_texts_numbers_and_balances():
    call_command("seed", verbosity=0)  # units and users; no associations yet
    assert len(_article_associations()) == 70
    seed.run_stock(1)
    seed.run(1)
    out = io.StringIO()
    call_command(
        "figures", unit="330200", start="2000-01-01", end="2100-01-01", json=True, stdout=out
    )
    figures = json.loads(out.getvalue())["figures"]
    assert {key: figures[key] for key in KEYS} == {
        "relief.items_shipped": 500_000,
        "relief.associations_reached": 69,
        "relief.countries_reached": 25,
        "relief.cities_reached": 51,
        "relief.thanks_received": 72,
    }
    assert verify_balances(StockEntry, StockBalance) == []
    assert not StockBalance.objects.filter(quantity__lt=0).exists()
    # Every dispatch names its lot, so every shipped unit traces back to its origin.
    assert not StockEntry.objects.filter(kind="dispatch", lot__isnull=True).exists()
    counts = (Shipment.objects.count(), StockEntry.objects.count(), Need.objects.count())
    seed.run_stock(1)
    seed.run(1)
    assert (Shipment.objects.count(), StockEntry.objects.count(), Need.objects.count()) == counts
