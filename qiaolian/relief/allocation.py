"""Allocation: a proposal computed from the open needs and the stock of one warehouse,
editable, approved by someone other than its proposer; approval packs the shipments.

The rule (docs/relief.md, "How an allocation is proposed"):

1. Only open needs count: confirmed or adjusted, minus what earlier allocations (proposed or
   approved, not cancelled) already give them. Stock available is the warehouse's balance
   minus what other proposed allocations of the warehouse hold.
2. Item by item, needs are served by urgency: every critical need before any high one, and so
   on down.
3. Within one urgency, when stock does not cover all of it, it is shared fairly: first equally
   among the countries (a country that needs less than its share gets what it needs and the
   rest is shared again among the others), then in the same way among the associations of each
   country, then among an association's needs oldest first. Indivisible leftovers (fewer units
   than claimants) go one each in the order of the earliest report.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.approvals import require_approver
from qiaolian.core.scoping import Action, require_unit
from qiaolian.relief.apps import RELIEF
from qiaolian.relief.models import Allocation, AllocationLine, Need, StockBalance, Warehouse


def share_fairly(total: int, claims: list[tuple[Any, int]]) -> dict[Any, int]:
    """Max-min fair integer split of `total` over `claims` [(key, wanted)] (in priority order
    for the indivisible remainder): nobody gets more than they want; what one cannot use goes
    to the others equally."""
    given = {key: 0 for key, _w in claims}
    wanted = dict(claims)
    order = [key for key, _w in claims]
    left = total
    while left > 0:
        hungry = [k for k in order if given[k] < wanted[k]]
        if not hungry:
            break
        share = left // len(hungry)
        if share == 0:
            for key in hungry[:left]:
                given[key] += 1
            break
        for key in hungry:
            take = min(share, wanted[key] - given[key])
            given[key] += take
            left -= take
    return given


def open_quantity(need: Need) -> int:
    """What a need still waits for: its quantity minus its live allocation lines."""
    taken = (
        AllocationLine.objects.filter(need=need)  # scoping: exempt - the caller read the need
        .exclude(allocation__status=Allocation.Status.CANCELLED)
        .aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    return max(0, need.quantity - taken)


def _open_needs(user: Any, warehouse: Warehouse) -> list[tuple[Need, int]]:
    needs = (
        Need.objects.restrict(user, Action.VIEW)
        .filter(status__in=Need.OPEN)
        .select_related("association", "item")
        .order_by("urgency", "reported_at", "id")
    )
    taken = dict(
        AllocationLine.objects.filter(need__in=needs)  # scoping: exempt - needs restricted
        .exclude(allocation__status=Allocation.Status.CANCELLED)
        .order_by()
        .values_list("need_id")
        .annotate(n=Sum("quantity"))
    )
    return [(n, n.quantity - taken.get(n.pk, 0)) for n in needs if n.quantity > taken.get(n.pk, 0)]


def _held_by_proposals(warehouse: Warehouse) -> dict[int, int]:
    return dict(
        AllocationLine.objects.filter(  # scoping: exempt - one warehouse the caller may use
            allocation__warehouse=warehouse, allocation__status=Allocation.Status.PROPOSED
        )
        .order_by()
        .values_list("need__item_id")
        .annotate(n=Sum("quantity"))
    )


def propose_lines(*, user: Any, warehouse: Warehouse) -> list[tuple[Need, int]]:
    """[(need, quantity)] the rule gives from `warehouse`'s stock (not saved)."""
    held = _held_by_proposals(warehouse)
    stock = {
        b.item_id: b.quantity - held.get(b.item_id, 0)
        for b in StockBalance.objects.filter(warehouse=warehouse)  # scoping: exempt - checked
    }
    by_item: dict[int, list[tuple[Need, int]]] = defaultdict(list)
    for need, left in _open_needs(user, warehouse):
        by_item[need.item_id].append((need, left))
    lines: list[tuple[Need, int]] = []
    for item_id, needs in by_item.items():
        available = max(0, stock.get(item_id, 0))
        for urgency in sorted({n.urgency for n, _l in needs}):
            tier = [(n, left) for n, left in needs if n.urgency == urgency]
            if available <= 0:
                break
            lines.extend(_share_tier(tier, available))
            available -= sum(q for n, q in lines if n.item_id == item_id and n.urgency == urgency)
    return [(need, q) for need, q in lines if q > 0]


def _share_tier(tier: list[tuple[Need, int]], available: int) -> list[tuple[Need, int]]:
    if sum(left for _n, left in tier) <= available:
        return tier
    countries: dict[str, list[tuple[Need, int]]] = defaultdict(list)
    for need, left in tier:
        countries[str(need.association.country)].append((need, left))
    per_country = share_fairly(
        available, [(c, sum(left for _n, left in rows)) for c, rows in countries.items()]
    )
    out = []
    for country, rows in countries.items():
        associations: dict[int, list[tuple[Need, int]]] = defaultdict(list)
        for need, left in rows:
            associations[need.association_id].append((need, left))
        per_association = share_fairly(
            per_country[country],
            [(a, sum(left for _n, left in rs)) for a, rs in associations.items()],
        )
        for association, rs in associations.items():
            budget = per_association[association]
            for need, left in rs:  # oldest first
                take = min(left, budget)
                budget -= take
                out.append((need, take))
    return out


NUMBER_ATTEMPTS = 5


def _number() -> str:
    """The number after the year's highest (FP2026-0001), not a count: a gap never collides."""
    prefix = f"FP{timezone.localdate().year}-"
    last = (
        Allocation.objects.filter(number__startswith=prefix)  # scoping: exempt - numbering
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    following = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{following:04d}"


def _save_numbered(allocation: Allocation) -> None:
    """Save with the next free number. The number is unique in the database: a concurrent
    proposal that took the same one makes this insert wait for it, then fail; the number is
    then taken again (it now sees the other's) inside a savepoint, so nothing is half-written."""
    for attempt in range(NUMBER_ATTEMPTS):
        allocation.number = _number()
        try:
            with transaction.atomic():
                allocation.save()
            return
        except IntegrityError:
            taken = Allocation.objects.filter(number=allocation.number)  # scoping: exempt
            if attempt == NUMBER_ATTEMPTS - 1 or not taken.exists():
                raise


@transaction.atomic
def allocation_propose(
    *, actor: Any, warehouse: Warehouse, note: str = "", lines: list[tuple[Need, int]] | None = None
) -> Allocation:
    """Save a proposal: `lines` as given, else what the rule computes."""
    require_unit(actor, RELIEF("add"), warehouse.unit, _("You cannot allocate from here."))
    lines = propose_lines(user=actor, warehouse=warehouse) if lines is None else lines
    if not lines:
        raise ValidationError(_("No open need can be served from the stock of this warehouse."))
    allocation = Allocation(unit=warehouse.unit, warehouse=warehouse, note=note, created_by=actor)
    allocation.full_clean(exclude=["number"], validate_unique=False)
    _save_numbered(allocation)
    AllocationLine.objects.bulk_create(
        [AllocationLine(allocation=allocation, need=need, quantity=q) for need, q in lines]
    )
    audit.record(
        actor=actor,
        action="relief.allocation.propose",
        obj=allocation,
        changes={"lines": [None, len(lines)], "quantity": [None, sum(q for _n, q in lines)]},
    )
    return allocation


def _lock(actor: Any, allocation: Allocation, action: str = "change") -> Allocation:
    require_unit(actor, RELIEF(action), allocation.unit, _("You cannot change this allocation."))
    # scoping: exempt - unit checked above
    row = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if row.status != Allocation.Status.PROPOSED:
        raise ValidationError(_("Only a proposed allocation can be changed or approved."))
    return row


@transaction.atomic
def allocation_line_set(*, actor: Any, line: AllocationLine, quantity: int) -> None:
    """Edit a line's quantity (0 removes it); never beyond what the need still waits for."""
    allocation = _lock(actor, line.allocation)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValidationError({"quantity": _("Enter a whole number (zero removes the line).")})
    need = line.need
    room = open_quantity(need) + line.quantity
    if quantity > room:
        raise ValidationError(
            {"quantity": _("%(need)s waits for %(room)s at most.") % {"need": need, "room": room}}
        )
    before = line.quantity
    if quantity == 0:
        AllocationLine.objects.filter(pk=line.pk).delete()  # scoping: exempt - locked above
    else:
        AllocationLine.objects.filter(pk=line.pk).update(quantity=quantity)  # scoping: exempt
    audit.record(
        actor=actor,
        action="relief.allocation.edit",
        obj=allocation,
        changes={str(need): [before, quantity]},
    )


@transaction.atomic
def allocation_cancel(*, actor: Any, allocation: Allocation, reason: str) -> Allocation:
    row = _lock(actor, allocation)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the allocation is cancelled.")})
    row.status = Allocation.Status.CANCELLED
    row.note = reason.strip()[:300]
    row.save(update_fields=["status", "note"])
    audit.record(
        actor=actor,
        action="relief.allocation.cancel",
        obj=row,
        changes={"status": ["proposed", "cancelled"]},
        message=row.note,
    )
    return row


@transaction.atomic
def allocation_approve(*, actor: Any, allocation: Allocation, packed_on: Any = None) -> list[Any]:
    """Approve (someone other than the proposer, holding relief.approve): one packed shipment
    per association, dispatched from stock FIFO; needs fully served become allocated."""
    from qiaolian.relief.shipping import shipment_pack

    row = _lock(actor, allocation, "approve")
    require_approver(actor=actor, record=row)
    lines = list(row.lines.select_related("need__association", "need__item").order_by("id"))
    if not lines:
        raise ValidationError(_("An allocation without lines cannot be approved."))
    # One shipment per association and delivery city.
    by_association: dict[tuple, list[AllocationLine]] = defaultdict(list)
    for line in lines:
        by_association[(line.need.association_id, line.need.delivery_city)].append(line)
    shipments = []
    for rows in by_association.values():
        association = rows[0].need.association
        items: dict[int, list[Any]] = {}
        for line in rows:
            entry = items.setdefault(line.need.item_id, [line.need.item, 0, line.need])
            entry[1] += line.quantity
        shipments.append(
            shipment_pack(
                actor=actor,
                warehouse=row.warehouse,
                association=association,
                lines=[(item, quantity, need) for item, quantity, need in items.values()],
                allocation=row,
                delivery_address=rows[0].need.delivery_address,
                delivery_city=rows[0].need.delivery_city,
                packed_on=packed_on,
            )
        )
    for line in lines:
        need = line.need
        if open_quantity(need) == 0:
            Need.objects.filter(pk=need.pk).update(status=Need.Status.ALLOCATED)  # scoping: exempt
    row.status = Allocation.Status.APPROVED
    row.approved_by = actor
    row.approved_at = timezone.now()
    row.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        actor=actor,
        action="relief.allocation.approve",
        obj=row,
        changes={"status": ["proposed", "approved"], "shipments": [None, len(shipments)]},
    )
    return shipments
