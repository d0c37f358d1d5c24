"""The names of core's audit operations (registry: `QiaolianApp.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "unit.create": _("Unit created"),
    "unit.update": _("Unit changed"),
    "unit.activate": _("Unit activated"),
    "unit.deactivate": _("Unit deactivated"),
    "unit.move": _("Unit moved"),
    "user.create": _("User created"),
    "user.update": _("User changed"),
    "user.grant": _("Role granted"),
    "user.revoke": _("Role withdrawn"),
    "user.set_password": _("Password set by an administrator"),
    "user.change_own_password": _("Own password changed"),
    "user.otp_enrol": _("Second factor set up"),
    "role.save": _("Role saved"),
    "dict.item_save": _("Dictionary entry saved"),
    "calendar.day_save": _("Calendar day saved"),
    "calendar.day_delete": _("Calendar day removed"),
    "calendar.year_confirm": _("Year's calendar confirmed"),
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "exchange_rate.record": _("Exchange rate recorded"),
    "private_link.create": _("Private link created"),
    "seed.run": _("Demo data loaded"),
    "export.operation-log": _("Operation log exported"),
    "export.login-log": _("Login log exported"),
    # Any other export an app forgot to name.
    "export.*": _("Data exported"),
}
