"""Forms of the core. Choice fields that point at scoped records are restricted the same way
as every read: a form never offers a unit the user does not govern."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from qiaolian.core.models import AuditEvent, DictItem, LoginEvent, Role, Unit, UnitKind, User
from qiaolian.core.phones import normalize_phone
from qiaolian.core.scoping import ACTION_LABELS, Action, expand_verbs, verb_of
from qiaolian.core.services import USERNAME_TAKEN, username_taken


class PlainSelect(forms.Select):
    """A select of plain options (no groups, no per-option attributes) rendered in Python.

    Django renders every option through a template, about 0.1 ms each: the 250 countries of
    a list filter cost a third of the people list page. Same markup, same escaping."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class RemoteSelect(forms.Select):
    """A select that renders only the chosen option; Tom Select loads the others from
    `data-tom-remote` (a small scoped JSON endpoint answering {"results": [{"value", "text"}]},
    wired by static/qiaolian/app.js), so no page lists a whole register or unit tree."""

    def __init__(self, url: str, attrs: dict | None = None):
        super().__init__(attrs={**(attrs or {}), "data-tom-remote": url})

    def optgroups(self, name, value, attrs=None):
        choices: Any = self.choices  # a ModelChoiceIterator: it knows its field
        field = choices.field
        key = field.to_field_name or "pk"
        options: list[tuple[Any, str]] = [("", field.empty_label or "")]
        chosen = [v for v in value if v]
        if chosen:
            try:
                found = list(field.queryset.filter(**{key: chosen[0]})[:1])
            except (ValidationError, ValueError):
                found = []
            options += [(getattr(obj, key), field.label_from_instance(obj)) for obj in found]
        return [
            (
                None,
                [self.create_option(name, v, label, str(v) in value, index, attrs=attrs)],
                index,
            )
            for index, (v, label) in enumerate(options)
        ]


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picker limited to the units where the user holds `action`.

    `remote=True` renders only the chosen unit and lets the picker search the rest through
    `core:unit_options` (same restriction): a city's tree has hundreds of units, too many
    to render into every list page's filter."""

    def __init__(
        self,
        *,
        user,
        action: str,
        exclude_subtree: Unit | None = None,
        remote: bool = False,
        **kwargs,
    ):
        queryset = Unit.objects.restrict(user, action).filter(is_active=True)
        if exclude_subtree is not None:
            queryset = queryset.exclude(path__startswith=exclude_subtree.path)
        self.remote = remote
        if remote:
            url = f"{reverse('core:unit_options')}?{urlencode({'action': str(action)})}"
            kwargs.setdefault("widget", RemoteSelect(url))
        super().__init__(queryset=queryset, **kwargs)
        if not remote:
            self.widget.attrs.setdefault("data-tom-select", "1")

    def label_from_instance(self, obj: Unit) -> str:
        if self.remote:  # a search result, not a line of the indented tree
            return unit_option_label(obj)
        return f"{'　' * (obj.depth - 1)}{obj.label} ({obj.code})"


def unit_option_label(unit: Unit, parent: Unit | None = None) -> str:
    """A unit as a picker shows it: name and code, e.g. 下应街道 (330212003), then the
    parent's name when given (· 鄞州区), since many villages share a name."""
    label = f"{unit.label} ({unit.code})"
    return f"{label} · {parent.label}" if parent is not None else label


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username, mobile phone or email"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The login name or password is wrong. After 5 failed attempts the account is "
            "locked for 30 minutes."
        ),
        "inactive": _("This account is disabled. Ask your unit administrator."),
    }


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *UnitKind.choices]
    )
    show_inactive = forms.BooleanField(label=_("Show inactive"), required=False)


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=150, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)


CHILD_KIND = {1: UnitKind.DISTRICT, 2: UnitKind.TOWNSHIP}


class UnitCreateForm(UnitForm):
    def __init__(self, *args, user, initial_parent: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitChoiceField(
            user=user, action=Action.ADMIN, label=_("Parent unit"), initial=initial_parent
        )
        # The usual kind one level below the parent (a district's children are townships …).
        depth = initial_parent.depth if initial_parent else 1
        self.fields["kind"].initial = CHILD_KIND.get(depth, UnitKind.COMMUNITY)
        self.order_fields(["parent", "code", "name", "name_en", "kind"])

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Unit.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError(_("This code is already used by another unit."))
        return code


class UnitEditForm(UnitForm):
    def __init__(self, *args, unit: Unit, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Unit.objects.filter(code__iexact=code).exclude(pk=self.unit.pk).exists():
            raise forms.ValidationError(_("This code is already used by another unit."))
        return code


class UnitMoveForm(forms.Form):
    def __init__(self, *args, user, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["new_parent"] = UnitChoiceField(
            user=user, action=Action.ADMIN, exclude_subtree=unit, label=_("New parent unit")
        )


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        help_text=_("Any format, e.g. 138 1234 5678 or +39 333 123 4567."),
    )
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args, user, instance: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["home_unit"] = UnitChoiceField(
            user=user, action=Action.ADMIN, label=_("Home unit")
        )
        if instance is None:
            self.fields["password"] = forms.CharField(
                label=_("Initial password"),
                widget=forms.PasswordInput(render_value=False),
                help_text=password_validation.password_validators_help_text_html(),
            )
        else:
            self.fields["is_active"] = forms.BooleanField(label=_("Active"), required=False)

    def _others(self):
        others = User.objects.all()
        return others.exclude(pk=self.instance.pk) if self.instance else others

    def clean_username(self):
        # Normalise first (full-width ｃｉｔｙ_ＡＤＭＩＮ is city_ADMIN), then compare in any case.
        username = User.normalize_username(self.cleaned_data["username"].strip())
        if username_taken(username, exclude=self.instance):
            raise forms.ValidationError(USERNAME_TAKEN)
        return username

    def clean_phone(self):
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return None
        phone = normalize_phone(raw)
        if phone is None:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a valid phone number. Add the country code for numbers "
                    "outside mainland China, e.g. +39 333 123 4567."
                ),
                params={"value": raw},
            )
        if self._others().filter(phone=phone).exists():
            raise forms.ValidationError(_("This phone number belongs to another user."))
        return phone

    def clean_email(self):
        email = (self.cleaned_data["email"] or "").strip().lower() or None
        if email and self._others().filter(email__iexact=email).exists():
            raise forms.ValidationError(_("This email belongs to another user."))
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class GrantForm(forms.Form):
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(user=user, action=Action.ADMIN, label=_("Unit"))
        self.order_fields(["unit", "role"])


def action_choices() -> list[tuple[Any, list[tuple[str, Any]]]]:
    """Every declared action, grouped by domain: (domain label, [(action, verb label)])."""
    from qiaolian.core.registry import domains

    return [
        (domain.label, [(action, ACTION_LABELS[verb_of(action)]) for action in domain.actions()])
        for domain in domains().values()
    ]


class RoleForm(forms.ModelForm):
    actions = forms.MultipleChoiceField(
        label=_("Actions"),
        choices=action_choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Role
        fields = ["code", "name", "name_en", "actions", "narrowing", "requires_otp", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_builtin:
            self.fields["code"].disabled = True
        # A bare verb (a role saved before actions had domains) shows as that verb ticked in
        # every domain, and is saved back that way.
        held = self.instance.actions or []
        if any("." not in action for action in held):
            bare = [action for action in held if "." not in action]
            qualified = {action for action in held if "." in action}
            self.initial["actions"] = sorted(qualified | set(expand_verbs(bare)))

    def action_grid(self) -> list[tuple[Any, list[dict[str, Any]]]]:
        """The actions as the page lays them out: a row per domain, a box per verb."""
        ticked = set(self["actions"].value() or ())
        return [
            (
                label,
                [
                    {"value": value, "label": verb, "checked": value in ticked}
                    for value, verb in options
                ],
            )
            for label, options in action_choices()
        ]


class DictChoiceField(forms.ChoiceField):
    """Options from a dictionary (数据字典), read when the form is built, labels localised."""

    def __init__(self, dict_code: str, **kwargs):
        super().__init__(choices=lambda: dict_choices(dict_code), **kwargs)


def dict_choices(dict_code: str) -> list[tuple[str, str]]:
    items = DictItem.objects.filter(dict_type__code=dict_code, is_active=True)
    return [("", str(_("- Select an option -"))), *((item.value, item.display) for item in items)]


class DictItemForm(forms.ModelForm):
    class Meta:
        model = DictItem
        fields = ["value", "label", "label_en", "sort_order", "is_active"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("1 year"))],
        initial=90,
    )


class OperationField(forms.ChoiceField):
    """Offers the registered operations by name; a code typed into the URL (an operation no
    app registered, or a prefix such as "export.") still filters."""

    def valid_value(self, value) -> bool:
        return bool(re.fullmatch(r"[a-z0-9_.*-]{1,60}", str(value)))


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    # Every registered operation by its name (core/audit_display.py); the code is the value.
    action = OperationField(
        label=_("Operation"), required=False, widget=forms.Select(attrs={"data-tom-select": ""})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All outcomes")), *AuditEvent.Outcome.choices],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("action")
        if isinstance(field, forms.ChoiceField):
            from qiaolian.core.audit_display import action_choices

            field.choices = [("", _("All operations")), *action_choices()]


class LoginLogFilterForm(AuditFilterForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All outcomes")), *LoginEvent.Outcome.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["action"]


class OTPTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code"),
        regex=r"^\d{6}$",
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"invalid": _("Enter the 6 digits shown in your authenticator app.")},
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, phone or email"), required=False)
    role = forms.ModelChoiceField(
        label=_("Role"), queryset=Role.objects.all(), required=False, empty_label=_("All roles")
    )


class PeriodUnitForm(forms.Form):
    """A period (both days included) and an optional unit of the user's scope, for figures."""

    max_days: int | None = None  # no limit
    # ISO values whatever the language: a date input rejects the Chinese format (2025/12/09).
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            user=user,
            action=Action.VIEW,
            label=_("Unit"),
            required=False,
            empty_label=_("All my units"),
            to_field_name="code",
        )

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if self.max_days and (end - start).days > self.max_days:
                raise forms.ValidationError(
                    _("Choose a period of at most %(years)d years.")
                    % {"years": self.max_days // 366}
                )
        return data
