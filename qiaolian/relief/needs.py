"""Needs (精准排摸): reported by staff or by the association through its private link,
confirmed or adjusted (with a reason) by staff, cancelled with a reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qiaolian.core import audit, private_links
from qiaolian.core.scoping import require_unit
from qiaolian.relief import notify
from qiaolian.relief.apps import RELIEF
from qiaolian.relief.models import Item, Need

NEED_LINK_PURPOSE = "relief.need_report"
NEED_LINK_DAYS = 60
FIELDS = ["association", "item", "quantity", "urgency", "delivery_address", "contact", "status"]


def _check_item(item: Item | None) -> None:
    if item is None or not item.active:
        raise ValidationError({"item": _("Choose an item of the catalogue.")})


@transaction.atomic
def need_report(
    *,
    actor: Any,
    association: Any,
    item: Item,
    quantity: int,
    urgency: int = Need.Urgency.NORMAL,
    delivery_address: str,
    contact: str,
    delivery_city: str = "",
    note: str = "",
    via_link: bool = False,
) -> Need:
    """A need reported by staff (`actor`, relief.add on the association's unit) or, with
    `via_link` and no actor, by the association's leader through the private link (the view
    resolved the token)."""
    if not via_link:
        require_unit(
            actor, RELIEF("add"), association.unit, _("You cannot report needs for this unit.")
        )
    _check_item(item)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError({"quantity": _("Enter a whole number greater than zero.")})
    need = Need(
        unit=association.unit,
        association=association,
        item=item,
        quantity_reported=quantity,
        quantity=quantity,
        urgency=urgency,
        delivery_address=delivery_address.strip(),
        delivery_city=delivery_city.strip(),
        contact=contact.strip(),
        note=note.strip(),
        reported_by_link=via_link,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    need.full_clean()
    need.save()
    audit.record(
        actor=actor if not via_link else None,
        action="relief.need.report",
        obj=need,
        unit=need.unit,
        changes=audit.diff({}, audit.snapshot(need, FIELDS)),
        message=_("reported through the association's link") if via_link else "",
    )
    if via_link:
        notify.need_reported(need=need)
    return need


def _lock(actor: Any, need: Need) -> Need:
    require_unit(actor, RELIEF("change"), need.unit, _("You cannot review needs of this unit."))
    # scoping: exempt - the unit was checked just above.
    return Need.objects.select_for_update().get(pk=need.pk)


@transaction.atomic
def need_confirm(*, actor: Any, need: Need, quantity: int | None = None, reason: str = "") -> Need:
    """Confirm a reported need as it is, or adjust its quantity (a reason is required)."""
    row = _lock(actor, need)
    if row.status not in (Need.Status.REPORTED, Need.Status.CONFIRMED, Need.Status.ADJUSTED):
        raise ValidationError(_("Only a need not yet allocated can be confirmed or adjusted."))
    before = audit.snapshot(row, ["quantity", "status", "adjust_reason"])
    if quantity is None or quantity == row.quantity_reported:
        row.quantity = row.quantity_reported
        row.status = Need.Status.CONFIRMED
        row.adjust_reason = reason.strip()
        action = "relief.need.confirm"
    else:
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise ValidationError({"quantity": _("Enter a whole number greater than zero.")})
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the quantity is adjusted.")})
        row.quantity = quantity
        row.status = Need.Status.ADJUSTED
        row.adjust_reason = reason.strip()
        action = "relief.need.adjust"
    row.full_clean()
    row.save(update_fields=["quantity", "status", "adjust_reason"])
    audit.record(
        actor=actor,
        action=action,
        obj=row,
        changes=audit.diff(before, audit.snapshot(row, ["quantity", "status", "adjust_reason"])),
        message=row.adjust_reason,
    )
    return row


@transaction.atomic
def need_cancel(*, actor: Any, need: Need, reason: str) -> Need:
    row = _lock(actor, need)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the need is cancelled.")})
    if row.status in (Need.Status.ALLOCATED, Need.Status.FULFILLED, Need.Status.CANCELLED):
        raise ValidationError(_("An allocated, fulfilled or cancelled need cannot be cancelled."))
    before = row.status
    row.status = Need.Status.CANCELLED
    row.adjust_reason = reason.strip()
    row.save(update_fields=["status", "adjust_reason"])
    audit.record(
        actor=actor,
        action="relief.need.cancel",
        obj=row,
        changes={"status": [before, row.status]},
        message=row.adjust_reason,
    )
    return row


def need_link_create(*, actor: Any, association: Any) -> str:
    """A private link through which the association's leader reports needs; the path with the
    token (shown once)."""
    from django.urls import reverse

    _link, token = private_links.private_link_create(
        actor=actor,
        target=association,
        purpose=NEED_LINK_PURPOSE,
        expires_in=timedelta(days=NEED_LINK_DAYS),
        unit=association.unit,
    )
    return reverse("relief:need_report_public", args=[token])


def association_for_need_token(token: str, *, request: Any = None) -> Any:
    """The association a need-report token opens; raises private_links' LinkNotFound / LinkGone /
    LinkRateLimited. The token is the authorisation: no restrict() here."""
    from qiaolian.people.models import Association

    link = private_links.private_link_resolve(token, NEED_LINK_PURPOSE, request=request)
    # scoping: exempt - token-authorised
    return Association.objects.select_related("unit").get(pk=link.target_id)
