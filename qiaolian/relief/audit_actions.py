"""How the operation log names the audit codes the supplies app writes."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "relief.item.create": _("Item added to the catalogue"),
    "relief.item.update": _("Item edited"),
    "relief.warehouse.create": _("Warehouse added"),
    "relief.warehouse.update": _("Warehouse edited"),
    "relief.lot.receive": _("Goods received into stock"),
    "relief.stockentry.post": _("Stock movement posted"),
    "relief.stockentry.reverse": _("Stock movement reversed"),
    "relief.stock.transfer": _("Stock transferred"),
    "relief.stock.adjust": _("Stock adjusted"),
    "relief.stock.count": _("Stock counted"),
    "relief.need.report": _("Need reported"),
    "relief.need.confirm": _("Need confirmed"),
    "relief.need.adjust": _("Need adjusted"),
    "relief.need.cancel": _("Need cancelled"),
    "relief.allocation.propose": _("Allocation proposed"),
    "relief.allocation.edit": _("Allocation edited"),
    "relief.allocation.approve": _("Allocation approved"),
    "relief.allocation.cancel": _("Allocation cancelled"),
    "relief.shipment.pack": _("Shipment packed"),
    "relief.shipment.ship": _("Shipment sent"),
    "relief.shipment.deliver": _("Shipment delivered"),
    "relief.shipment.acknowledge": _("Shipment acknowledged"),
    "relief.thanks.record": _("Thanks recorded"),
    "export.relief": _("Supplies exported"),
}
