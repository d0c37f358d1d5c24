"""Forms of the call console, the calls list and callbacks. They validate input only; the
services decide (and resolve people and cases inside the user's scope)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaolian.core.forms import UnitChoiceField
from qiaolian.core.scoping import Action
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.categories import category_choices
from qiaolian.hotline.models import CallDirection, CallOutcome, Case, Priority
from qiaolian.network.forms import PersonChoiceField
from qiaolian.people.models import Person


class ScopedPublicIdField(forms.UUIDField):
    """A record named by public id, resolved inside a restricted queryset (else an error)."""

    def __init__(self, *, queryset, **kwargs):
        self.queryset = queryset
        super().__init__(**kwargs)

    def clean(self, value):
        public_id = super().clean(value)
        if public_id is None:
            return None
        obj = self.queryset.filter(public_id=public_id).first()
        if obj is None:
            raise forms.ValidationError(_("This record is not available to you."))
        return obj


class CallForm(forms.Form):
    """The console: the call, and optionally the case to open from it in the same step."""

    number = forms.CharField(
        label=_("Caller's number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "inputmode": "tel"}
        ),
        help_text=_("As the caller gives it: +39 333 123 4567, 0039…, 138 0013 8000."),
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=CallDirection.choices, initial=CallDirection.INBOUND
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallOutcome.choices, initial=CallOutcome.ANSWERED
    )
    duration_minutes = forms.DecimalField(
        label=_("Duration (minutes)"),
        min_value=0,
        max_value=1440,
        decimal_places=1,
        required=False,
        initial=0,
    )
    question = forms.CharField(
        label=_("Caller's question"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Answers from the knowledge base are suggested as you type."),
    )
    notes = forms.CharField(
        label=_("Reply and notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    # The case fields: used when the call opens a new case.
    category = forms.ChoiceField(label=_("Category"), choices=(), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL, required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contact_name = forms.CharField(
        label=_("Caller's name (if not in the register)"), max_length=100, required=False
    )

    def __init__(self, data=None, *, user, initial=None):
        super().__init__(data, initial=initial)
        self.user = user
        self.fields["unit"] = UnitChoiceField(user=user, action=HOTLINE.ADD, label=_("Unit"))
        self.fields["category"].choices = category_choices(str(_("- Select an option -")))
        self.fields["person"] = ScopedPublicIdField(
            queryset=Person.objects.restrict(user, Action.VIEW),
            required=False,
            widget=forms.HiddenInput,
        )
        self.fields["on_case"] = ScopedPublicIdField(
            queryset=Case.objects.restrict(user, Action.CHANGE),
            required=False,
            widget=forms.HiddenInput,
        )
        self.order_fields(
            ["number", "direction", "outcome", "duration_minutes", "unit", "question", "notes"]
        )

    def service_kwargs(self, mode: str) -> dict:
        data = self.cleaned_data
        question = (data.get("question") or "").strip()
        reply = (data.get("notes") or "").strip()
        # The call's notes keep the question above the reply; a new case describes it.
        notes = "\n\n".join(part for part in (question, reply) if part)
        kwargs = {
            # A call on a case takes the case's unit, whatever the unit picker says.
            "unit": None if mode == "on_case" else data["unit"],
            "number": data["number"],
            "direction": data["direction"],
            "outcome": data["outcome"],
            "duration_seconds": int((data.get("duration_minutes") or 0) * 60),
            "notes": notes,
            "person": data.get("person"),
            "case": data.get("on_case") if mode == "on_case" else None,
        }
        if mode == "new_case":
            kwargs["new_case"] = {
                "category": data.get("category") or "",
                "subject": data.get("subject") or "",
                "description": data.get("description") or question,
                "priority": data.get("priority") or Priority.NORMAL,
                "contact_name": data.get("contact_name") or "",
            }
        return kwargs


class CallEditForm(forms.Form):
    """A logged call's details, and the person or case it belongs to. `version` is the one the
    form was opened with (optimistic locking: a stale save is refused, naming what changed)."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    duration_minutes = forms.DecimalField(
        label=_("Duration (minutes)"), min_value=0, max_value=1440, decimal_places=1
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    case_number = forms.CharField(
        label=_("Case"),
        max_length=20,
        required=False,
        help_text=_("The case number, e.g. RX-2026-000123: a case of the call's unit."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, data=None, *, user, call, initial=None):
        super().__init__(data, initial=initial)
        self.user, self.call = user, call
        self.fields["person"] = PersonChoiceField(
            user=user, label=_("Caller in the register"), required=False
        )
        if call.case_id:
            # A linked call stays on its case (the case's timeline tells of it).
            self.fields["case_number"].disabled = True
            self.fields["case_number"].help_text = ""
        self.order_fields(["outcome", "duration_minutes", "notes", "person", "case_number"])

    def clean_case_number(self):
        number = (self.cleaned_data.get("case_number") or "").strip().upper()
        if not number or self.fields["case_number"].disabled:
            return self.call.case if self.call.case_id else None
        case = Case.objects.restrict(self.user, Action.CHANGE).filter(number=number).first()
        if case is None:
            raise forms.ValidationError(
                _("There is no case %(number)s that you may change.") % {"number": number}
            )
        return case

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") is None:
            raise forms.ValidationError(
                _(
                    "This form does not say which version of the call it edits, so saving it "
                    "could overwrite someone else's newer save. Open the call again and redo "
                    "your change."
                ),
                code="version",
            )
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "duration_seconds": int((data.get("duration_minutes") or 0) * 60),
            "notes": data.get("notes") or "",
            "person": data.get("person"),
            "case": data.get("case_number"),
        }


class CallFilterForm(forms.Form):
    q = forms.CharField(label=_("Number, name or notes"), required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("", _("All")), *list(CallDirection.choices)], required=False
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("All")), *list(CallOutcome.choices)], required=False
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    without_case = forms.BooleanField(label=_("Without a case"), required=False)


CALLBACK_SHOW = [
    ("open", _("Not done")),
    ("today", _("Due today")),
    ("overdue", _("Overdue")),
    ("done", _("Done")),
    ("all", _("All")),
]


class CallbackFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), choices=CALLBACK_SHOW, required=False)


class CallbackForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Call back at (the requester's local time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    override_reason = forms.CharField(
        label=_("Reason for calling outside their daytime"), max_length=200, required=False
    )


class CallCallbackForm(CallbackForm):
    """A callback for a call logged without a case: the case it needs is opened with it."""

    subject = forms.CharField(label=_("Subject of the case"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=())

    field_order = ["subject", "category", "scheduled_for", "override_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
