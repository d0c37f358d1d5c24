from typing import Any

from django.urls import reverse

from qiaolian.core import registry
from qiaolian.core.scoping import holds_anywhere, holds_subtree, only_own_records
from qiaolian.core.selectors import switchable_units, unread_notifications


def shell(request):
    """Header and navigation data for every page of the staff shell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if only_own_records(user):
        # A portal user: the staff pages have nothing for them (core/views/generic.py).
        return {"portal_only": True}
    current = request.path
    sections: list[dict[str, Any]] = []
    for section in registry.navigation():
        links: list[dict[str, Any]] = []
        for item in section.items:
            held = holds_subtree if item.needs_whole_subtree() else holds_anywhere
            if not held(user, item.permission):
                continue
            if item.visible and not registry.resolve(item.visible)(user):
                continue
            url = reverse(item.url_name)
            active = current == url or (url != "/" and current.startswith(url))
            links.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
        if links:
            sections.append({"title": section.label, "links": links})
    # Only the most specific match is active: /people/associations/ is Associations, not People.
    matches = [link for section in sections for link in section["links"] if link["active"]]
    longest = max((str(m["url"]) for m in matches), key=len, default="")
    for link in matches:
        link["active"] = link["url"] == longest
    return {
        "nav_sections": sections,
        "unread_notifications": unread_notifications(user=user),
        "active_unit": getattr(request, "active_unit", None),
        "switchable_units": switchable_units(user=user),
    }
