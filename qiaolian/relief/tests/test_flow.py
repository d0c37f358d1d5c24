"""Needs → allocation → shipments → acknowledgement → thanks, through the services."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qiaolian.core.ledger import verify_balances
from qiaolian.core.models import AuditEvent
from qiaolian.people.tests.factories import AssociationFactory
from qiaolian.relief import selectors, services
from qiaolian.relief.models import (
    Allocation,
    Need,
    Shipment,
    StockBalance,
    StockEntry,
)
from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    item = ItemFactory(unit=cast.city, name="口罩", name_en="Mask")
    house = WarehouseFactory(unit=cast.district_a)
    it = AssociationFactory(unit=cast.district_a, country="IT", city="Milano")
    fr = AssociationFactory(unit=cast.district_a, country="FR", city="Paris")
    fr2 = AssociationFactory(unit=cast.district_a, country="FR", city="Lyon")
    return cast, item, house, it, fr, fr2


def need(actor, association, item, quantity, urgency=Need.Urgency.NORMAL):
    n = services.need_report(
        actor=actor,
        association=association,
        item=item,
        quantity=quantity,
        urgency=urgency,
        delivery_address="Via Roma 1",
        contact="王会长 +39 333 1234567",
    )
    return services.need_confirm(actor=actor, need=n)


def test_fair_share_is_max_min_and_whole():
    assert services.share_fairly(10, [("a", 2), ("b", 100), ("c", 100)]) == {"a": 2, "b": 4, "c": 4}
    assert services.share_fairly(5, [("a", 9), ("b", 9)]) == {"a": 3, "b": 2}
    assert services.share_fairly(50, [("a", 9), ("b", 9)]) == {"a": 9, "b": 9}


def test_a_need_is_adjusted_only_with_a_reason(world):
    cast, item, _house, it, *_ = world
    n = services.need_report(
        actor=cast.district_manager,
        association=it,
        item=item,
        quantity=100,
        delivery_address="x",
        contact="y",
    )
    assert n.status == Need.Status.REPORTED and n.unit == it.unit
    with pytest.raises(ValidationError):
        services.need_confirm(actor=cast.district_manager, need=n, quantity=60)
    n = services.need_confirm(actor=cast.district_manager, need=n, quantity=60, reason="重复上报")
    assert (n.status, n.quantity, n.quantity_reported) == (Need.Status.ADJUSTED, 60, 100)
    with pytest.raises(PermissionDenied):
        services.need_confirm(actor=cast.sibling_manager, need=n)


def test_the_proposal_serves_urgency_first_then_shares_across_countries(world):
    cast, item, house, it, fr, fr2 = world
    receive(cast.district_manager, house, item, 100)
    critical = need(cast.district_manager, it, item, 30, Need.Urgency.CRITICAL)
    n_it = need(cast.district_manager, it, item, 100)
    n_fr = need(cast.district_manager, fr, item, 100)
    n_fr2 = need(cast.district_manager, fr2, item, 100)
    lines = dict(services.propose_lines(user=cast.district_manager, warehouse=house))
    # 30 to the critical need; 70 left shared by country (IT 35, FR 35), FR's 35 by association.
    assert lines[critical] == 30
    assert lines[n_it] == 35
    assert sorted([lines[n_fr], lines[n_fr2]]) == [17, 18]


def test_the_proposer_cannot_approve_and_approval_packs_shipments_from_stock(world):
    cast, item, house, it, fr, _ = world
    lot = receive(cast.district_manager, house, item, 100, label="侨商会捐赠")
    n1 = need(cast.district_manager, it, item, 40)
    n2 = need(cast.district_manager, fr, item, 20)
    allocation = services.allocation_propose(actor=cast.district_manager, warehouse=house)
    with pytest.raises(PermissionDenied):
        services.allocation_approve(actor=cast.district_manager, allocation=allocation)
    with pytest.raises(PermissionDenied):
        services.allocation_approve(actor=cast.township_worker, allocation=allocation)
    shipments = services.allocation_approve(actor=cast.city_admin, allocation=allocation)
    assert len(shipments) == 2
    assert {s.status for s in shipments} == {Shipment.Status.PACKED}
    assert Allocation.objects.get().status == Allocation.Status.APPROVED
    n1.refresh_from_db()
    n2.refresh_from_db()
    assert n1.status == n2.status == Need.Status.ALLOCATED
    assert StockBalance.objects.get(warehouse=house, item=item).quantity == 40
    trace = selectors.lot_trace(user=cast.city_admin, lot=lot)
    assert sorted(r["quantity"] for r in trace) == [20, 40, 40]
    assert verify_balances(StockEntry, StockBalance) == []


def test_allocation_lines_are_editable_within_the_open_need(world):
    cast, item, house, it, *_ = world
    receive(cast.district_manager, house, item, 100)
    need(cast.district_manager, it, item, 40)
    allocation = services.allocation_propose(actor=cast.district_manager, warehouse=house)
    line = allocation.lines.get()
    with pytest.raises(ValidationError):
        services.allocation_line_set(actor=cast.district_manager, line=line, quantity=41)
    services.allocation_line_set(actor=cast.district_manager, line=line, quantity=25)
    assert allocation.lines.get().quantity == 25


def test_ship_deliver_acknowledge_with_different_quantities_and_thanks(world):
    cast, item, house, it, *_ = world
    receive(cast.district_manager, house, item, 50)
    n = need(cast.district_manager, it, item, 50)
    shipment = services.shipment_pack(
        actor=cast.district_manager, warehouse=house, association=it, lines=[(item, 50, n)]
    )
    assert shipment.number.startswith("WZ")
    assert shipment.declared_value_cny == item.value_cny * 50
    assert shipment.lines.get().hs_code == item.hs_code
    with pytest.raises(ValidationError):
        services.shipment_ship(
            actor=cast.district_manager, shipment=shipment, carrier="", tracking_number=""
        )
    services.shipment_ship(
        actor=cast.district_manager, shipment=shipment, carrier="顺丰国际", tracking_number="SF1"
    )
    services.shipment_deliver(actor=cast.district_manager, shipment=shipment)
    line = shipment.lines.get()
    services.shipment_acknowledge(
        shipment=shipment, received={line.pk: 48}, name="王会长", note="衷心感谢家乡！"
    )
    shipment.refresh_from_db()
    line.refresh_from_db()
    assert shipment.status == Shipment.Status.ACKNOWLEDGED
    assert line.received_quantity == 48
    thanks = services.thanks_record(
        actor=cast.district_manager, shipment=shipment, kind="letter", from_name="王会长"
    )
    assert thanks.unit == shipment.unit
    assert AuditEvent.objects.filter(action="relief.shipment.acknowledge").exists()


def test_packing_beyond_stock_writes_nothing(world):
    cast, item, house, it, *_ = world
    receive(cast.district_manager, house, item, 5, on=date(2020, 2, 2))
    with pytest.raises(ValidationError):
        services.shipment_pack(
            actor=cast.district_manager, warehouse=house, association=it, lines=[(item, 6, None)]
        )
    assert not Shipment.objects.exists()
    assert StockBalance.objects.get(warehouse=house, item=item).quantity == 5


def test_my_work_counts_what_its_links_list(world, client):
    from qiaolian.relief import work

    cast, item, house, it, *_ = world
    receive(cast.district_manager, house, item, 100)
    services.need_report(
        actor=cast.district_manager,
        association=it,
        item=item,
        quantity=9,
        urgency=Need.Urgency.CRITICAL,
        delivery_address="x",
        contact="y",
    )
    need(cast.district_manager, it, item, 40)
    proposal = services.allocation_propose(actor=cast.district_manager, warehouse=house)
    panel = work.needs_to_confirm(user=cast.district_manager)
    assert panel.count == 1 and panel.items[0].tone == "danger"
    assert work.allocations_to_approve(user=cast.district_manager).count == 0  # own proposal
    theirs = work.allocations_to_approve(user=cast.city_admin)
    assert theirs.count == 1
    client.force_login(cast.city_admin)
    assert proposal.number in client.get(theirs.url).content.decode()
    assert work.needs_to_confirm(user=cast.sibling_manager).count == 0
