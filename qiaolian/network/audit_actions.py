"""The names of the grid's audit operations (registry: `QiaolianApp.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "group.create": _("Group created"),
    "group.update": _("Group changed"),
    "group.contacted": _("Contact with the group recorded"),
    "group.member_add": _("Group member added"),
    "group.member_leave": _("Group member left"),
    "group.roster_apply": _("Roster check applied"),
    "group.steward_add": _("Steward added"),
    "group.steward_remove": _("Steward removed"),
    "export.groups": _("Groups exported"),
    "seed.network": _("Demo data loaded (liaison grid)"),
}
