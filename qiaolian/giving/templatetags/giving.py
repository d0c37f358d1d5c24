from decimal import Decimal

from django import template

from qiaolian.core.money import CNY, Money, format_money

register = template.Library()


@register.filter
def yuan(value) -> str:
    """An amount of yuan as people read it (7003.7万元 in Chinese, ¥70,037,000.00 in English)."""
    return format_money(Money(value if value is not None else Decimal(0), CNY))
