"""The unit's relief managers are told when an association acknowledges a shipment or reports
a need through its link; a sibling unit's managers are not, and a staff report tells no one."""

import pytest

from qiaolian.core.models import Notification
from qiaolian.relief import services
from qiaolian.relief.notify import relief_managers
from qiaolian.relief.tests.test_flow import need, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_managers_are_the_nearest_units_relief_changers(world):  # noqa: F811
    cast, *_ = world
    managers = relief_managers(cast.district_a)
    assert cast.district_manager in managers
    assert cast.sibling_manager not in managers and cast.volunteer not in managers


def test_a_need_by_link_tells_the_managers_a_staff_report_does_not(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    cast, item, _house, it, *_ = world
    with django_capture_on_commit_callbacks(execute=True):
        services.need_report(
            actor=cast.district_manager,
            association=it,
            item=item,
            quantity=10,
            delivery_address="x",
            contact="y",
        )
    assert not Notification.objects.filter(kind="relief.need_reported").exists()
    with django_capture_on_commit_callbacks(execute=True):
        reported = services.need_report(
            actor=None,
            association=it,
            item=item,
            quantity=120,
            delivery_address="Via Roma 1",
            contact="王会长",
            via_link=True,
        )
    rows = Notification.objects.filter(kind="relief.need_reported")
    assert cast.district_manager.pk in {row.recipient_id for row in rows}
    assert cast.sibling_manager.pk not in {row.recipient_id for row in rows}
    row = rows.get(recipient=cast.district_manager)
    assert row.url.endswith(f"{reported.public_id}/")
    assert row.params["quantity"] == "120" and row.params["association"] == it.name


def test_an_acknowledgement_tells_the_managers(world, django_capture_on_commit_callbacks):  # noqa: F811
    cast, item, house, it, *_ = world
    from qiaolian.relief.tests.factories import receive

    receive(cast.district_manager, house, item, 50)
    n = need(cast.district_manager, it, item, 50)
    shipment = services.shipment_pack(
        actor=cast.district_manager, warehouse=house, association=it, lines=[(item, 50, n)]
    )
    services.shipment_ship(
        actor=cast.district_manager, shipment=shipment, carrier="顺丰国际", tracking_number="SF1"
    )
    line = shipment.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_acknowledge(shipment=shipment, received={line.pk: 50}, name="王会长")
    rows = Notification.objects.filter(kind="relief.shipment_acknowledged")
    assert {row.recipient_id for row in rows} == {u.pk for u in relief_managers(cast.district_a)}
    row = rows.get(recipient=cast.district_manager)
    assert row.params["number"] == shipment.number and row.params["name"] == "王会长"
