"""The names of the donations app's audit operations (registry: `QiaolianApp.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "giving.drive_create": _("Donation drive created"),
    "giving.drive_update": _("Donation drive changed"),
    "giving.donor_create": _("Donor added"),
    "giving.donation_create": _("Donation recorded"),
    "giving.receipt_issue": _("Receipt issued"),
    "giving.receipt_reissue": _("Receipt voided and reissued"),
    "giving.pledge_create": _("Pledge recorded"),
    "giving.instalment_paid": _("Pledge instalment paid"),
    "giving.grant_create": _("Grant application entered"),
    "giving.grant_approve": _("Grant approved"),
    "giving.grant_reject": _("Grant rejected"),
    "giving.fund_create": _("Charity fund set up"),
    "giving.fundentry.post": _("Charity fund entry posted"),
    "giving.fundentry.reverse": _("Charity fund entry reversed"),
    "giving.import": _("Donation list imported"),
    "export.giving_receipts": _("Receipts exported"),
    "export.giving_fund": _("Charity fund ledger exported"),
    "export.giving_donations": _("Donations exported"),
    "seed.giving": _("Demo data loaded (donations)"),
}
