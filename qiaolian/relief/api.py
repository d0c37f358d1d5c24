"""The supplies API operations (mounted under /api/relief): the same selectors as the pages,
every list and detail starting from restrict()."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Router, Schema

from qiaolian.core.api_kit import UnitOwnedOut, api_enum, paginated, require, visible_unit
from qiaolian.core.scoping import Action
from qiaolian.relief import selectors
from qiaolian.relief.apps import RELIEF
from qiaolian.relief.models import Item, Lot, Need, Shipment, StockBalance

NeedStatus = api_enum(Need.Status, "NeedStatus")
ShipmentStatus = api_enum(Shipment.Status, "ShipmentStatus")

router = Router(tags=["relief"])


class ItemOut(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str
    name_en: str
    category: Item.Category
    uom: str
    pack_size: int
    value_cny: Decimal
    hs_code: str


class BalanceOut(Schema):
    warehouse: UUID
    warehouse_name: str
    item: UUID
    item_name: str
    quantity: int
    uom: str

    @staticmethod
    def resolve_warehouse(obj: StockBalance) -> UUID:
        return obj.warehouse.public_id

    @staticmethod
    def resolve_warehouse_name(obj: StockBalance) -> str:
        return obj.warehouse.name

    @staticmethod
    def resolve_item(obj: StockBalance) -> UUID:
        return obj.item.public_id

    @staticmethod
    def resolve_item_name(obj: StockBalance) -> str:
        return obj.item.name

    @staticmethod
    def resolve_uom(obj: StockBalance) -> str:
        return obj.item.uom


class NeedOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    association: str
    country: str
    city: str
    item: str
    quantity_reported: int
    quantity: int
    urgency: Need.Urgency
    status: NeedStatus
    reported_at: datetime

    @staticmethod
    def resolve_association(obj: Need) -> str:
        return obj.association.name

    @staticmethod
    def resolve_country(obj: Need) -> str:
        return str(obj.association.country)

    @staticmethod
    def resolve_city(obj: Need) -> str:
        return obj.delivery_city or obj.association.city

    @staticmethod
    def resolve_item(obj: Need) -> str:
        return obj.item.name


class ShipmentLineOut(Schema):
    item: str
    quantity: int
    received_quantity: int | None
    hs_code: str
    lots: list[dict]


class ShipmentOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    number: str
    association: str
    country: str
    delivery_city: str
    status: ShipmentStatus
    carrier: str
    tracking_number: str
    packed_on: date
    shipped_on: date | None
    delivered_on: date | None
    acknowledged_on: date | None
    declared_value_cny: Decimal

    @staticmethod
    def resolve_association(obj: Shipment) -> str:
        return obj.association.name

    @staticmethod
    def resolve_country(obj: Shipment) -> str:
        return str(obj.association.country)


class ShipmentDetailOut(ShipmentOut):
    description_zh: str
    description_en: str
    lines: list[ShipmentLineOut] = Field(..., alias="line_list")


class TraceOut(Schema):
    kind: str
    quantity: int
    shipment: str = ""
    association: str = ""
    country: str = ""
    city: str = ""
    status: str = ""
    warehouse: str = ""


@router.get("/items", response=list[ItemOut], url_name="relief_item_list")
@paginated(page_size=100)
def item_list(request):
    """The item catalogue (the federation's, shared down to every unit)."""
    require(request.auth, RELIEF.VIEW)
    return selectors.item_list(user=request.auth).order_by("category", "name", "pk")


@router.get("/balances", response=list[BalanceOut], url_name="relief_balance_list")
@paginated(page_size=100)
def balance_list(request):
    """Stock balances per warehouse and item in the caller's scope."""
    require(request.auth, RELIEF.VIEW)
    return selectors.balance_list(user=request.auth).order_by("warehouse__name", "item__name", "pk")


@router.get("/needs", response=list[NeedOut], url_name="relief_need_list")
@paginated(page_size=100)
def need_list(
    request,
    status: str = "",
    country: str = "",
    city: str = "",
    urgency: int | None = None,
    unit: UUID | None = None,
):
    """Needs (open ones unless `status` is given: a status, or "all"), filterable by country,
    city and urgency, in the caller's scope."""
    require(request.auth, RELIEF.VIEW)
    rows = selectors.need_list(
        user=request.auth, within=visible_unit(request.auth, unit, RELIEF.VIEW)
    )
    data = {"status": status, "country": country.upper(), "city": city, "urgency": urgency}
    return selectors.filter_needs(rows, data)


@router.get("/shipments", response=list[ShipmentOut], url_name="relief_shipment_list")
@paginated(page_size=100)
def shipment_list(request, status: ShipmentStatus | None = None, unit: UUID | None = None):
    require(request.auth, RELIEF.VIEW)
    rows = selectors.shipment_list(
        user=request.auth, within=visible_unit(request.auth, unit, RELIEF.VIEW)
    )
    return selectors.filter_shipments(rows, {"status": status})


@router.get(
    "/shipments/{shipment_id}", response=ShipmentDetailOut, url_name="relief_shipment_detail"
)
def shipment_detail(request, shipment_id: UUID):
    """One shipment with its lines and, for each, the lots it was taken from."""
    shipment = Shipment.objects.get_visible(request.auth, Action.VIEW, public_id=shipment_id)
    shipment.line_list = [
        {
            "item": row["line"].item.name,
            "quantity": row["line"].quantity,
            "received_quantity": row["line"].received_quantity,
            "hs_code": row["line"].hs_code,
            "lots": [
                {
                    "lot": str(taken["lot"].public_id),
                    "origin": taken["lot"].origin_kind,
                    "origin_label": taken["lot"].origin_label,
                    "quantity": taken["quantity"],
                }
                for taken in row["lots"]
            ],
        }
        for row in selectors.shipment_lines(user=request.auth, shipment=shipment)
    ]
    return shipment


@router.get("/lots/{lot_id}/trace", response=list[TraceOut], url_name="relief_lot_trace")
def lot_trace(request, lot_id: UUID):
    """Where a lot went: the shipments that took from it and what is left in stock."""
    lot = Lot.objects.get_visible(request.auth, Action.VIEW, public_id=lot_id)
    return [
        {**row, "status": row.get("status", ""), "country": row.get("country", "")}
        for row in selectors.lot_trace(user=request.auth, lot=lot)
    ]
