from typing import Any

from django.urls import reverse

from qiaolian.core import registry
from qiaolian.core.scoping import holds_anywhere
from qiaolian.core.selectors import switchable_units


def shell(request):
    """Header and navigation data for every page of the staff shell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.path
    sections: list[dict[str, Any]] = []
    for section in registry.navigation():
        links: list[dict[str, Any]] = []
        for item in section.items:
            if not holds_anywhere(user, item.permission):
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
        "active_unit": getattr(request, "active_unit", None),
        "switchable_units": switchable_units(user=user),
    }
