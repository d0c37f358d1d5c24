"""Forms of volunteers, duty shifts and the rota. Choices are restricted to the user's scope."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaolian.core.forms import UnitChoiceField
from qiaolian.core.models import User
from qiaolian.core.scoping import Action
from qiaolian.core.timezones import zone_choices
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Profession, Volunteer
from qiaolian.network.models import Group


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = obj.home_unit.label if obj.home_unit_id else ""
        return f"{obj} ({obj.get_username()}{' · ' + unit if unit else ''})"


class VolunteerForm(forms.Form):
    profession = forms.ChoiceField(label=_("Profession"), choices=Profession.choices)
    licence_number = forms.CharField(
        label=_("Licence number"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    specialties = forms.CharField(label=_("Specialties"), max_length=200, required=False)
    languages = forms.CharField(
        label=_("Languages"),
        max_length=150,
        required=False,
        help_text=_("Comma separated: 中文, English, Italiano"),
    )
    time_zone = forms.ChoiceField(label=_("Home time zone"), initial="Asia/Shanghai")
    availability = forms.CharField(label=_("Availability"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, data=None, *, user, action: Action, creating: bool, initial=None):
        super().__init__(data, initial=initial)
        self.fields["unit"] = UnitChoiceField(user=user, action=HOTLINE(action), label=_("Unit"))
        if creating:
            taken = Volunteer.objects.values("user_id")
            self.fields["user"] = UserChoiceField(
                label=_("User account"),
                queryset=User.objects.restrict(user, Action.VIEW)
                .filter(is_active=True)
                .exclude(pk__in=taken)
                .select_related("home_unit")
                .order_by("username"),
            )
            self.fields["user"].widget.attrs["data-tom-select"] = "1"
        else:
            self.fields["licence_number"].help_text = _(
                "Leave blank to keep the stored number; it is never shown here in clear."
            )
        self.fields["time_zone"].choices = zone_choices()
        self.fields["time_zone"].widget.attrs["data-tom-select"] = "1"
        self.fields["groups"] = forms.ModelMultipleChoiceField(
            label=_("Groups served"),
            queryset=Group.objects.restrict(user, Action.VIEW).order_by("name"),
            required=False,
        )
        self.fields["groups"].widget.attrs["data-tom-select"] = "1"
        order = ["user", "unit", "profession", "licence_number", "specialties", "languages"]
        self.order_fields([n for n in order if n in self.fields])


class VolunteerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, specialty or language"), required=False)
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[("", _("All")), *list(Profession.choices)], required=False
    )
    on_duty = forms.BooleanField(label=_("On duty now"), required=False)
    inactive = forms.BooleanField(label=_("Include inactive"), required=False)


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} · {obj.get_profession_display()} · {obj.unit.label}"


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class ShiftForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at (Beijing time)"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at (Beijing time)"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, data=None, *, user, initial=None):
        super().__init__(data, initial=initial)
        self.fields["volunteer"] = VolunteerChoiceField(
            label=_("Volunteer"),
            queryset=Volunteer.objects.restrict(user, Action.CHANGE)
            .filter(is_active=True)
            .select_related("user", "unit")
            .order_by("profession", "user__display_name"),
        )
        self.fields["volunteer"].widget.attrs["data-tom-select"] = "1"
        self.order_fields(["volunteer", "starts_at", "ends_at", "note"])


class RotaForm(forms.Form):
    week = forms.DateField(
        label=_("Week of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tz = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        error_messages={
            "invalid_choice": _("Choose a time zone from the list, such as Europe/Rome.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tz"].choices = [("", ""), *zone_choices()]
        self.fields["tz"].widget.attrs["data-tom-select"] = "1"
