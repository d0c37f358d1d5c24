from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaolian.core import countries
from qiaolian.core.forms import UnitChoiceField
from qiaolian.core.models import User
from qiaolian.outreach.kinds import kind_choices
from qiaolian.outreach.models import Audience, CallTask, Channel, KitDistribution

SEND_CHANNELS = [(c.value, c.label) for c in (Channel.EMAIL, Channel.SMS, Channel.H5)]


class AudienceForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Owner unit"))
    name = forms.CharField(label=_("Audience name"), max_length=150)
    category = forms.ChoiceField(label=_("Category"), required=False)
    country = forms.ChoiceField(label=_("Country (region)"), required=False)
    city = forms.CharField(label=_("City"), required=False)
    hometown = forms.CharField(label=_("Hometown"), required=False)
    group = forms.ChoiceField(label=_("Liaison group"), required=False)
    association = forms.ChoiceField(label=_("Association"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False)
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=130)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=130)
    language = forms.CharField(label=_("Language"), required=False)
    consent = forms.BooleanField(label=_("Only people who consented to outreach"), required=False)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        from qiaolian.network.models import Group
        from qiaolian.people.models import Association
        from qiaolian.people.selectors import category_labels

        self.fields["unit"] = UnitChoiceField(
            user=user, action="outreach.add", label=_("Owner unit")
        )
        self.fields["category"].choices = [("", "—"), *category_labels().items()]
        self.fields["country"].choices = [("", "—"), *countries.choices()]
        groups = Group.objects.restrict(user, "network.view").order_by("name")[:500]
        self.fields["group"].choices = [("", "—"), *((str(g.public_id), g.name) for g in groups)]
        assocs = Association.objects.restrict(user, "people.view").order_by("name")[:500]
        self.fields["association"].choices = [
            ("", "—"),
            *((str(a.public_id), a.name) for a in assocs),
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The upper age must not be below the lower one."))
        return data


class LetterForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Owner unit"))
    kind = forms.ChoiceField(label=_("Letter kind"))
    audience = forms.ModelChoiceField(queryset=None, label=_("Audience"), required=False)
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=SEND_CHANNELS,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    to_groups = forms.BooleanField(
        label=_("Also post to the liaison groups' robots"), required=False
    )
    subject_zh = forms.CharField(label=_("Subject (Chinese)"), max_length=200)
    body_zh = forms.CharField(label=_("Text (Chinese)"), widget=forms.Textarea(attrs={"rows": 8}))
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200, required=False)
    body_en = forms.CharField(
        label=_("Text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["unit"] = UnitChoiceField(
            user=user, action="outreach.add", label=_("Owner unit")
        )
        self.fields["kind"].choices = kind_choices()
        self.fields["audience"].queryset = Audience.objects.restrict(user, "outreach.view")


class LetterEditForm(LetterForm):
    """A draft's text, audience and channels; its unit stays."""

    def __init__(self, data=None, *, user, letter):
        initial = {name: getattr(letter, name) for name in EDITABLE_FIELDS}
        super().__init__(data, user=user)
        self.initial = {**initial, "version": letter.version}
        del self.fields["unit"]
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)


EDITABLE_FIELDS = (
    "kind",
    "audience",
    "channels",
    "to_groups",
    "subject_zh",
    "body_zh",
    "subject_en",
    "body_en",
)


class DeliveryFilterForm(forms.Form):
    letter = forms.UUIDField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, data=None):
        super().__init__(data)
        from qiaolian.outreach.models import Delivery

        self.fields["status"].choices = [("", "—"), *Delivery.Status.choices]


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
    )


class CampaignForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Owner unit"))
    name = forms.CharField(label=_("Campaign name"), max_length=150)
    audience = forms.ModelChoiceField(queryset=None, label=_("Audience"))
    callers = forms.ModelMultipleChoiceField(queryset=None, label=_("Callers"))

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["unit"] = UnitChoiceField(
            user=user, action="outreach.add", label=_("Owner unit")
        )
        self.fields["audience"].queryset = Audience.objects.restrict(user, "outreach.view")
        self.fields["callers"].queryset = User.objects.restrict(user, "core.view").filter(
            is_active=True
        )
        self.fields["callers"].label_from_instance = lambda u: u.display_name or u.username


class CallForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in CallTask.Outcome.choices if c[0] != CallTask.Outcome.PENDING],
    )
    call_back_at = forms.DateTimeField(
        label=_("Call back at (their local time)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    needs = forms.CharField(
        label=_("Needs raised"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class KitForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Owner unit"))
    name = forms.CharField(label=_("Kit name"), max_length=150)
    items = forms.CharField(
        label=_("Items, one a line: name × quantity"), widget=forms.Textarea(attrs={"rows": 4})
    )
    stock = forms.IntegerField(label=_("Kits in stock"), min_value=0, initial=0)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["unit"] = UnitChoiceField(
            user=user, action="outreach.add", label=_("Owner unit")
        )

    def clean_items(self):
        items = []
        for line in self.cleaned_data["items"].splitlines():
            line = line.strip()
            if not line:
                continue
            name, _sep, qty = line.replace("x", "×").replace("*", "×").rpartition("×")
            if not name.strip():
                name, qty = qty, "1"
            try:
                quantity = int(qty.strip())
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Write each item as name × quantity, e.g. 温馨卡 × 1.")
                ) from exc
            items.append({"name": name.strip(), "quantity": quantity})
        return items


class GiveForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label=_("Recipient"), to_field_name="public_id")
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    given_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("How"), choices=KitDistribution.Method.choices)
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=100)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        from qiaolian.people.models import Person

        self.fields["person"].queryset = Person.objects.restrict(user, "people.view").filter(
            merged_into__isnull=True
        )
        self.fields["person"].label_from_instance = lambda p: p.full_name
