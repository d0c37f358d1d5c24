"""The names of the enterprises app's audit operations (registry: `audit_actions`)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "enterprise.create": _("Enterprise added"),
    "enterprise.update": _("Enterprise changed"),
    "enterprise.import": _("Enterprises imported"),
    "enterprise.investor_add": _("Overseas investor added"),
    "enterprise.assign": _("Liaison officer assigned"),
    "enterprise.unassign": _("Liaison officer's assignment ended"),
    "enterprise.contact": _("Contact with an enterprise logged"),
    "enterprise.portal_link": _("Enterprise's own link created"),
    "gov_department.create": _("Department added"),
    "gov_department.update": _("Department changed"),
    "appeal.raise": _("Appeal raised"),
    "appeal.route": _("Appeal routed to a department"),
    "appeal.acknowledge": _("Appeal acknowledged by the department"),
    "appeal.answer": _("Department's reply recorded"),
    "appeal.confirm": _("Appeal closed on the enterprise's confirmation"),
    "appeal.override": _("Appeal closed without confirmation"),
    "appeal.reopen": _("Appeal reopened"),
    "appeal.escalate": _("Overdue appeal escalated"),
    "appeal.attach": _("File attached to an appeal"),
    "appeal.link": _("Enterprise's link to an appeal created"),
    "enterprise_meeting.create": _("Meeting recorded"),
    "enterprise_meeting.attendee_add": _("Enterprise representative added to a meeting"),
    "resumption.round_create": _("Survey round opened"),
    "resumption.answer": _("Survey answer recorded"),
    "resumption.to_appeal": _("Survey difficulty raised as an appeal"),
    "export.enterprises": _("Enterprises exported"),
    "export.appeals": _("Appeals exported"),
    "seed.enterprises": _("Demo data loaded (enterprises)"),
}
