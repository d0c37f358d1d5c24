from django.utils.translation import gettext_lazy as _

from qiaolian.core.registry import NavItem, NavSection, QiaolianApp, SeedStep


class NetworkConfig(QiaolianApp):
    name = "qiaolian.network"
    label = "network"
    verbose_name = "Liaison grid"
    url_prefix = "grid/"
    api_router = "qiaolian.network.api:router"
    domain_label = _("Liaison grid")

    def navigation(self) -> list[NavSection]:
        return [
            NavSection(
                "people",
                _("People work"),
                100,
                (
                    NavItem(_("Groups"), "network:group_list", "ti-messages", "network.view"),
                    NavItem(_("Grid"), "network:grid", "ti-affiliate", "network.view"),
                ),
            )
        ]

    def seed_steps(self) -> list[SeedStep]:
        # Liaison grid demo data (people, associations, groups, stewards).
        return [SeedStep("network", "qiaolian.network.seed:seed_network")]
