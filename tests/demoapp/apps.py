"""A small app that exists only in the test settings (tests/settings.py).

It proves the app contract: it gets navigation, URLs, API operations, a seed step, figures,
periodic tasks, person-data tables, "my work" panels, notification kinds, leak-sweep entries
and permissions by declaring them
here, without a line changed in core (tests/demoapp/tests/test_contract.py).
"""

from django.utils.translation import gettext_lazy as _

from qiaolian.core.registry import (
    Figure,
    Narrowed,
    NavItem,
    NavSection,
    NotificationKind,
    PeriodicTask,
    PersonData,
    QiaolianApp,
    SeedStep,
    WorkPanel,
)
from qiaolian.core.scoping import Action


class DemoConfig(QiaolianApp):
    name = "tests.demoapp"
    label = "demoapp"
    verbose_name = "Demo app (tests only)"
    url_prefix = "demo/"
    api_router = "tests.demoapp.api:router"
    api_prefix = "/demo"
    domain_label = _("Demo widgets")
    domain_verbs = (Action.VIEW, Action.ADD, Action.CHANGE)

    def navigation(self) -> list[NavSection]:
        return [
            NavSection(
                "demo",
                "Demo",
                500,
                (NavItem("Widgets", "demoapp:widget_list", "ti-box", "demoapp.view"),),
            )
        ]

    def seed_steps(self) -> list[SeedStep]:
        return [SeedStep("demoapp", "tests.demoapp.seed:seed_widgets", after=("network",))]

    def periodic_tasks(self) -> list[PeriodicTask]:
        return [PeriodicTask("tests.demoapp.tasks.tidy_widgets", 3600)]

    def figures(self) -> list[Figure]:
        return [
            Figure(
                "demoapp.widgets",
                "Widgets",
                "widgets",
                "tests.demoapp.selectors:widget_count",
                "tests.demoapp.selectors:widget_list_url",
                permission="demoapp.view",
            )
        ]

    def person_data(self) -> list[PersonData]:
        return [PersonData("demoapp.Widget", "owner", "Widgets owned")]

    def narrowed(self) -> list[Narrowed]:
        return [Narrowed("assigned", "demoapp.Widget", "Widgets assigned to the user")]

    def my_work(self) -> list[WorkPanel]:
        return [
            WorkPanel("demoapp.widgets", "Widgets to check", "tests.demoapp.selectors:my_widgets")
        ]

    def notification_kinds(self) -> list[NotificationKind]:
        return [NotificationKind("demoapp.checked", "Widget checked", "Widget %(name)s checked.")]
