from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.9733 → 97.3%; nothing → —."""
    if value is None or value == "":
        return "—"
    return f"{number_format(Decimal(value) * 100, 1)}%"
