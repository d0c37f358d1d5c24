"""Small display helpers of the case pages (badges, category labels)."""

from django import template

register = template.Library()

_STATUS_CLASS = {
    "new": "bg-blue-lt",
    "assigned": "bg-azure-lt",
    "in_progress": "bg-indigo-lt",
    "waiting": "bg-yellow-lt",
    "resolved": "bg-green-lt",
    "closed": "bg-secondary-lt",
}
_PRIORITY_CLASS = {
    "low": "bg-secondary-lt",
    "normal": "bg-blue-lt",
    "high": "bg-orange-lt",
    "urgent": "bg-red-lt",
}


@register.filter
def status_class(status: str) -> str:
    return _STATUS_CLASS.get(status, "bg-secondary-lt")


@register.filter
def priority_class(priority: str) -> str:
    return _PRIORITY_CLASS.get(priority, "bg-secondary-lt")


@register.filter
def lookup(mapping, key):
    """`{{ labels|lookup:case.category }}`: a dict entry, or the key itself."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
