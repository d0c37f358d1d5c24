"""Goods donations: each line is received into stock through the relief app
(`relief.services.stock_receive`) as a lot whose origin points back at the donation, so the
relief pages answer "whose donations are these?" and the donation page "where did they go?"
(`relief.selectors.lot_trace`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from qiaolian.giving.models import DonationLine
from qiaolian.relief.models import Lot
from qiaolian.relief.selectors import lot_trace
from qiaolian.relief.services import stock_receive


def receive_lines(*, actor: Any, donation: Any, lines: list[dict]) -> Decimal:
    """Receive each line ({item, quantity, warehouse, value_cny?}) into stock; the total value."""
    total = Decimal(0)
    url = reverse("giving:donation_detail", args=[donation.public_id])
    label = _("%(donor)s donation of %(day)s") % {
        "donor": donation.donor.name,
        "day": f"{donation.received_on:%Y-%m-%d}",
    }
    for line in lines:
        item, warehouse, quantity = line["item"], line["warehouse"], int(line["quantity"])
        if quantity <= 0:
            raise ValidationError(
                _("Give a quantity above zero for %(item)s.") % {"item": item.name}
            )
        value = line.get("value_cny")
        value = Decimal(value) if value not in (None, "") else item.value_cny * quantity
        lot = stock_receive(
            actor=actor,
            warehouse=warehouse,
            item=item,
            quantity=quantity,
            received_on=donation.received_on,
            origin_kind=Lot.Origin.DONATION,
            origin_label=label,
            origin_url=url,
            value_cny=value,
        )
        DonationLine.objects.create(
            donation=donation,
            item=item,
            warehouse=warehouse,
            quantity=quantity,
            value_cny=value,
            lot=lot,
        )
        total += value
    return total


def lines_with_trace(*, user: Any, donation: Any) -> list[dict]:
    """The donation's goods lines, each with where its lot went (shipments, stock left)."""
    out = []
    for line in donation.lines.select_related("item", "lot", "warehouse"):
        steps = []
        for row in lot_trace(user=user, lot=line.lot) if line.lot else []:
            if row["kind"] == "shipment":
                text = _(
                    "%(quantity)s to %(association)s (%(country)s %(city)s), shipment "
                    "%(number)s: %(status)s"
                ) % {
                    "quantity": row["quantity"],
                    "association": row["association"],
                    "country": row["country_name"],
                    "city": row["city"],
                    "number": row["shipment"],
                    "status": row["status_label"],
                }
            else:
                text = _("%(quantity)s still in stock at %(warehouse)s") % row
            steps.append({"text": text, "url": row.get("url", "")})
        out.append(
            {
                "item": line.item.name,
                "quantity": line.quantity,
                "value_cny": line.value_cny,
                "trace": steps,
            }
        )
    return out
