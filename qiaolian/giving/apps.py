from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core.registry import (
    RECORD_VERBS,
    Figure,
    NavItem,
    NavSection,
    NotificationKind,
    PeriodicTask,
    PersonData,
    QiaolianApp,
    SeedStep,
    WorkPanel,
)
from qiaolian.core.scoping import Action, DomainActions

GIVING = DomainActions("giving")
"""The actions of the giving domain ("giving.view", "giving.approve" …)."""

YUAN = pgettext_lazy("measure", "yuan")


class GivingConfig(QiaolianApp):
    name = "qiaolian.giving"
    label = "giving"
    verbose_name = "Donations"
    url_prefix = "giving/"
    api_router = "qiaolian.giving.api:router"
    api_prefix = "/giving"
    domain_label = _("Donations")
    domain_verbs = (*RECORD_VERBS, Action.APPROVE)

    def navigation(self) -> list[NavSection]:
        def item(label, url, icon):
            return NavItem(label, f"giving:{url}", icon, "giving.view")

        return [
            NavSection(
                "giving",
                _("Donations"),
                320,
                (
                    item(_("Donation drives"), "drive_list", "ti-speakerphone"),
                    item(_("Donations"), "donation_list", "ti-gift"),
                    item(_("Donors"), "donor_list", "ti-heart-handshake"),
                    item(_("Pledges"), "pledge_list", "ti-calendar-dollar"),
                    item(_("Receipts"), "receipt_list", "ti-receipt"),
                    item(_("Charity fund"), "fund_list", "ti-building-bank"),
                ),
            )
        ]

    def seed_steps(self) -> list[SeedStep]:
        return [SeedStep("giving", "qiaolian.giving.seed:run", after=("relief_stock",))]

    def periodic_tasks(self) -> list[PeriodicTask]:
        return [PeriodicTask("qiaolian.giving.tasks.remind_instalments", 86400)]

    def figures(self) -> list[Figure]:
        def figure(key, label, measure, order, snapshot=False):
            return Figure(
                f"giving.{key}",
                label,
                measure,
                f"qiaolian.giving.figures.{key}",
                "qiaolian.giving.figures.donations_url"
                if key != "fund_balance_cny"
                else "qiaolian.giving.figures.fund_url",
                permission="giving.view",
                order=order,
                snapshot=snapshot,
            )

        return [
            figure("raised_cny", _("Raised in money and goods"), YUAN, 300),
            figure("money_cny", _("Raised in money"), YUAN, 301),
            figure("goods_cny", _("Raised in goods (valued)"), YUAN, 302),
            figure("donations", _("Donations"), pgettext_lazy("measure", "donations"), 303),
            figure("donors", _("Donors"), pgettext_lazy("measure", "donors"), 304),
            figure("fund_balance_cny", _("Charity fund balance"), YUAN, 305, snapshot=True),
        ]

    def person_data(self) -> list[PersonData]:
        return [PersonData("giving.Donor", "person", _("Donor records"))]

    def audit_actions(self) -> dict:
        from qiaolian.giving.audit_actions import LABELS

        return LABELS

    def my_work(self) -> list[WorkPanel]:
        return [
            WorkPanel(
                "giving.grants_to_approve",
                _("Grants to approve"),
                "qiaolian.giving.work.grants_to_approve",
                "giving.approve",
                order=75,
            )
        ]

    def notification_kinds(self) -> list[NotificationKind]:
        return [
            NotificationKind(
                "giving.instalment_due",
                _("Pledge instalment due"),
                _("An instalment of %(donor)s's pledge (%(amount)s) is due on %(due)s."),
            )
        ]
