"""Forms of the tomb-sweeping pages. They validate input only; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core.forms import UnitChoiceField
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Channel, TombKind, TombStatus
from qiaolian.hotline.services import tomb

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TombOrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=TombKind.choices)
    deceased_name = forms.CharField(label=_("Deceased"), max_length=100, required=False)
    cemetery = forms.CharField(label=_("Cemetery"), max_length=150)
    grave_location = forms.CharField(
        label=_("Grave location"),
        max_length=200,
        help_text=_("Area, row and number, as the cemetery writes it."),
    )
    service_date = forms.DateField(label=_("Service date"), widget=DATE)
    rites = forms.CharField(
        label=_("Rites requested"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. clean the grave, flowers, a bow on the family's behalf."),
    )


class TombEditForm(TombOrderForm):
    """The order's details as they were when the form was opened (`version`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TombOpenForm(TombOrderForm):
    """A new tomb-sweeping case and its order in one form (a caller asking for the service)."""

    unit = forms.Field()  # replaced in __init__
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)

    field_order = [
        "unit",
        "subject",
        "channel",
        "contact_name",
        "contact_phone",
        "description",
        "kind",
        "deceased_name",
        "cemetery",
        "grave_location",
        "service_date",
        "rites",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(user=user, action=HOTLINE.ADD, label=_("Owner unit"))
        self.order_fields(self.field_order)


class ScheduleForm(forms.Form):
    performer: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Performed by"), queryset=None
    )
    service_date = forms.DateField(label=_("Service date"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["performer"]
        field.queryset = tomb.performers_for(actor=user)
        field.widget.attrs["data-tom-select"] = "1"


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ProofForm(forms.Form):
    """Files are checked by the service (by their bytes); the form only collects them."""

    proof = MultipleFileField(
        label=_("Photos or video"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,video/mp4"}),
        required=False,
        help_text=_("JPEG, PNG or WebP photos (up to 20 MB each) or an MP4 video (up to 200 MB)."),
    )


class ShareForm(forms.Form):
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=tomb.SHARE_MAX_DAYS,
        initial=tomb.SHARE_DAYS,
    )


SEASON_CHOICES = [
    ("", _("Any time")),
    ("qingming", _("Qingming season")),
    ("dongzhi", _("Winter solstice season")),
]


class TombFilterForm(forms.Form):
    q = forms.CharField(label=_("Cemetery, deceased or case number"), required=False)
    season = forms.ChoiceField(label=_("Season"), required=False, choices=SEASON_CHOICES)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *TombStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All services")), *TombKind.choices]
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("season") and not data.get("year"):
            data["year"] = timezone.localdate().year
        return data
