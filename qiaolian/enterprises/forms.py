"""Forms of the enterprises app; every choice of a unit, enterprise or department is
restricted to what the user may see or change."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core import countries
from qiaolian.core.forms import UnitChoiceField
from qiaolian.enterprises.codes import District, Industry, Size, normalise_uscc, validate_uscc
from qiaolian.enterprises.models import (
    AppealCategory,
    AppealStatus,
    BodyKind,
    ContactKind,
    Department,
    Enterprise,
    Meeting,
    ProjectStage,
    Resumption,
    TradeFair,
)
from qiaolian.enterprises.services import officer_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _unit_first(form, user, action) -> None:
    unit = UnitChoiceField(label=_("Owner unit"), user=user, action=action)
    form.fields = {"unit": unit, **form.fields}


def _all(label, choices):
    return [("", label), *choices]


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False)
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=_all(_("All industries"), Industry.choices)
    )
    district = forms.ChoiceField(
        label=_("District"), required=False, choices=_all(_("All districts"), District.choices)
    )
    key = forms.ChoiceField(
        label=_("Key enterprise"),
        required=False,
        choices=[("", _("All")), ("yes", _("Key enterprises")), ("no", _("Others"))],
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("18 characters (GB 32100-2015); the last one is a check character."),
    )
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754)"), choices=Industry.choices)
    size = forms.ChoiceField(label=_("Size"), choices=Size.choices, initial=Size.SMALL)
    district = forms.ChoiceField(label=_("District"), choices=District.choices)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    founded_year = forms.IntegerField(
        label=_("Founding year"), required=False, min_value=1800, max_value=2100
    )
    returnee_founders = forms.CharField(
        label=_("Returnee founders"), max_length=200, required=False
    )
    is_key = forms.BooleanField(label=_("Key enterprise"), required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, action="enterprises.add", **kwargs):
        super().__init__(*args, **kwargs)
        _unit_first(self, user, action)

    def clean_credit_code(self):
        code = normalise_uscc(self.cleaned_data["credit_code"])
        validate_uscc(code)
        return code


class InvestorForm(forms.Form):
    name = forms.CharField(label=_("Investor (person or association)"), max_length=200)
    country = forms.ChoiceField(label=_("Country (region)"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries.choices()]


class AssignmentForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Liaison officer"), queryset=None)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        field.queryset = officer_choices(user).order_by("username")
        field.label_from_instance = lambda u: f"{u.display_name or u.username} ({u.username})"
        field.widget.attrs["data-tom-select"] = "1"


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    met = forms.CharField(label=_("Who was met"), max_length=200)
    raised = forms.CharField(
        label=_("What was raised"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"contacted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AppealForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=AppealCategory.choices)
    title = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    meeting = forms.ModelChoiceField(
        label=_("Raised at meeting"), queryset=Meeting.objects.none(), required=False
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.restrict(user).order_by("-held_on")


class AppealFilterForm(forms.Form):
    q = forms.CharField(label=_("Number, subject or enterprise"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_all(_("All statuses"), AppealStatus.choices)
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=_all(_("All categories"), AppealCategory.choices),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.none()
    )
    overdue = forms.BooleanField(label=_("Past due date"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.restrict_shared_down(user)
        self.fields["department"].empty_label = _("All departments")


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    due_on = forms.DateField(
        label=_("Due date"),
        widget=DATE,
        required=False,
        help_text=_("Empty: the department's own number of days to reply."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.restrict_shared_down(user).filter(
            is_active=True
        )


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Department's reply"), widget=forms.Textarea(attrs={"rows": 4}))


SATISFACTION = [(str(i), str(i)) for i in range(5, 0, -1)]


class ConfirmForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (5 = very satisfied)"), choices=SATISFACTION, coerce=int
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Chinese name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=150, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    reply_days = forms.IntegerField(
        label=_("Days to reply"), min_value=1, max_value=365, initial=10
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, action="enterprises.add", **kwargs):
        super().__init__(*args, **kwargs)
        _unit_first(self, user, action)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    leaders = forms.CharField(
        label=_("Leaders present"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments present"), queryset=None, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_first(self, user, "enterprises.add")
        self.fields["departments"].queryset = Department.objects.restrict_shared_down(user)
        self.fields["departments"].widget.attrs["data-tom-select"] = "1"


class AttendeeForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    representative = forms.CharField(label=_("Representative"), max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user)
        self.fields["enterprise"].widget.attrs["data-tom-select"] = "1"


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Opens"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_first(self, user, "enterprises.add")


class AnswerForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    status = forms.ChoiceField(label=_("Resumption"), choices=Resumption.choices)
    staff_back = forms.IntegerField(label=_("Staff back (%)"), min_value=0, max_value=100)
    capacity = forms.IntegerField(label=_("Capacity (%)"), min_value=0, max_value=100)
    difficulties = forms.CharField(
        label=_("Main difficulties"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "enterprises.change")
        self.fields["enterprise"].widget.attrs["data-tom-select"] = "1"


class ToAppealForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=AppealCategory.choices)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_first(self, user, "enterprises.add")


# --- domestic bodies, trade fairs and investment projects --------------------------------


def _scoped_multi(form, name, model, user):
    form.fields[name].queryset = model.objects.restrict(user)
    form.fields[name].widget.attrs["data-tom-select"] = "1"


class BodyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of body"), choices=BodyKind.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    members = forms.IntegerField(label=_("Members"), min_value=0, initial=0)
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises"), queryset=None, required=False
    )
    people = forms.ModelMultipleChoiceField(label=_("People"), queryset=None, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, action="enterprises.add", **kwargs):
        from qiaolian.people.models import Person

        super().__init__(*args, **kwargs)
        _unit_first(self, user, action)
        _scoped_multi(self, "enterprises", Enterprise, user)
        _scoped_multi(self, "people", Person, user)


class FairForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    online = forms.BooleanField(label=_("Online"), required=False)
    starts_on = forms.DateField(label=_("Opens"), widget=DATE)
    ends_on = forms.DateField(label=_("Closes"), widget=DATE)
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Participating enterprises"), queryset=None, required=False
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Participating overseas people"), queryset=None, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        from qiaolian.people.models import Person

        super().__init__(*args, **kwargs)
        _unit_first(self, user, "enterprises.add")
        _scoped_multi(self, "enterprises", Enterprise, user)
        _scoped_multi(self, "people", Person, user)


def _currency_choices():
    """Codes with their Chinese names on Chinese pages, the bare codes on English ones."""
    from django.utils.translation import get_language

    from qiaolian.core.money import CURRENCIES

    if (get_language() or "zh").startswith("zh"):
        return [(code, f"{code} {name}") for code, (_sym, name, _d) in CURRENCIES.items()]
    return [(code, code) for code in CURRENCIES]


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=200)
    investor = forms.CharField(label=_("Investor"), max_length=200)
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None, required=False)
    person = forms.ModelChoiceField(label=_("Overseas person"), queryset=None, required=False)
    association = forms.ModelChoiceField(label=_("Association"), queryset=None, required=False)
    country = forms.ChoiceField(label=_("Country (region)"), choices=())
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=18, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    stage = forms.ChoiceField(label=_("Stage"), choices=ProjectStage.choices)
    officer = forms.ModelChoiceField(label=_("Liaison officer"), queryset=None, required=False)
    fair = forms.ModelChoiceField(label=_("Trade fair"), queryset=None, required=False)
    found_on = forms.DateField(label=_("Lead found"), widget=DATE)
    signed_on = forms.DateField(label=_("Signed"), widget=DATE, required=False)
    landed_on = forms.DateField(label=_("Landed"), widget=DATE, required=False)
    notes = forms.CharField(
        label=_("Timeline notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, user, action="enterprises.add", **kwargs):
        from qiaolian.people.models import Association, Person

        super().__init__(*args, **kwargs)
        _unit_first(self, user, action)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user)
        self.fields["person"].queryset = Person.objects.restrict(user)
        self.fields["association"].queryset = Association.objects.restrict(user)
        self.fields["fair"].queryset = TradeFair.objects.restrict(user)
        self.fields["officer"].queryset = officer_choices(user)
        self.fields["country"].choices = [("", "—"), *countries.choices()]
        self.fields["currency"].choices = _currency_choices()
        for name in ("enterprise", "person", "association", "officer"):
            self.fields[name].widget.attrs["data-tom-select"] = "1"


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Project or investor"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_all(_("All stages"), ProjectStage.choices)
    )
