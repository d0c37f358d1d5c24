from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
from qiaolian.core.scoping import DomainActions

ENTERPRISES = DomainActions("enterprises")
"""The actions of the enterprises domain ("enterprises.view", …)."""

FIRMS = pgettext_lazy("measure", "enterprises")
PEOPLE = pgettext_lazy("measure", "people")
DEPARTMENTS = pgettext_lazy("measure", "departments")
APPEALS = pgettext_lazy("measure", "appeals")
SHARE = pgettext_lazy("measure", "share")
PROJECTS = pgettext_lazy("measure", "projects")
YUAN = pgettext_lazy("measure", "yuan")
BODIES = pgettext_lazy("measure", "bodies")


class EnterprisesConfig(QiaolianApp):
    name = "qiaolian.enterprises"
    label = "enterprises"
    verbose_name = "侨资企业服务 / Overseas-invested enterprises"
    url_prefix = "enterprises/"
    api_router = "qiaolian.enterprises.api:router"
    api_prefix = "/enterprises"
    domain_label = _("Enterprises")

    def navigation(self) -> list[NavSection]:
        def item(label, url_name, icon, whole_subtree=None):
            return NavItem(
                label, f"enterprises:{url_name}", icon, "enterprises.view", None, whole_subtree
            )

        return [
            NavSection(
                "enterprises",
                _("Enterprise services"),
                250,
                (
                    item(_("Enterprises"), "enterprise_list", "ti-building-factory-2"),
                    item(_("Appeals"), "appeal_list", "ti-message-report"),
                    item(_("Liaison officers"), "officer_list", "ti-users", True),
                    item(_("Departments"), "department_list", "ti-building-bank", True),
                    item(_("Meetings"), "meeting_list", "ti-presentation", True),
                    item(_("Resumption surveys"), "round_list", "ti-chart-pie", True),
                    item(_("Investment projects"), "project_list", "ti-briefcase"),
                    item(_("Trade fairs"), "fair_list", "ti-building-store", True),
                    item(_("Domestic bodies"), "body_list", "ti-affiliate", True),
                ),
            )
        ]

    def seed_steps(self) -> list[SeedStep]:
        return [SeedStep("enterprises", "qiaolian.enterprises.seed:run", after=("network",))]

    def periodic_tasks(self) -> list[PeriodicTask]:
        return [PeriodicTask("qiaolian.enterprises.tasks.escalate_overdue_appeals", 3600)]

    def figures(self) -> list[Figure]:
        # The reference text: 130 liaison officers for 150-odd key enterprises, 18 city
        # departments at the 政企恳谈会, a resumption rate above 95%.
        def figure(key, label, measure, url, order, snapshot=False):
            return Figure(
                f"enterprises.{key}",
                label,
                measure,
                f"qiaolian.enterprises.figures.{key}",
                f"qiaolian.enterprises.figures.{url}",
                permission="enterprises.view",
                order=order,
                snapshot=snapshot,
            )

        return [
            figure("enterprises", _("Enterprises"), FIRMS, "enterprises_url", 250, True),
            figure("key_enterprises", _("Key enterprises"), FIRMS, "enterprises_url", 251, True),
            figure("officers", _("Liaison officers"), PEOPLE, "officers_url", 252, True),
            figure(
                "enterprises_served",
                _("Enterprises with a liaison officer"),
                FIRMS,
                "officers_url",
                253,
                True,
            ),
            figure(
                "departments",
                _("Government departments"),
                DEPARTMENTS,
                "departments_url",
                254,
                True,
            ),
            figure("appeals", _("Appeals raised"), APPEALS, "appeals_url", 255),
            figure("appeals_closed", _("Appeals closed"), APPEALS, "appeals_url", 256),
            figure(
                "appeals_on_time_rate",
                _("Appeals answered on time"),
                SHARE,
                "departments_url",
                257,
            ),
            figure("resumption_rate", _("Resumption rate"), SHARE, "rounds_url", 258, True),
            figure(
                "projects_landed", _("Investment projects landed"), PROJECTS, "projects_url", 259
            ),
            figure("investment_cny", _("Investment landed"), YUAN, "projects_url", 260),
            figure("domestic_bodies", _("Domestic bodies"), BODIES, "bodies_url", 261, True),
        ]

    def person_data(self) -> list[PersonData]:
        return [
            PersonData("enterprises.Investor", "person", _("Investments in enterprises")),
            PersonData("enterprises.InvestmentProject", "person", _("Investment projects")),
        ]

    def narrowed(self) -> list[Narrowed]:
        return [
            Narrowed("assigned", "enterprises.Enterprise", _("the enterprises assigned to them")),
            Narrowed(
                "assigned", "enterprises.Appeal", _("the appeals of the enterprises assigned")
            ),
            Narrowed(
                "assigned", "enterprises.ContactLog", _("the contacts with their enterprises")
            ),
        ]

    def my_work(self) -> list[WorkPanel]:
        return [
            WorkPanel(
                "enterprises.overdue_appeals",
                _("Appeals past their due date"),
                "qiaolian.enterprises.work.overdue_appeals",
                "enterprises.view",
                order=60,
            )
        ]

    def notification_kinds(self) -> list[NotificationKind]:
        return [
            NotificationKind(
                "enterprises.appeal_overdue",
                _("Appeal overdue"),
                _(
                    "Appeal %(number)s “%(title)s” sent to %(department)s was due %(due)s "
                    "and has no reply."
                ),
            )
        ]

    def audit_actions(self) -> dict:
        from qiaolian.enterprises.audit_actions import LABELS

        return LABELS
