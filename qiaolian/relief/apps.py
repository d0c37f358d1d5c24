from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core.registry import (
    RECORD_VERBS,
    Figure,
    NavItem,
    NavSection,
    NotificationKind,
    QiaolianApp,
    SeedStep,
    WorkPanel,
)
from qiaolian.core.scoping import Action, DomainActions

RELIEF = DomainActions("relief")
ITEMS = pgettext_lazy("measure", "items")
ASSOCIATIONS = pgettext_lazy("measure", "associations")
COUNTRIES = pgettext_lazy("measure", "countries (regions)")
CITIES = pgettext_lazy("measure", "cities")
THANKS = pgettext_lazy("measure", "thanks")
"""The actions of the supplies domain ("relief.view", …, "relief.approve")."""


class ReliefConfig(QiaolianApp):
    name = "qiaolian.relief"
    label = "relief"
    verbose_name = "Supplies"
    url_prefix = "relief/"
    api_router = "qiaolian.relief.api:router"
    api_prefix = "/relief"
    domain_label = _("Supplies")
    # No sensitive fields here, so no REVEAL; APPROVE for allocations (someone else approves).
    domain_verbs = (*(v for v in RECORD_VERBS if v != Action.REVEAL), Action.APPROVE)

    def navigation(self) -> list[NavSection]:
        view = "relief.view"
        return [
            NavSection(
                "relief",
                _("Supplies"),
                300,
                (
                    NavItem(_("Needs"), "relief:need_list", "ti-list-check", view),
                    NavItem(_("Allocations"), "relief:allocation_list", "ti-scale", view),
                    NavItem(_("Shipments"), "relief:shipment_list", "ti-truck-delivery", view),
                    NavItem(
                        _("Warehouses"), "relief:warehouse_list", "ti-building-warehouse", view
                    ),
                    NavItem(_("Stock ledger"), "relief:ledger", "ti-notebook", view),
                    NavItem(_("Item catalogue"), "relief:item_list", "ti-packages", view),
                    NavItem(_("Thanks"), "relief:thanks_list", "ti-heart-handshake", view),
                ),
            )
        ]

    def seed_steps(self) -> list[SeedStep]:
        # The catalogue, warehouses and needs first; giving receives its goods donations into
        # these warehouses; then the shipments take the donated lots first (FIFO).
        return [
            SeedStep("relief_stock", "qiaolian.relief.seed:run_stock", after=("network",)),
            SeedStep("relief", "qiaolian.relief.seed:run", after=("relief_stock", "giving?")),
        ]

    def figures(self) -> list[Figure]:
        # The reference text's 500,000 items to ~70 associations in 25 countries and 51
        # cities, and the 70-odd thanks: counted from the shipments sent in the period.
        def figure(key, label, measure, url, order):
            return Figure(
                f"relief.{key}",
                label,
                measure,
                f"qiaolian.relief.figures.{key}",
                f"qiaolian.relief.figures.{url}",
                permission="relief.view",
                order=order,
            )

        return [
            figure("items_shipped", _("Items shipped"), ITEMS, "shipments_url", 300),
            figure(
                "associations_reached",
                _("Associations supplied"),
                ASSOCIATIONS,
                "shipments_url",
                301,
            ),
            figure("countries_reached", _("Countries reached"), COUNTRIES, "shipments_url", 302),
            figure("cities_reached", _("Cities reached"), CITIES, "shipments_url", 303),
            figure("thanks_received", _("Thanks received"), THANKS, "thanks_url", 304),
        ]

    def my_work(self) -> list[WorkPanel]:
        return [
            WorkPanel(
                "relief.needs_to_confirm",
                _("Needs to confirm"),
                "qiaolian.relief.work.needs_to_confirm",
                "relief.change",
                order=70,
            ),
            WorkPanel(
                "relief.allocations_to_approve",
                _("Allocations to approve"),
                "qiaolian.relief.work.allocations_to_approve",
                "relief.approve",
                order=71,
            ),
        ]

    def notification_kinds(self) -> list[NotificationKind]:
        return [
            NotificationKind(
                "relief.shipment_acknowledged",
                _("Shipment acknowledged"),
                _("%(association)s acknowledged shipment %(number)s (confirmed by %(name)s)."),
            ),
            NotificationKind(
                "relief.need_reported",
                _("Need reported by an association"),
                _("%(association)s reported a need through its link: %(item)s × %(quantity)s."),
            ),
        ]

    def audit_actions(self) -> dict:
        from qiaolian.relief.audit_actions import LABELS

        return LABELS
