"""The names of the register's audit operations (registry: `QiaolianApp.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "person.create": _("Person added"),
    "person.update": _("Person changed"),
    "person.reveal": _("Sensitive number revealed"),
    "person.consent_grant": _("Consent recorded"),
    "person.consent_withdraw": _("Consent withdrawn"),
    "person.link": _("Family link added"),
    "person.unlink": _("Family link removed"),
    "person.merge": _("Records merged"),
    "person.merged_away": _("Merged into another record"),
    "person.unmerge": _("Merge undone"),
    "person.restored": _("Record restored"),
    "person.duplicate_dismiss": _("Marked as not a duplicate"),
    "duplicates.scan": _("Duplicates searched"),
    "association.save": _("Association saved"),
    "association.leader_add": _("Association leader added"),
    "association.leader_remove": _("Association leader removed"),
    "import.upload": _("Import file uploaded"),
    "import.commit": _("Import carried out"),
    "import.discard": _("Import discarded"),
    "import.undo": _("Import undone"),
    "import.refused": _("Import refused"),
    "import.expire": _("Abandoned import cleared"),
    "export.people": _("People exported"),
    "export.associations": _("Associations exported"),
    "export.import_errors": _("Import problems exported"),
}
