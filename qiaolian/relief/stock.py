"""Stock services: receive, transfer, dispatch, adjust and count (the stock ledger's writes).

Every movement locks the (warehouse, item) balance row first (`select_for_update`), so two
dispatches of the last units are serialised: the second sees what the first left and is
refused. The database's CHECK (quantity >= 0) holds even if a caller forgot the lock.
Outgoing movements consume lots first-in-first-out within the warehouse, one ledger entry per
lot, so every unit that leaves can be traced back to its origin.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.ledger import ledger_post
from qiaolian.core.money import unit_label
from qiaolian.core.scoping import require_unit
from qiaolian.relief.apps import RELIEF
from qiaolian.relief.models import Item, Lot, Shipment, StockBalance, StockEntry, Warehouse

K = StockEntry.Kind


def _positive(quantity: Any, field: str = "quantity") -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError({field: _("Enter a whole number greater than zero.")})
    return quantity


def lock_balance(warehouse: Warehouse, item: Item) -> StockBalance:
    """The balance row of (warehouse, item), created if missing, locked until commit."""
    # scoping: exempt - the callers checked the actor's rights on the warehouse's unit.
    StockBalance.objects.get_or_create(
        warehouse=warehouse, item=item, defaults={"unit_id": warehouse.unit_id, "quantity": 0}
    )
    return StockBalance.objects.select_for_update().get(warehouse=warehouse, item=item)


def _post(
    *,
    actor: Any,
    balance: StockBalance,
    warehouse: Warehouse,
    item: Item,
    lot: Lot | None,
    kind: str,
    quantity: int,
    reason: str,
    shipment: Shipment | None = None,
) -> StockEntry:
    entry = ledger_post(
        actor=actor,
        model=StockEntry,
        unit=warehouse.unit,
        reason=reason or str(StockEntry.Kind(kind).label),
        warehouse=warehouse,
        item=item,
        lot=lot,
        kind=kind,
        quantity=quantity,
        uom=item.uom,
        shipment=shipment,
    )
    balance.quantity += quantity
    if balance.quantity < 0:  # never reached: the callers check first; the DB refuses too
        raise ValidationError(_("Stock cannot go below zero."))
    balance.save(update_fields=["quantity"])
    return entry


def lots_in_stock(warehouse: Warehouse, item: Item) -> list[tuple[Lot, int]]:
    """[(lot, remaining)] of `item` in `warehouse`, oldest first (the FIFO order)."""
    # scoping: exempt - read under the balance lock by the services of this module.
    rows = (
        StockEntry.objects.filter(warehouse=warehouse, item=item, lot__isnull=False)
        .order_by()
        .values("lot_id")
        .annotate(left=Sum("quantity"))
        .filter(left__gt=0)
    )
    remaining = {row["lot_id"]: row["left"] for row in rows}
    lots = Lot.objects.filter(pk__in=remaining).order_by("received_on", "id")  # scoping: exempt
    return [(lot, remaining[lot.pk]) for lot in lots]


def _short_of_stock(
    item: Item, warehouse: Warehouse, available: int, wanted: int
) -> ValidationError:
    uom = unit_label(item.uom)
    return ValidationError(
        _(
            "Not enough %(item)s in %(warehouse)s: %(available)s %(uom)s available, "
            "%(wanted)s %(uom)s asked for."
        )
        % {
            "item": item,
            "warehouse": warehouse,
            "available": f"{available:,}",
            "wanted": f"{wanted:,}",
            "uom": uom,
        },
        code="insufficient_stock",
    )


def _take_fifo(
    *,
    actor: Any,
    warehouse: Warehouse,
    item: Item,
    quantity: int,
    kind: str,
    reason: str,
    shipment: Shipment | None = None,
) -> list[tuple[Lot, int]]:
    """Consume `quantity` from the oldest lots; refuse beyond stock. [(lot, taken)]."""
    balance = lock_balance(warehouse, item)
    if balance.quantity < quantity:
        raise _short_of_stock(item, warehouse, balance.quantity, quantity)
    taken: list[tuple[Lot, int]] = []
    left = quantity
    for lot, remaining in lots_in_stock(warehouse, item):
        if left == 0:
            break
        take = min(left, remaining)
        _post(
            actor=actor,
            balance=balance,
            warehouse=warehouse,
            item=item,
            lot=lot,
            kind=kind,
            quantity=-take,
            reason=reason,
            shipment=shipment,
        )
        taken.append((lot, take))
        left -= take
    if left:  # the balance and the lots disagree: refuse rather than post an unlotted exit
        raise _short_of_stock(item, warehouse, quantity - left, quantity)
    return taken


@transaction.atomic
def stock_receive(
    *,
    actor: Any,
    warehouse: Warehouse,
    item: Item,
    quantity: int,
    received_on: date,
    origin_kind: str,
    origin_label: str = "",
    origin_url: str = "",
    value_cny: Decimal | None = None,
    note: str = "",
) -> Lot:
    """Receive goods into stock: one Lot + one receipt StockEntry, in one transaction, audited.
    `value_cny` defaults to item.value_cny × quantity. Requires relief.add on the warehouse's
    unit."""
    require_unit(actor, RELIEF("add"), warehouse.unit, _("You cannot receive goods here."))
    _positive(quantity)
    if origin_kind not in Lot.Origin.values:
        raise ValidationError({"origin_kind": _("Choose where the goods come from.")})
    if origin_url and not origin_url.startswith("/"):
        raise ValidationError({"origin_url": _("The origin link must be a page of this site.")})
    lot = Lot(
        unit=warehouse.unit,
        item=item,
        warehouse=warehouse,
        quantity_received=quantity,
        received_on=received_on,
        origin_kind=origin_kind,
        origin_label=origin_label.strip(),
        origin_url=origin_url.strip(),
        value_cny=(item.value_cny * quantity if value_cny is None else value_cny),
        note=note.strip(),
        created_by=actor,
    )
    lot.full_clean()
    lot.save()
    balance = lock_balance(warehouse, item)
    _post(
        actor=actor,
        balance=balance,
        warehouse=warehouse,
        item=item,
        lot=lot,
        kind=K.RECEIPT,
        quantity=quantity,
        reason=lot.origin_label or str(lot.get_origin_kind_display()),
    )
    audit.record(
        actor=actor,
        action="relief.lot.receive",
        obj=lot,
        changes=audit.diff(
            {},
            audit.snapshot(
                lot, ["item", "warehouse", "quantity_received", "origin_kind", "origin_label"]
            ),
        ),
    )
    return lot


@transaction.atomic
def stock_transfer(
    *,
    actor: Any,
    source: Warehouse,
    target: Warehouse,
    item: Item,
    quantity: int,
    reason: str = "",
) -> list[StockEntry]:
    """Move goods between warehouses, lot by lot (FIFO); the lots keep their origin."""
    require_unit(actor, RELIEF("add"), source.unit, _("You cannot move goods out of here."))
    require_unit(actor, RELIEF("add"), target.unit, _("You cannot move goods into there."))
    _positive(quantity)
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another warehouse to move the goods to.")})
    # Lock both balance rows in a fixed order: two opposite transfers cannot deadlock.
    first, second = sorted([source, target], key=lambda w: w.pk)
    lock_balance(first, item)
    lock_balance(second, item)
    reason = reason.strip() or _("Transfer %(source)s → %(target)s") % {
        "source": source,
        "target": target,
    }
    taken = _take_fifo(
        actor=actor,
        warehouse=source,
        item=item,
        quantity=quantity,
        kind=K.TRANSFER_OUT,
        reason=reason,
    )
    target_balance = lock_balance(target, item)
    entries = [
        _post(
            actor=actor,
            balance=target_balance,
            warehouse=target,
            item=item,
            lot=lot,
            kind=K.TRANSFER_IN,
            quantity=take,
            reason=reason,
        )
        for lot, take in taken
    ]
    audit.record(
        actor=actor,
        action="relief.stock.transfer",
        obj=target,
        changes={"item": [None, str(item)], "quantity": [None, quantity]},
        message=reason,
    )
    return entries


@transaction.atomic
def stock_dispatch(
    *,
    actor: Any,
    warehouse: Warehouse,
    item: Item,
    quantity: int,
    shipment: Shipment | None = None,
    reason: str = "",
) -> list[tuple[Lot, int]]:
    """Send goods out of stock, oldest lots first. Beyond stock it is refused, naming the item
    and the quantity available. [(lot, quantity taken from it)]."""
    require_unit(actor, RELIEF("add"), warehouse.unit, _("You cannot send goods from here."))
    _positive(quantity)
    reason = reason.strip() or (
        _("Shipment %(number)s") % {"number": shipment.number} if shipment else ""
    )
    return _take_fifo(
        actor=actor,
        warehouse=warehouse,
        item=item,
        quantity=quantity,
        kind=K.DISPATCH,
        reason=reason,
        shipment=shipment,
    )


def _gain_lot(*, actor: Any, warehouse: Warehouse, item: Item, quantity: int, label: str) -> Lot:
    lot = Lot(
        unit=warehouse.unit,
        item=item,
        warehouse=warehouse,
        quantity_received=quantity,
        received_on=timezone.localdate(),
        origin_kind=Lot.Origin.ADJUSTMENT,
        origin_label=label[:200],
        value_cny=item.value_cny * quantity,
        created_by=actor,
    )
    lot.full_clean()
    lot.save()
    return lot


def _change_by(
    *, actor: Any, warehouse: Warehouse, item: Item, delta: int, kind: str, reason: str
) -> None:
    if delta < 0:
        _take_fifo(
            actor=actor, warehouse=warehouse, item=item, quantity=-delta, kind=kind, reason=reason
        )
        return
    lot = _gain_lot(actor=actor, warehouse=warehouse, item=item, quantity=delta, label=reason)
    balance = lock_balance(warehouse, item)
    _post(
        actor=actor,
        balance=balance,
        warehouse=warehouse,
        item=item,
        lot=lot,
        kind=kind,
        quantity=delta,
        reason=reason,
    )


@transaction.atomic
def stock_adjust(
    *, actor: Any, warehouse: Warehouse, item: Item, quantity: int, reason: str
) -> None:
    """Correct stock by `quantity` (+ found, − lost or damaged); a reason is required. A loss
    beyond stock is refused; a gain becomes a lot of its own ("adjustment")."""
    require_unit(actor, RELIEF("change"), warehouse.unit, _("You cannot adjust stock here."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the stock is adjusted.")})
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity == 0:
        raise ValidationError({"quantity": _("Enter a whole number other than zero.")})
    _change_by(
        actor=actor,
        warehouse=warehouse,
        item=item,
        delta=quantity,
        kind=K.ADJUSTMENT,
        reason=reason.strip(),
    )
    audit.record(
        actor=actor,
        action="relief.stock.adjust",
        obj=warehouse,
        changes={"item": [None, str(item)], "quantity": [None, quantity]},
        message=reason.strip(),
    )


@transaction.atomic
def stock_count(
    *, actor: Any, warehouse: Warehouse, item: Item, counted: int, reason: str = ""
) -> int:
    """Record a physical count: the difference to the ledger is posted as a count entry.
    Returns the difference (0: nothing posted)."""
    require_unit(actor, RELIEF("change"), warehouse.unit, _("You cannot count stock here."))
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise ValidationError({"counted": _("Enter the number counted (zero or more).")})
    balance = lock_balance(warehouse, item)
    delta = counted - balance.quantity
    if delta:
        _change_by(
            actor=actor,
            warehouse=warehouse,
            item=item,
            delta=delta,
            kind=K.COUNT,
            reason=reason.strip() or _("Stock count: %(counted)s") % {"counted": counted},
        )
    audit.record(
        actor=actor,
        action="relief.stock.count",
        obj=warehouse,
        changes={"item": [None, str(item)], "quantity": [balance.quantity - delta, counted]},
        message=reason.strip(),
    )
    return delta
