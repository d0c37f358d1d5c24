"""Forms of the tomb-sweeping pages. They validate input only; services decide."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core.forms import RemoteSelect, UnitChoiceField
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Channel, TombKind, TombStatus
from qiaolian.hotline.services import tomb
from qiaolian.network.forms import PersonChoiceField

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
        "requester",
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
        self.fields["requester"] = PersonChoiceField(
            user=user,
            label=_("Requester in the register"),
            required=False,
            help_text=_(
                "Search by name, pinyin or phone; leave empty and fill the contact below for "
                "someone not in the register."
            ),
        )
        self.order_fields(self.field_order)


class PerformerChoiceField(forms.ModelChoiceField):
    """A performer picked by name from the accounts the user can see; the picker searches
    them remotely (`hotline:performer_options`) instead of listing hundreds of names."""

    def __init__(self, *, user, **kwargs):
        kwargs.setdefault("widget", RemoteSelect(reverse_lazy("hotline:performer_options")))
        super().__init__(
            queryset=tomb.performers_for(actor=user), to_field_name="public_id", **kwargs
        )

    def label_from_instance(self, obj) -> str:
        return performer_label(obj)


def performer_label(user) -> str:
    name = user.display_name or user.get_username()
    return f"{name} ({user.get_username()})" if user.display_name else name


class ScheduleForm(forms.Form):
    service_date = forms.DateField(label=_("Service date"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performer"] = PerformerChoiceField(
            user=user,
            label=_("Performed by"),
            help_text=_("Type part of a name to search."),
        )
        self.order_fields(["performer", "service_date"])


class RequesterLinkForm(forms.Form):
    """The person of the register who asked for the order (linked on its case)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(user=user, label=_("Person in the register"))
        self.fields["person"].widget.attrs["placeholder"] = _("Name, pinyin or phone")


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

    def __init__(self, *args, early: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if early:  # before the planned date: done only with a reason (the service decides)
            self.fields["early_reason"] = forms.CharField(
                label=_("Reason for marking it done before the planned date"),
                max_length=300,
                required=False,
                help_text=_("E.g. the family moved the date to an earlier day."),
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
