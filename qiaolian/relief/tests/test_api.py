"""The supplies API: shipments (with each line's lots) and needs, scoped like the pages."""

from datetime import date

from qiaolian.core.testing.scoped import ScopedApiTests, next_marker
from qiaolian.people.tests.factories import AssociationFactory
from qiaolian.relief import services
from qiaolian.relief.models import Need, Shipment
from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory


def make_shipment(unit):
    actor = unit_admin(unit)
    item = ItemFactory(unit=unit)
    house = WarehouseFactory(unit=unit)
    association = AssociationFactory(unit=unit, name=f"侨团{next_marker('API')}")
    services.stock_receive(
        actor=actor,
        warehouse=house,
        item=item,
        quantity=50,
        received_on=date(2020, 2, 1),
        origin_kind="donation",
        origin_label="侨商会捐赠",
    )
    return services.shipment_pack(
        actor=actor, warehouse=house, association=association, lines=[(item, 20, None)]
    )


def unit_admin(unit):
    from qiaolian.core.models import Role, UnitRole
    from qiaolian.core.testing.factories import UserFactory

    user = UserFactory(home_unit=unit)
    UnitRole.objects.create(user=user, unit=unit, role=Role.objects.get(code="unit_admin"))
    return user


class ShipmentListApiTests(ScopedApiTests.List):
    model = Shipment
    url_name = "api:relief_shipment_list"

    @classmethod
    def make_object(cls, unit):
        return make_shipment(unit)

    def marker(self, obj):
        return obj.association.name


class ShipmentDetailApiTests(ScopedApiTests.Detail):
    model = Shipment
    url_name = "api:relief_shipment_detail"

    @classmethod
    def make_object(cls, unit):
        return make_shipment(unit)

    def url_kwargs(self, obj):
        return {"shipment_id": obj.public_id}

    def marker(self, obj):
        return obj.association.name

    def test_it_names_the_lots_each_line_came_from(self):
        body = self.call(self.actor, self.url(self.own_object)).json()
        assert body["lines"][0]["quantity"] == 20
        assert body["lines"][0]["lots"][0]["origin_label"] == "侨商会捐赠"


class NeedListApiTests(ScopedApiTests.List):
    model = Need
    url_name = "api:relief_need_list"

    @classmethod
    def make_object(cls, unit):
        association = AssociationFactory(unit=unit, name=f"侨团{next_marker('NEED')}")
        return services.need_report(
            actor=unit_admin(unit),
            association=association,
            item=ItemFactory(unit=unit),
            quantity=5,
            delivery_address="地址",
            contact="联系人",
        )

    def marker(self, obj):
        return obj.association.name
