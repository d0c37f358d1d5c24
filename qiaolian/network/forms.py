"""Forms of the liaison grid. Every choice of a unit, group, association, person or user is
restricted to what the user may see or change, like every other read."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from qiaolian.core import countries
from qiaolian.core.forms import UnitChoiceField
from qiaolian.core.models import User
from qiaolian.core.scoping import Action
from qiaolian.network.apps import NETWORK
from qiaolian.network.models import Group, MemberRole, Platform, StewardRole
from qiaolian.network.selectors import COVERED_ROLES, DEFAULT_DAYS
from qiaolian.people.apps import PEOPLE
from qiaolian.people.models import Association, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RemoteSelect(forms.Select):
    """A picker whose options are fetched as the user types (the register is too large to
    send whole); only the chosen option is rendered. Wired by qiaolian/network.js."""

    def __init__(self, url, attrs=None):
        super().__init__({"data-remote": url, **(attrs or {})})

    def optgroups(self, name, value, attrs=None):
        chosen = [v for v in value if v]
        field = getattr(self.choices, "field", None)
        options = []
        if chosen and field is not None:
            key = field.to_field_name or "pk"
            try:
                objects = list(field.queryset.filter(**{f"{key}__in": chosen}))
            except (ValueError, forms.ValidationError):
                objects = []
            for index, obj in enumerate(objects):
                option = self.create_option(
                    name, str(getattr(obj, key)), field.label_from_instance(obj), True, index
                )
                options.append((None, [option], index))
        empty = self.create_option(name, "", "", not options, len(options))
        return [(None, [empty], 0), *options]


class PersonChoiceField(forms.ModelChoiceField):
    """A person of the register the user can see, picked by name, pinyin or phone."""

    def __init__(self, *, user, **kwargs):
        queryset = Person.objects.restrict(user, Action.VIEW).filter(merged_into__isnull=True)
        kwargs.setdefault("widget", RemoteSelect(reverse_lazy("network:person_options")))
        super().__init__(queryset=queryset, to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj: Person) -> str:
        place = " ".join(x for x in (str(obj.country.name) if obj.country else "", obj.city) if x)
        return f"{obj.full_name} ({obj.name_pinyin})" + (f" · {place}" if place else "")


class GroupFilterForm(forms.Form):
    q = forms.CharField(label=_("Group name"), required=False)
    platform = forms.ChoiceField(
        label=_("Platform"), required=False, choices=[("", _("All platforms")), *Platform.choices]
    )
    without = forms.ChoiceField(
        label=_("Without"),
        required=False,
        choices=[
            ("", _("Any stewards")),
            *[(role, StewardRole(role).label) for role in COVERED_ROLES],
        ],
    )
    not_contacted_days = forms.IntegerField(
        label=_("Not contacted in (days)"), required=False, min_value=1, max_value=3650
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            user=user,
            action=Action.VIEW,
            required=False,
            label=_("Unit"),
            empty_label=_("All my units"),
        )
        self.order_fields(["q", "platform", "unit", "without", "not_contacted_days"])


class GroupForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    name = forms.CharField(label=_("Group name"), max_length=150)
    created_on = forms.DateField(label=_("Created on"), required=False, widget=DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            user=user, action=NETWORK(action), label=_("Owner unit")
        )
        self.fields["association"] = forms.ModelChoiceField(
            label=_("Linked association"),
            queryset=Association.objects.restrict(user, Action.VIEW).order_by("country", "name"),
            required=False,
        )
        self.fields["association"].widget.attrs["data-tom-select"] = "1"
        self.order_fields(["unit", "platform", "name", "association", "created_on", "notes"])


class MemberForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role in the group"), choices=MemberRole.choices, initial=MemberRole.MEMBER
    )
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            user=user,
            label=_("Person"),
            help_text=_("Type a name, pinyin or phone digits."),
        )
        self.order_fields(["person", "role", "joined_on"])


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.username})"


class StewardForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=StewardRole.choices)
    since = forms.DateField(label=_("Since"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"] = UserChoiceField(
            label=_("Staff member or volunteer (with an account)"),
            queryset=User.objects.restrict(user, Action.VIEW)
            .filter(is_active=True)
            .order_by("username"),
            to_field_name="public_id",
            required=False,
        )
        self.fields["user"].widget.attrs["data-tom-select"] = "1"
        self.fields["person"] = PersonChoiceField(
            user=user,
            label=_("…or a person of the register (without an account)"),
            required=False,
        )
        self.order_fields(["role", "user", "person", "since"])

    def clean(self):
        data = super().clean()
        if bool(data.get("user")) == bool(data.get("person")):
            raise forms.ValidationError(_("Choose either a user or a person, not both."))
        return data


def country_choices():
    return [("", _("Not given: numbers without +code are read as Chinese")), *countries.choices()]


class RosterForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Members' country (region)"),
        required=False,
        choices=country_choices,
        help_text=_(
            "Numbers written without a country code are read as numbers of this country; "
            "similar names are looked for among people living there."
        ),
    )
    text = forms.CharField(
        label=_("Member list"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": "张伟, +39 333 123 4567\nLi Na 06 12 34 56 78"}
        ),
        help_text=_("One member per line: nickname and phone, in any format."),
    )
    file = forms.FileField(
        label=_("…or upload a list (.txt or .csv)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.csv,text/plain,text/csv"}),
    )
    role = forms.ChoiceField(
        label=_("Role of the added members"), choices=MemberRole.choices, initial="member"
    )

    def __init__(self, *args, user, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"] = forms.ModelChoiceField(
            label=_("Group"),
            queryset=Group.objects.restrict(user, Action.CHANGE)
            .in_subtree(within)
            .order_by("name"),
            to_field_name="public_id",
        )
        self.fields["group"].widget.attrs["data-tom-select"] = "1"
        self.fields["unit_for_new"] = UnitChoiceField(
            user=user,
            action=PEOPLE.ADD,
            label=_("Owner unit of new people"),
            required=False,
        )
        self.order_fields(["group", "country", "text", "file", "role", "unit_for_new"])

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        name = upload.name.lower()
        if not name.endswith((".txt", ".csv")):
            raise forms.ValidationError(_("Upload a .txt or .csv file."))
        from qiaolian.network.roster import MAX_BYTES, decode_upload

        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB. Split it."))
        try:
            return decode_upload(upload.read())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste the member list or upload a file."))
        return data

    @property
    def roster_text(self) -> str:
        return self.cleaned_data.get("file") or self.cleaned_data.get("text") or ""


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, pinyin or phone"), required=False)


class GridForm(forms.Form):
    days = forms.IntegerField(
        label=_("Not contacted in (days)"),
        min_value=1,
        max_value=3650,
        initial=DEFAULT_DAYS,
        required=False,
    )
