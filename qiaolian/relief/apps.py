from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core.registry import (
    RECORD_VERBS,
    Figure,
    NavSection,
    QiaolianApp,
    SeedStep,
)
from qiaolian.core.scoping import Action, DomainActions

RELIEF = DomainActions("relief")
"""The actions of the supplies domain ("relief.view", …, "relief.approve")."""


class ReliefConfig(QiaolianApp):
    name = "qiaolian.relief"
    label = "relief"
    verbose_name = "Supplies"
    url_prefix = "relief/"
    api_router = "qiaolian.relief.api:router"
    api_prefix = "/relief"
    domain_label = _("Supplies")
    domain_verbs = (*RECORD_VERBS, Action.APPROVE)

    def navigation(self) -> list[NavSection]:
        return []

    def seed_steps(self) -> list[SeedStep]:
        # The catalogue, warehouses and needs first; giving receives its goods donations into
        # these warehouses; then the shipments take the donated lots first (FIFO).
        return [
            SeedStep("relief_stock", "qiaolian.relief.seed:run_stock", after=("network",)),
            SeedStep("relief", "qiaolian.relief.seed:run", after=("relief_stock", "giving?")),
        ]

    def figures(self) -> list[Figure]:
        return []

    def audit_actions(self) -> dict:
        from qiaolian.relief.audit_actions import LABELS

        return LABELS


ITEMS = pgettext_lazy("measure", "items")
