from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core.registry import (
    Figure,
    Narrowed,
    NavItem,
    NavSection,
    PersonData,
    QiaolianApp,
    SeedStep,
)
from qiaolian.core.scoping import DomainActions

NETWORK = DomainActions("network")
"""The actions of the network domain ("network.view", …)."""

GROUPS = pgettext_lazy("measure", "groups")
PEOPLE = pgettext_lazy("measure", "people")


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
                    NavItem(
                        _("Grid"),
                        "network:grid",
                        "ti-affiliate",
                        "network.view",
                        whole_subtree=True,
                    ),
                ),
            )
        ]

    def seed_steps(self) -> list[SeedStep]:
        # Liaison grid demo data (people, associations, groups, stewards).
        return [SeedStep("network", "qiaolian.network.seed:seed_network")]

    def figures(self) -> list[Figure]:
        # The reference text's 340 groups, 24,617 people, 350 cadres, 133 doctors, 111 lawyers.
        def figure(key, label, measure, url, order):
            return Figure(
                f"network.{key}",
                label,
                measure,
                f"qiaolian.network.figures.{key}",
                f"qiaolian.network.figures.{url}",
                permission="network.view",
                order=order,
                snapshot=True,
            )

        return [
            figure("groups", _("Liaison groups"), GROUPS, "groups_url", 110),
            figure(
                "people_in_groups",
                _("People in groups"),
                PEOPLE,
                "grid_url",
                111,
            ),
            figure("cadres", _("Cadres in groups"), PEOPLE, "grid_url", 112),
            figure(
                "doctors",
                _("Doctors in groups"),
                PEOPLE,
                "grid_url",
                113,
            ),
            figure(
                "lawyers",
                _("Lawyers in groups"),
                PEOPLE,
                "grid_url",
                114,
            ),
        ]

    def person_data(self) -> list[PersonData]:
        return [
            PersonData("network.Membership", "person", _("Group memberships")),
            PersonData("network.Steward", "person", _("Stewardships of groups")),
        ]

    def narrowed(self) -> list[Narrowed]:
        return [
            Narrowed(
                "assigned",
                "people.Person",
                _("the current members of the groups they steward"),
                "qiaolian.network.selectors.members_of_stewarded_groups",
            ),
            Narrowed("assigned", "network.Group", _("the groups they steward")),
        ]

    def audit_actions(self) -> dict:
        from qiaolian.network.audit_actions import LABELS

        return LABELS
