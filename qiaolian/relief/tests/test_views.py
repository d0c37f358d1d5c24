"""The supplies pages open for the district's staff, show their records, and refuse the
sibling district's (the leak sweep covers every URL; these check the pages work)."""

import pytest
from django.urls import reverse

from qiaolian.people.tests.factories import AssociationFactory
from qiaolian.relief import services
from qiaolian.relief.models import Need, Shipment
from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(cast):
    item = ItemFactory(unit=cast.city, name="口罩", name_en="Mask")
    house = WarehouseFactory(unit=cast.district_a, name="甲区仓库")
    association = AssociationFactory(unit=cast.district_a, name="米兰侨团")
    lot = receive(cast.district_manager, house, item, 100, label="侨商会捐赠 #D1")
    need = services.need_report(
        actor=cast.district_manager,
        association=association,
        item=item,
        quantity=40,
        delivery_address="Via Roma 1",
        contact="王会长",
    )
    services.need_confirm(actor=cast.district_manager, need=need)
    shipment = services.shipment_pack(
        actor=cast.district_manager,
        warehouse=house,
        association=association,
        lines=[(item, 40, need)],
    )
    return cast, item, house, association, lot, need, shipment


def test_every_list_and_detail_page_opens(client, shipped):
    cast, _item, house, _association, lot, need, shipment = shipped
    client.force_login(cast.district_manager)
    pages = [
        reverse("relief:item_list"),
        reverse("relief:warehouse_list"),
        reverse("relief:warehouse_detail", args=[house.public_id]),
        reverse("relief:lot_detail", args=[lot.public_id]),
        reverse("relief:ledger"),
        reverse("relief:need_list"),
        reverse("relief:need_detail", args=[need.public_id]),
        reverse("relief:allocation_list"),
        reverse("relief:shipment_list"),
        reverse("relief:shipment_detail", args=[shipment.public_id]),
        reverse("relief:thanks_list"),
        reverse("relief:stock_receive", args=[house.public_id]),
        reverse("relief:need_create"),
        reverse("relief:allocation_propose"),
        reverse("relief:shipment_ship", args=[shipment.public_id]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("relief:shipment_detail", args=[shipment.public_id])).content.decode()
    assert "侨商会捐赠 #D1" in page  # whose donations are these?
    assert client.get(reverse("relief:ledger") + "?export=xlsx").status_code == 200


def test_the_sibling_district_gets_404(client, shipped):
    cast, *_rest, shipment = shipped
    client.force_login(cast.sibling_manager)
    assert (
        client.get(reverse("relief:shipment_detail", args=[shipment.public_id])).status_code == 404
    )
    assert "米兰侨团" not in client.get(reverse("relief:shipment_list")).content.decode()


def test_association_reports_a_need_by_its_link_and_acknowledges_by_another(client, shipped):
    cast, item, _house, association, _lot, _need, shipment = shipped
    path = services.need_link_create(actor=cast.district_manager, association=association)
    page = client.get(path)
    assert page.status_code == 200 and "米兰侨团" in page.content.decode()
    answer = client.post(
        path,
        {
            "item": str(item.public_id),
            "quantity": "500",
            "urgency": "1",
            "delivery_address": "Via Paolo Sarpi 10",
            "contact": "李秘书长",
        },
    )
    assert answer.status_code == 200
    reported = Need.objects.get(quantity=500)
    assert reported.reported_by_link and reported.association == association
    assert client.get(path.replace("report/", "report/x")).status_code == 404

    services.shipment_ship(
        actor=cast.district_manager, shipment=shipment, carrier="EMS", tracking_number="E1"
    )
    ack = services.ack_link_create(actor=cast.district_manager, shipment=shipment)
    line = shipment.lines.get()
    bad = client.post(ack, {"name": "", f"line_{line.pk}": "-1"})
    assert bad.status_code == 400
    done = client.post(ack, {"name": "王会长", "note": "谢谢", f"line_{line.pk}": "39"})
    assert done.status_code == 200
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.ACKNOWLEDGED
    assert shipment.lines.get().received_quantity == 39


def test_a_dispatch_beyond_stock_shows_the_refusal_on_the_form(client, shipped):
    cast, item, house, *_ = shipped
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("relief:stock_adjust", args=[house.public_id]),
        {"item": str(item.public_id), "quantity": "-61", "reason": "破损"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "库存不足" in response.content.decode()


def test_an_item_and_a_warehouse_are_edited_and_audited(client, shipped):
    from qiaolian.core.models import AuditEvent

    cast, item, house, *_ = shipped
    client.force_login(cast.city_admin)
    response = client.post(
        reverse("relief:item_edit", args=[item.public_id]),
        {
            "name": "医用口罩（新）",
            "name_en": "Mask",
            "category": "protection",
            "uom": "piece",
            "pack_size": "50",
            "value_cny": "2.80",
            "hs_code": "6307900010",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, str(item.value_cny), item.active) == ("医用口罩（新）", "2.80", False)
    assert AuditEvent.objects.filter(action="relief.item.update").exists()
    client.force_login(cast.district_manager)  # the catalogue is the city's: not theirs to edit
    assert client.get(reverse("relief:item_edit", args=[item.public_id])).status_code == 404
    response = client.post(
        reverse("relief:warehouse_edit", args=[house.public_id]),
        {"name": "甲区一号仓", "address": ""},
    )
    assert response.status_code == 302
    house.refresh_from_db()
    assert house.name == "甲区一号仓"
