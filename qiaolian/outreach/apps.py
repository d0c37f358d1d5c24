from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core.registry import (
    RECORD_VERBS,
    Figure,
    Narrowed,
    NavItem,
    NavSection,
    PeriodicTask,
    PersonData,
    QiaolianApp,
    SeedStep,
    WorkPanel,
)
from qiaolian.core.scoping import Action


class OutreachConfig(QiaolianApp):
    name = "qiaolian.outreach"
    label = "outreach"
    verbose_name = "Outreach"
    url_prefix = "outreach/"
    api_router = "qiaolian.outreach.api:router"
    api_prefix = "/outreach"
    domain_label = _("Outreach")
    domain_verbs = (*RECORD_VERBS, Action.APPROVE)

    def navigation(self) -> list[NavSection]:
        return [
            NavSection(
                "outreach",
                _("Outreach"),
                150,
                (
                    NavItem(_("Letters"), "outreach:letter_list", "ti-mail", "outreach.view"),
                    NavItem(
                        _("Audiences"), "outreach:audience_list", "ti-users-group", "outreach.view"
                    ),
                    NavItem(
                        _("Family calls"),
                        "outreach:campaign_list",
                        "ti-phone-call",
                        "outreach.view",
                    ),
                    NavItem(_("My calls"), "outreach:my_calls", "ti-phone", "outreach.view"),
                    NavItem(_("Care kits"), "outreach:kit_list", "ti-gift", "outreach.view"),
                ),
            )
        ]

    def seed_steps(self) -> list[SeedStep]:
        return [SeedStep("outreach", "qiaolian.outreach.seed:run", after=("network", "hotline"))]

    def periodic_tasks(self) -> list[PeriodicTask]:
        return [PeriodicTask("qiaolian.outreach.tasks.resume_letters", 600)]

    def figures(self) -> list[Figure]:
        def figure(key, label, measure, order, snapshot=False):
            return Figure(
                f"outreach.{key}",
                label,
                measure,
                f"qiaolian.outreach.figures.{key}",
                f"qiaolian.outreach.figures.{key}_url",
                permission="outreach.view",
                order=order,
                snapshot=snapshot,
            )

        return [
            figure("letters_sent", _("Letters sent"), pgettext_lazy("measure", "letters"), 150),
            figure("deliveries", _("Letter deliveries"), pgettext_lazy("measure", "messages"), 151),
            figure("calls_made", _("Family calls made"), pgettext_lazy("measure", "calls"), 152),
            figure(
                "people_reached",
                _("People reached by phone"),
                pgettext_lazy("measure", "people"),
                153,
            ),
            figure("kits_distributed", _("Care kits given"), pgettext_lazy("measure", "kits"), 154),
            figure(
                "letters_opened_rate",
                _("Share of web-page letters opened"),
                pgettext_lazy("measure", "share"),
                155,
            ),
            figure(
                "calls_reached_rate",
                _("Share of family calls that reached the person"),
                pgettext_lazy("measure", "share"),
                156,
            ),
        ]

    def person_data(self) -> list[PersonData]:
        return [
            PersonData("outreach.Delivery", "person", _("Letters received")),
            PersonData("outreach.CallTask", "person", _("Family calls")),
            PersonData("outreach.KitDistribution", "person", _("Care kits received")),
        ]

    def narrowed(self) -> list[Narrowed]:
        return [Narrowed("assigned", "outreach.CallTask", _("the calls given to them"))]

    def my_work(self) -> list[WorkPanel]:
        return [
            WorkPanel(
                "outreach.calls_to_make",
                _("Family calls to make"),
                "qiaolian.outreach.work.calls_to_make",
                "outreach.view",
                order=80,
            )
        ]

    def audit_actions(self) -> dict:
        from qiaolian.outreach.audit_actions import LABELS

        return LABELS
