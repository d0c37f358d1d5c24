from django.db.models.signals import post_migrate
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
from qiaolian.hotline.domain import HOTLINE as HOTLINE  # re-exported: apps import it from here

CONTACTS = pgettext_lazy("measure", "contacts")
CASES = pgettext_lazy("measure", "cases")
SERVICES = pgettext_lazy("measure", "services")


class HotlineConfig(QiaolianApp):
    name = "qiaolian.hotline"
    label = "hotline"
    verbose_name = "热线与专家服务 / Hotline and expert services"
    url_prefix = "hotline/"
    api_router = "qiaolian.hotline.api:router"
    api_prefix = "/hotline"
    domain_label = _("Hotline")

    def ready(self) -> None:
        # The built-in SLA calendars and policies, like core's built-in roles: created after
        # every migrate when missing, never overwritten.
        from qiaolian.hotline.models import keep_rollup_with
        from qiaolian.hotline.services import rollup
        from qiaolian.hotline.services.sla import ensure_default_policies

        # Every write of a case, call or survey keeps the rollup (see models.RollupKeeper).
        keep_rollup_with(rollup)
        post_migrate.connect(ensure_default_policies, sender=self)
        # The figures' rollup: counted once when the table is new (a database migrated with
        # cases in it), and kept by subtree when a unit moves (see services/rollup.py).
        post_migrate.connect(rollup.fill_if_empty, sender=self)
        rollup.register_tables()

    def navigation(self) -> list[NavSection]:
        def item(label, url_name, icon, verb="view", whole_subtree=None):
            return NavItem(
                label, f"hotline:{url_name}", icon, f"hotline.{verb}", None, whole_subtree
            )

        return [
            NavSection(
                "hotline",
                _("Hotline"),
                200,
                (
                    item(_("Call console"), "call_console", "ti-phone-plus", "add"),
                    item(_("Cases"), "case_list", "ti-ticket"),
                    item(_("Calls"), "call_list", "ti-phone-call"),
                    item(_("Callbacks"), "callback_list", "ti-phone-outgoing"),
                    item(_("Tomb-sweeping"), "tomb_list", "ti-flower"),
                    item(_("Answers"), "answer_list", "ti-book"),
                    item(_("Volunteers"), "volunteer_list", "ti-stethoscope"),
                    item(_("Duty rota"), "rota", "ti-calendar-time"),
                    # Reports over a whole unit's cases, not one volunteer's.
                    item(_("Breach report"), "sla_breaches", "ti-alarm", whole_subtree=True),
                    item(_("Satisfaction"), "csat_report", "ti-mood-smile", whole_subtree=True),
                    item(_("Hotline figures"), "stats", "ti-chart-bar", whole_subtree=True),
                    NavItem(
                        _("SLA policies"),
                        "hotline:sla_policy_list",
                        "ti-clock-cog",
                        "core.configure",
                    ),
                ),
            )
        ]

    def my_work(self) -> list[WorkPanel]:
        def panel(key, label, order):
            return WorkPanel(
                f"hotline.{key}", label, f"qiaolian.hotline.work.{key}", "hotline.view", order
            )

        return [
            panel("my_cases", _("My open cases"), 10),
            panel("callbacks_today", _("Callbacks due today"), 20),
            panel("near_deadline", _("Cases close to their deadline"), 30),
            panel("past_deadline", _("Cases past their deadline"), 40),
        ]

    def notification_kinds(self) -> list[NotificationKind]:
        return [
            NotificationKind(
                "hotline.assigned",
                _("Case assigned"),
                _("Case %(number)s “%(subject)s” was assigned to you."),
            ),
            NotificationKind(
                "hotline.transferred",
                _("Case transferred"),
                _(
                    "Case %(number)s “%(subject)s” was transferred "
                    "from %(from_unit)s to %(to_unit)s."
                ),
            ),
            NotificationKind(
                "hotline.deadline_near",
                _("Deadline close"),
                _("Case %(number)s “%(subject)s” is due %(due)s (Beijing time)."),
            ),
            NotificationKind(
                "hotline.deadline_passed",
                _("Deadline passed"),
                _("Case %(number)s “%(subject)s” was due %(due)s (Beijing time)."),
            ),
            NotificationKind(
                "hotline.mentioned",
                _("Mention"),
                _("%(author)s mentioned you on case %(number)s: “%(excerpt)s”"),
            ),
        ]

    def seed_steps(self) -> list[SeedStep]:
        # A year of the 24-hour hotline's work (cases, calls, tomb-sweeping).
        return [SeedStep("hotline", "qiaolian.hotline.seed:seed_hotline", after=("network",))]

    def periodic_tasks(self) -> list[PeriodicTask]:
        return [PeriodicTask("qiaolian.hotline.tasks.check_sla", 60)]

    def figures(self) -> list[Figure]:
        # The reference text's 22,486 contacts, 1,200+ problems solved, 1,005 tomb-sweepings.
        def figure(key, label, measure, url, order):
            return Figure(
                f"hotline.{key}",
                label,
                measure,
                f"qiaolian.hotline.figures.{key}",
                f"qiaolian.hotline.figures.{url}",
                permission="hotline.view",
                order=order,
            )

        return [
            figure(
                "contacts",
                _("Hotline contacts"),
                CONTACTS,
                "stats_url",
                200,
            ),
            figure("cases", _("Hotline cases"), CASES, "stats_url", 201),
            figure(
                "resolved",
                _("Problems solved"),
                CASES,
                "stats_url",
                202,
            ),
            figure(
                "tomb_sweeping",
                _("Cloud and proxy tomb-sweepings"),
                SERVICES,
                "tomb_url",
                203,
            ),
        ]

    def person_data(self) -> list[PersonData]:
        return [
            PersonData("hotline.Case", "requester", _("Hotline cases asked for")),
            PersonData("hotline.Call", "person", _("Hotline calls")),
        ]

    def narrowed(self) -> list[Narrowed]:
        return [
            Narrowed(
                "assigned",
                "people.Person",
                _("the requesters of the cases assigned to them"),
                "qiaolian.hotline.selectors.cases.requesters_of_assigned_cases",
            ),
            Narrowed("assigned", "hotline.Case", _("the cases assigned to them")),
            Narrowed("assigned", "hotline.TombSweepingOrder", _("the orders they perform")),
        ]

    def audit_actions(self) -> dict:
        from qiaolian.hotline.audit_actions import LABELS

        return LABELS
