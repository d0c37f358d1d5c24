"""Shipments: packed (dispatched from stock, lots first in first out) → shipped (carrier and
tracking number) → delivered → acknowledged by the association through its private link
(quantities received, a photo, a thank-you note); letters and calls of thanks recorded."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from qiaolian.core import audit, private_links
from qiaolian.core import files as filekit
from qiaolian.core.scoping import require_unit
from qiaolian.relief import notify
from qiaolian.relief.apps import RELIEF
from qiaolian.relief.models import Item, Need, Shipment, ShipmentLine, Thanks, Warehouse
from qiaolian.relief.stock import stock_dispatch

ACK_LINK_PURPOSE = "relief.shipment_ack"
ACK_LINK_DAYS = 90
S = Shipment.Status

PHOTOS = filekit.register_use(
    "relief.acknowledgement", ("jpeg", "png", "webp"), {"*": 10 * filekit.MB}
)


def _number(shipment: Shipment) -> str:
    return f"WZ{shipment.packed_on.year}-{shipment.pk:05d}"


@transaction.atomic
def shipment_pack(
    *,
    actor: Any,
    warehouse: Warehouse,
    association: Any,
    lines: list[tuple[Item, int, Need | None]],
    allocation: Any = None,
    delivery_address: str = "",
    delivery_city: str = "",
    packed_on: date | None = None,
) -> Shipment:
    """A packed shipment: its lines dispatched from `warehouse` (FIFO over lots, each dispatch
    entry naming its lot and the shipment). Beyond stock, nothing is written."""
    require_unit(actor, RELIEF("add"), warehouse.unit, _("You cannot send goods from here."))
    if not lines:
        raise ValidationError(_("A shipment needs at least one line."))
    shipment = Shipment(
        unit=warehouse.unit,
        number=f"tmp-{uuid.uuid4().hex[:12]}",
        association=association,
        warehouse=warehouse,
        allocation=allocation,
        delivery_address=(delivery_address or "").strip(),
        delivery_city=(delivery_city or "").strip() or association.city,
        packed_on=packed_on or timezone.localdate(),
        created_by=actor,
    )
    shipment.save()
    shipment.number = _number(shipment)
    total = Decimal("0")
    names_zh, names_en = [], []
    for item, quantity, need in lines:
        stock_dispatch(
            actor=actor, warehouse=warehouse, item=item, quantity=quantity, shipment=shipment
        )
        value = item.value_cny * quantity
        total += value
        ShipmentLine.objects.create(
            shipment=shipment,
            item=item,
            need=need,
            quantity=quantity,
            hs_code=item.hs_code,
            value_cny=value,
        )
        names_zh.append(item.name)
        names_en.append(item.name_en or item.name)
    shipment.declared_value_cny = total
    with override("zh-hans"):
        shipment.description_zh = "、".join(names_zh)[:300]
    shipment.description_en = ", ".join(names_en)[:300]
    shipment.full_clean()
    shipment.save()
    audit.record(
        actor=actor,
        action="relief.shipment.pack",
        obj=shipment,
        changes={
            "association": [None, str(association)],
            "quantity": [None, sum(q for _i, q, _n in lines)],
        },
    )
    return shipment


def _lock(actor: Any, shipment: Shipment, *states: str) -> Shipment:
    require_unit(actor, RELIEF("change"), shipment.unit, _("You cannot change this shipment."))
    # scoping: exempt - unit checked above
    row = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if row.status not in states:
        raise ValidationError(
            _("This shipment is %(status)s; it cannot take this step.")
            % {"status": row.get_status_display()}
        )
    return row


@transaction.atomic
def shipment_ship(
    *,
    actor: Any,
    shipment: Shipment,
    carrier: str,
    tracking_number: str,
    shipped_on: date | None = None,
    description_zh: str | None = None,
    description_en: str | None = None,
) -> Shipment:
    row = _lock(actor, shipment, S.PACKED)
    errors = {}
    if not carrier.strip():
        errors["carrier"] = _("Name the carrier.")
    if not tracking_number.strip():
        errors["tracking_number"] = _("Enter the tracking number.")
    if errors:
        raise ValidationError(errors)
    row.carrier = carrier.strip()
    row.tracking_number = tracking_number.strip()
    row.shipped_on = shipped_on or timezone.localdate()
    if description_zh:
        row.description_zh = description_zh.strip()
    if description_en:
        row.description_en = description_en.strip()
    row.status = S.SHIPPED
    row.full_clean()
    row.save()
    audit.record(
        actor=actor,
        action="relief.shipment.ship",
        obj=row,
        changes={
            "status": [S.PACKED, S.SHIPPED],
            "carrier": [None, row.carrier],
            "tracking_number": [None, row.tracking_number],
        },
    )
    return row


@transaction.atomic
def shipment_deliver(*, actor: Any, shipment: Shipment, delivered_on: date | None = None):
    row = _lock(actor, shipment, S.SHIPPED)
    row.status = S.DELIVERED
    row.delivered_on = delivered_on or timezone.localdate()
    row.save(update_fields=["status", "delivered_on"])
    audit.record(
        actor=actor,
        action="relief.shipment.deliver",
        obj=row,
        changes={"status": [S.SHIPPED, S.DELIVERED]},
    )
    return row


def ack_link_create(*, actor: Any, shipment: Shipment) -> str:
    """The private link through which the association acknowledges receipt (path with token)."""
    from django.urls import reverse

    _link, token = private_links.private_link_create(
        actor=actor,
        target=shipment,
        purpose=ACK_LINK_PURPOSE,
        expires_in=timedelta(days=ACK_LINK_DAYS),
    )
    return reverse("relief:shipment_ack_public", args=[token])


def shipment_for_ack_token(token: str, *, request: Any = None) -> Shipment:
    """The shipment an acknowledgement token opens (raises private_links' errors)."""
    link = private_links.private_link_resolve(token, ACK_LINK_PURPOSE, request=request)
    # scoping: exempt - token-authorised
    return Shipment.objects.select_related("association", "warehouse").get(pk=link.target_id)


@transaction.atomic
def shipment_acknowledge(
    *,
    shipment: Shipment,
    received: dict[int, int],
    name: str,
    note: str = "",
    photo: Any = None,
    on: date | None = None,
) -> Shipment:
    """The association confirms receipt through its link (no login: the token was resolved by
    the view): quantities received per line (may differ from those sent), who confirms, an
    optional photo and thank-you note. Needs served by the shipment become fulfilled."""
    # scoping: exempt - token-authorised
    row = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if row.status not in (S.SHIPPED, S.DELIVERED):
        raise ValidationError(_("This shipment cannot be acknowledged now."))
    errors = {}
    if not name.strip():
        errors["name"] = _("Enter your name.")
    lines = list(row.lines.all())
    for line in lines:
        value = received.get(line.pk)
        if value is None or isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[f"line_{line.pk}"] = _("Enter the quantity received (zero or more).")
    if photo:
        try:
            filekit.check_upload(photo, PHOTOS)
        except ValidationError as exc:
            errors["photo"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    for line in lines:
        line.received_quantity = received[line.pk]
        line.save(update_fields=["received_quantity"])
    before = row.status
    row.status = S.ACKNOWLEDGED
    row.acknowledged_on = on or timezone.localdate()
    row.delivered_on = row.delivered_on or row.acknowledged_on
    row.acknowledged_by = name.strip()[:100]
    row.acknowledgement_note = note.strip()
    if photo:
        row.acknowledgement_photo.save(getattr(photo, "name", "photo.jpg"), photo, save=False)
    row.save()
    need_ids = [line.need_id for line in lines if line.need_id]
    Need.objects.filter(pk__in=need_ids, status=Need.Status.ALLOCATED).update(  # scoping: exempt
        status=Need.Status.FULFILLED
    )
    audit.record(
        actor=None,
        action="relief.shipment.acknowledge",
        obj=row,
        unit=row.unit,
        changes={
            "status": [before, row.status],
            "acknowledged_on": [None, row.acknowledged_on.isoformat()],
        },
        message=row.acknowledged_by,
    )
    notify.shipment_acknowledged(shipment=row)
    return row


@transaction.atomic
def thanks_record(
    *,
    actor: Any,
    shipment: Shipment,
    kind: str,
    received_on: date | None = None,
    from_name: str = "",
    text: str = "",
) -> Thanks:
    """A letter or call of thanks from the association, recorded against the shipment."""
    require_unit(actor, RELIEF("add"), shipment.unit, _("You cannot record thanks here."))
    if kind not in Thanks.Kind.values:
        raise ValidationError({"kind": _("Choose a letter or a call.")})
    thanks = Thanks(
        unit=shipment.unit,
        shipment=shipment,
        kind=kind,
        received_on=received_on or timezone.localdate(),
        from_name=from_name.strip(),
        text=text.strip(),
        created_by=actor,
    )
    thanks.full_clean()
    thanks.save()
    audit.record(
        actor=actor,
        action="relief.thanks.record",
        obj=thanks,
        changes=audit.diff({}, audit.snapshot(thanks, ["kind", "received_on", "from_name"])),
    )
    return thanks
