from django.utils.translation import gettext_lazy as _

from qiaolian.core.registry import NavItem, NavSection, NotificationKind, PeriodicTask, QiaolianApp
from qiaolian.core.scoping import Action, DomainActions

CORE = DomainActions("core")
"""The actions of the core domain ("core.view", …)."""


class CoreConfig(QiaolianApp):
    name = "qiaolian.core"
    label = "core"
    verbose_name = "Qiaolian core"
    url_prefix = ""
    api_router = "qiaolian.core.api:router"
    api_prefix = ""
    api_operation_prefix = "core"
    domain_label = _("Units, users and logs")
    domain_verbs = (
        Action.VIEW,
        Action.ADD,
        Action.CHANGE,
        Action.DELETE,
        Action.EXPORT,
        Action.ADMIN,
        Action.AUDIT,
        Action.CONFIGURE,
    )

    def ready(self) -> None:
        from qiaolian.core import checks, roles, signals  # noqa: F401 - checks register themselves
        from qiaolian.core.workdays import seed as workdays_seed

        roles.connect(self)
        workdays_seed.connect(self)
        signals.connect()

    def navigation(self) -> list[NavSection]:
        return [
            NavSection(
                "workbench",
                _("Workbench"),
                0,
                (
                    NavItem(_("Dashboard"), "core:dashboard", "ti-layout-dashboard", "core.view"),
                    NavItem(
                        _("Figures"),
                        "core:figures",
                        "ti-chart-dots",
                        "core.view",
                        whole_subtree=True,
                    ),
                ),
            ),
            NavSection(
                "system",
                _("System"),
                900,
                (
                    # The pages of a whole unit: nothing in them is assigned to anyone.
                    NavItem(
                        _("System figures"),
                        "core:system",
                        "ti-server",
                        "core.admin",
                        whole_subtree=True,
                    ),
                    NavItem(
                        _("Units"), "core:unit_list", "ti-sitemap", "core.view", whole_subtree=True
                    ),
                    NavItem(_("Users"), "core:user_list", "ti-users", "core.admin"),
                    NavItem(
                        _("Roles"),
                        "core:role_list",
                        "ti-shield-lock",
                        "core.view",
                        whole_subtree=True,
                    ),
                    NavItem(
                        _("Dictionaries"),
                        "core:dict_list",
                        "ti-list-details",
                        "core.view",
                        whole_subtree=True,
                    ),
                    NavItem(
                        _("Working calendar"),
                        "core:calendar_list",
                        "ti-calendar-event",
                        "core.configure",
                        visible="qiaolian.core.services.can_configure",
                    ),
                    NavItem(_("Operation log"), "core:audit_list", "ti-history", "core.audit"),
                    NavItem(_("Login log"), "core:login_log", "ti-login", "core.audit"),
                    NavItem(_("API tokens"), "core:token_list", "ti-key", "core.view"),
                ),
            ),
        ]

    def periodic_tasks(self) -> list[PeriodicTask]:
        # Files whose row is gone (a cascade deleted it) leave the private storage daily.
        return [
            PeriodicTask("qiaolian.core.tasks.delete_orphan_files", 24 * 3600),
            PeriodicTask("qiaolian.core.export_jobs.delete_expired_exports", 6 * 3600),
        ]

    def notification_kinds(self) -> list[NotificationKind]:
        return [
            NotificationKind(
                "core.export_ready",
                _("Export ready"),
                _("The export “%(title)s” is ready to download."),
            )
        ]

    def audit_actions(self) -> dict:
        from qiaolian.core.audit_actions import LABELS

        return LABELS
