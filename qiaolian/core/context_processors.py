from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core.scoping import Action, holds_anywhere
from qiaolian.core.selectors import switchable_units

# (section label, [(label, url name, icon, action needed anywhere)])
NAVIGATION = [
    (_("Workbench"), [(_("Dashboard"), "core:dashboard", "ti-layout-dashboard", Action.VIEW)]),
    (
        _("People work"),
        [
            (_("People"), "people:person_list", "ti-users-group", Action.VIEW),
            (pgettext_lazy("search box", "Search"), "people:search", "ti-search", Action.VIEW),
            (_("Associations"), "people:association_list", "ti-building-community", Action.VIEW),
            (_("Import people"), "people:import_list", "ti-file-upload", Action.ADD),
            (_("Duplicates"), "people:duplicate_list", "ti-copy", Action.VIEW),
            (_("Groups"), "network:group_list", "ti-messages", Action.VIEW),
            (_("Grid"), "network:grid", "ti-affiliate", Action.VIEW),
        ],
    ),
    (
        _("Hotline"),
        [
            (_("Call console"), "hotline:call_console", "ti-phone-plus", Action.ADD),
            (_("Cases"), "hotline:case_list", "ti-ticket", Action.VIEW),
            (_("Calls"), "hotline:call_list", "ti-phone-call", Action.VIEW),
            (_("Callbacks"), "hotline:callback_list", "ti-phone-outgoing", Action.VIEW),
            (_("Tomb-sweeping"), "hotline:tomb_list", "ti-flower", Action.VIEW),
            (_("Answers"), "hotline:answer_list", "ti-book", Action.VIEW),
            (_("Volunteers"), "hotline:volunteer_list", "ti-stethoscope", Action.VIEW),
            (_("Duty rota"), "hotline:rota", "ti-calendar-time", Action.VIEW),
            (_("Breach report"), "hotline:sla_breaches", "ti-alarm", Action.VIEW),
            (_("Satisfaction"), "hotline:csat_report", "ti-mood-smile", Action.VIEW),
            (_("Hotline figures"), "hotline:stats", "ti-chart-bar", Action.VIEW),
            (_("SLA policies"), "hotline:sla_policy_list", "ti-clock-cog", Action.CONFIGURE),
        ],
    ),
    (
        _("System"),
        [
            (_("Units"), "core:unit_list", "ti-sitemap", Action.VIEW),
            (_("Users"), "core:user_list", "ti-users", Action.ADMIN),
            (_("Roles"), "core:role_list", "ti-shield-lock", Action.VIEW),
            (_("Dictionaries"), "core:dict_list", "ti-list-details", Action.VIEW),
            (_("Operation log"), "core:audit_list", "ti-history", Action.AUDIT),
            (_("Login log"), "core:login_log", "ti-login", Action.AUDIT),
            (_("API tokens"), "core:token_list", "ti-key", Action.VIEW),
        ],
    ),
]


def shell(request):
    """Header and navigation data for every page of the staff shell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.path
    sections: list[dict[str, Any]] = []
    for title, items in NAVIGATION:
        links: list[dict[str, Any]] = []
        for label, url_name, icon, action in items:
            if not holds_anywhere(user, action):
                continue
            url = reverse(url_name)
            active = current == url or (url != "/" and current.startswith(url))
            links.append({"label": label, "url": url, "icon": icon, "active": active})
        if links:
            sections.append({"title": title, "links": links})
    # Only the most specific match is active: /people/associations/ is Associations, not People.
    matches = [link for section in sections for link in section["links"] if link["active"]]
    longest = max((str(m["url"]) for m in matches), key=len, default="")
    for link in matches:
        link["active"] = link["url"] == longest
    return {
        "nav_sections": sections,
        "active_unit": getattr(request, "active_unit", None),
        "switchable_units": switchable_units(user=user),
    }
