"""Leak-sweep entries for the supplies pages and API (see core/testing/sweep.py).

Every object made here belongs to the sibling district B, which the district manager of A
must never see, change or count."""

from datetime import date

from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.sweep import Create, Detail, Listing, Public
from qiaolian.people.tests.factories import AssociationFactory
from qiaolian.relief import services
from qiaolian.relief.models import Need
from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

MARKER = "乙区泄漏侨团标记"
ITEM_MARKER = "乙区泄漏物资标记"
HOUSE_MARKER = "乙区泄漏仓库标记"


def _b_world(cast: Cast) -> dict:
    """District B's warehouse with stock, an association with a confirmed need, and a shipped
    shipment to it (a lot, ledger entries, an allocation, thanks)."""
    actor = cast.sibling_manager
    item = ItemFactory(unit=cast.district_b, name=ITEM_MARKER)
    house = WarehouseFactory(unit=cast.district_b, name=HOUSE_MARKER)
    association = AssociationFactory(unit=cast.district_b, name=MARKER)
    lot = services.stock_receive(
        actor=actor,
        warehouse=house,
        item=item,
        quantity=100,
        received_on=date(2020, 2, 1),
        origin_kind="donation",
        origin_label=MARKER,
    )
    need = services.need_report(
        actor=actor,
        association=association,
        item=item,
        quantity=10,
        delivery_address="乙区地址",
        contact="乙区联系人",
    )
    services.need_confirm(actor=actor, need=need)
    allocation = services.allocation_propose(actor=actor, warehouse=house)
    shipment = services.shipment_pack(
        actor=actor, warehouse=house, association=association, lines=[(item, 5, None)]
    )
    services.shipment_ship(actor=actor, shipment=shipment, carrier="EMS", tracking_number="B1")
    services.thanks_record(actor=actor, shipment=shipment, kind="letter", from_name=MARKER)
    return {
        "item": item,
        "house": house,
        "association": association,
        "lot": lot,
        "need": need,
        "allocation": allocation,
        "shipment": shipment,
    }


def _listing(marker):
    return lambda cast: (_b_world(cast) and {}, marker)


def _id(key):
    return lambda cast: {"public_id": _b_world(cast)[key].public_id}


def _item_data(cast):
    return {
        "unit": cast.district_b.pk,
        "name": "新物资",
        "name_en": "",
        "category": "protection",
        "uom": "piece",
        "pack_size": 1,
        "value_cny": "1.00",
        "hs_code": "",
    }


def _need_data(cast):
    world = _b_world(cast)
    return {
        "association": str(world["association"].public_id),
        "item": str(world["item"].public_id),
        "quantity": 3,
        "urgency": 2,
        "delivery_address": "地址",
        "contact": "联系人",
    }


def _propose_data(cast):
    world = _b_world(cast)
    # A second open need, so the sibling's own proposal has something to serve.
    need = services.need_report(
        actor=cast.sibling_manager,
        association=world["association"],
        item=world["item"],
        quantity=7,
        delivery_address="地址",
        contact="联系人",
    )
    services.need_confirm(actor=cast.sibling_manager, need=need)
    return {"warehouse": str(world["house"].public_id), "note": ""}


def _need_link_page(cast):
    world = _b_world(cast)
    path = services.need_link_create(actor=cast.sibling_manager, association=world["association"])
    other = AssociationFactory(unit=cast.district_b, name="乙区另一侨团标记")
    Need.objects.filter(pk=world["need"].pk).update(contact="乙区联系人电话标记")
    del other
    return {"token": path.rstrip("/").rsplit("/", 1)[-1]}, "乙区另一侨团标记", MARKER


def _ack_page(cast):
    world = _b_world(cast)
    path = services.ack_link_create(actor=cast.sibling_manager, shipment=world["shipment"])
    return {"token": path.rstrip("/").rsplit("/", 1)[-1]}, "乙区联系人", MARKER


SWEEP = {
    "relief:item_list": Listing(_listing(ITEM_MARKER)),
    "relief:item_create": Create("relief.Item", _item_data),
    "relief:warehouse_list": Listing(_listing(HOUSE_MARKER)),
    "relief:warehouse_create": Create(
        "relief.Warehouse", lambda cast: {"unit": cast.district_b.pk, "name": "新仓库"}
    ),
    "relief:warehouse_detail": Detail(_id("house"), methods=("GET",)),
    "relief:warehouse_edit": Detail(_id("house")),
    "relief:item_edit": Detail(_id("item")),
    "relief:stock_receive": Detail(_id("house")),
    "relief:stock_transfer": Detail(_id("house")),
    "relief:stock_adjust": Detail(_id("house")),
    "relief:stock_count": Detail(_id("house")),
    "relief:lot_detail": Detail(_id("lot"), methods=("GET",)),
    "relief:ledger": Listing(_listing(HOUSE_MARKER), exports=("csv", "xlsx")),
    "relief:need_list": Listing(_listing(MARKER), exports=("csv", "xlsx")),
    "relief:need_create": Create("relief.Need", _need_data),
    "relief:need_detail": Detail(_id("need"), methods=("GET",)),
    "relief:need_review": Detail(_id("need")),
    "relief:need_cancel": Detail(_id("need")),
    "relief:need_link": Create(
        "core.PrivateLink",
        lambda cast: {"association": str(_b_world(cast)["association"].public_id)},
    ),
    "relief:allocation_list": Listing(_listing(HOUSE_MARKER)),
    "relief:allocation_propose": Create("relief.Allocation", _propose_data),
    "relief:allocation_detail": Detail(_id("allocation"), methods=("GET",)),
    "relief:allocation_lines": Detail(_id("allocation"), methods=("POST",)),
    "relief:allocation_approve": Detail(_id("allocation"), methods=("POST",)),
    "relief:allocation_cancel": Detail(_id("allocation")),
    "relief:shipment_list": Listing(_listing(MARKER), exports=("csv", "xlsx")),
    "relief:shipment_detail": Detail(_id("shipment"), methods=("GET",)),
    "relief:shipment_ship": Detail(_id("shipment")),
    "relief:shipment_deliver": Detail(_id("shipment"), methods=("POST",)),
    "relief:shipment_ack_link": Detail(_id("shipment"), methods=("POST",)),
    "relief:shipment_photo": Detail(_id("shipment"), methods=("GET",)),
    "relief:thanks_create": Detail(_id("shipment")),
    "relief:thanks_list": Listing(_listing(MARKER)),
    # The associations' pages, authorised by their link's token (only its digest is stored)
    # and expiry: each shows its own association or shipment and nothing else of the unit.
    "relief:need_report_public": Public(_need_link_page),
    "relief:shipment_ack_public": Public(_ack_page),
    "api:relief_item_list": Listing(_listing(ITEM_MARKER)),
    "api:relief_balance_list": Listing(_listing(HOUSE_MARKER)),
    "api:relief_need_list": Listing(_listing(MARKER)),
    "api:relief_shipment_list": Listing(_listing(MARKER)),
    "api:relief_shipment_detail": Detail(
        lambda cast: {"shipment_id": _b_world(cast)["shipment"].public_id}, methods=("GET",)
    ),
    "api:relief_lot_trace": Detail(
        lambda cast: {"lot_id": _b_world(cast)["lot"].public_id}, methods=("GET",)
    ),
}
