from datetime import datetime

from django import template

from qiaolian.core import audit_display, timezones

register = template.Library()

_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "plainselect": "form-select",  # core.forms.PlainSelect and RemoteSelect are selects too
    "remoteselect": "form-select",
    "checkbox": "form-check-input",
    "checkboxselectmultiple": "form-check-input",
    "radioselect": "",
}


@register.filter
def styled(field, extra: str = ""):
    """Render a bound field's widget with the Tabler class for its type (and is-invalid)."""
    css = _CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    if extra:
        css += f" {extra}"
    return field.as_widget(attrs={"class": css.strip()})


@register.simple_tag(takes_context=True)
def sort_link(context, key: str) -> str:
    """The query string that sorts by `key`, flipping the direction when already sorted by it."""
    current = context.get("sort", "")
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if current == key else key
    return "?" + query.urlencode()


@register.filter
def money(value) -> str:
    """`{{ donation.money|money }}`: ¥1,234.50, or 7003.7万元 for large yuan in Chinese."""
    from qiaolian.core.money import Money, format_money

    return format_money(value) if isinstance(value, Money) else ("" if value is None else value)


@register.filter
def quantity(value) -> str:
    """`{{ line.quantity_value|quantity }}`: 2,000 件 / 2,000 pieces."""
    from qiaolian.core.money import Quantity, format_quantity

    if isinstance(value, Quantity):
        return format_quantity(value)
    return "" if value is None else value


@register.filter(name="zone_label")
def zone_label_filter(name) -> str:
    """ "罗马 (UTC+1)" for "Europe/Rome": a stored zone as people read it (an unknown stored
    name is shown as it is rather than as some other zone)."""
    name = str(name or "")
    return timezones.zone_label(name) if timezones.is_known(name) else name


@register.filter
def in_zone(value, name):
    """`{{ callback.scheduled_for|in_zone:callback.time_zone }}`: like Django's `|timezone`,
    but a blank, unknown or path-like stored name falls back to the federation's zone instead
    of raising (a bad stored value must not break the page for everyone, issue 10.3)."""
    if not isinstance(value, datetime):
        return value
    return value.astimezone(timezones.zone(name if isinstance(name, str) else None))


# --- audit rows in words (core/audit_display.py) ------------------------------------------


@register.filter
def audit_action(event) -> str:
    return audit_display.action_label(event.action)


@register.filter
def audit_actor(event) -> str:
    return audit_display.actor_label(event.actor_name)


@register.filter
def audit_changes(event) -> list:
    return audit_display.changes(event.object_type, event.changes)


@register.filter
def audit_fields(event) -> str:
    return audit_display.changed_fields(event.object_type, event.changes)


@register.filter
def active_filters(form) -> int:
    """How many of a filter form's fields the user filled (the phone's fold shows it)."""
    if form is None or not getattr(form, "is_bound", False):
        return 0
    return sum(1 for name in form.fields if form.data.get(name) not in (None, ""))
