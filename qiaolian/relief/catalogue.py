"""The catalogue's and the warehouses' writes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from qiaolian.core.service_kit import create_scoped, update_scoped
from qiaolian.relief.models import Item, Warehouse


@transaction.atomic
def item_create(*, actor: Any, unit: Any, **fields: Any) -> Item:
    """An item of the catalogue, owned by `unit` (a root unit's items are shared down)."""
    values = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    return create_scoped(
        actor=actor,
        obj=Item(unit=unit, **values),
        audit_action="relief.item.create",
        fields=["name", "name_en", "uom", "value_cny"],
    )


@transaction.atomic
def warehouse_create(*, actor: Any, unit: Any, name: str, address: str = "") -> Warehouse:
    return create_scoped(
        actor=actor,
        obj=Warehouse(unit=unit, name=name.strip(), address=address.strip()),
        audit_action="relief.warehouse.create",
        fields=["name", "address"],
    )


ITEM_FIELDS = ["name", "name_en", "category", "uom", "pack_size", "value_cny", "hs_code", "active"]


@transaction.atomic
def item_update(*, actor: Any, item: Item, **changes: Any) -> Item:
    """Edit an item of the catalogue (its unit's CHANGE); the lots keep their value."""
    saved, _diff = update_scoped(
        actor=actor,
        obj=item,
        changes=changes,
        audit_action="relief.item.update",
        fields=ITEM_FIELDS,
    )
    return saved


@transaction.atomic
def warehouse_update(*, actor: Any, warehouse: Warehouse, **changes: Any) -> Warehouse:
    saved, _diff = update_scoped(
        actor=actor,
        obj=warehouse,
        changes=changes,
        audit_action="relief.warehouse.update",
        fields=["name", "address"],
    )
    return saved
