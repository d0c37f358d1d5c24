"""SLA pages: policies and calendars (federation-wide settings, edited with CONFIGURE at a root
unit, like the dictionaries), the breach report, and the SLA panel of the case page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import workdays
from qiaolian.core.apps import CORE
from qiaolian.core.scoping import Action
from qiaolian.core.services import can_configure
from qiaolian.core.views.generic import ExportableListView, ScopedFormView, ScopedListView
from qiaolian.hotline.categories import category_choices, category_labels
from qiaolian.hotline.models import CalendarKind, Priority, SlaCalendar, SlaPolicy
from qiaolian.hotline.panels import panel
from qiaolian.hotline.selectors import sla as selectors
from qiaolian.hotline.services import sla as services

# --- forms ------------------------------------------------------------------------------------


class SlaPolicyForm(forms.ModelForm):
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False)

    class Meta:
        model = SlaPolicy
        fields = list(services.POLICY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("Any category")),
            *category_choices(),
        ]
        self.fields["priority"].choices = [("", _("Any priority")), *Priority.choices]
        self.fields["calendar"].queryset = selectors.calendar_list()
        self.fields["first_response_minutes"].help_text = _(
            "Counted on the calendar: 240 on a business-hours calendar is four working hours."
        )
        self.fields["resolution_minutes"].help_text = _(
            "One working day of 09:00–17:30 is 510 minutes; 24 × 7 days are 1440."
        )

    def validate_constraints(self):
        """The service checks "one active policy per slot" with a message naming the fix."""


class SlaCalendarForm(forms.ModelForm):
    class Meta:
        model = SlaCalendar
        fields = list(services.CALENDAR_FIELDS)
        widgets = {
            "day_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class BreachFilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Breach"),
        required=False,
        choices=[
            ("", gettext_lazy("First response or resolution")),
            ("first_response", gettext_lazy("First response")),
            ("resolution", gettext_lazy("Resolution")),
        ],
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("All categories")),
            *category_choices(),
        ]


def _label_categories(rows, labels: dict[str, str] | None = None) -> None:
    labels = category_labels() if labels is None else labels
    for row in rows:
        row.category_label = labels.get(row.category, row.category)


# --- settings pages ---------------------------------------------------------------------------


class ConfigureRequired:
    """CONFIGURE counts only when held at a root unit (federation-wide settings): anyone else
    gets 403 before the form is shown, not a form whose every save fails."""

    action = CORE.CONFIGURE  # federation-wide settings: core's domain

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_configure(actor=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class SlaPolicyListView(ScopedListView):
    template_name = "hotline/sla/policies.html"
    paginate_by = 100

    def scoped_queryset(self):
        return selectors.policy_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_configure"] = can_configure(actor=self.request.user)
        _label_categories(context["object_list"])
        return context


class SlaPolicyEditView(ConfigureRequired, ScopedFormView):
    template_name = "hotline/sla/policy_form.html"
    success_message = gettext_lazy("SLA policy saved.")

    def dispatch(self, request, *args, **kwargs):
        self.policy = None
        if pk := kwargs.get("pk"):
            self.policy = selectors.policy_list().filter(pk=pk).first()
            if self.policy is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        return SlaPolicyForm(data, instance=self.policy or SlaPolicy())

    def get_context_data(self, **kwargs):
        return {"policy": self.policy, **kwargs}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in services.POLICY_FIELDS}
        return services.sla_policy_save(actor=self.request.user, policy=self.policy, **fields)

    def get_success_url(self, obj):
        return reverse("hotline:sla_policy_list")


class SlaCalendarListView(ScopedListView):
    template_name = "hotline/sla/calendars.html"
    paginate_by = 100

    def scoped_queryset(self):
        return selectors.calendar_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_configure"] = can_configure(actor=self.request.user)
        context["holiday_years"] = workdays.covered_years()
        return context


class SlaCalendarEditView(ConfigureRequired, ScopedFormView):
    template_name = "hotline/sla/calendar_form.html"
    success_message = gettext_lazy("SLA calendar saved.")

    def dispatch(self, request, *args, **kwargs):
        self.calendar = None
        if pk := kwargs.get("pk"):
            self.calendar = selectors.calendar_list().filter(pk=pk).first()
            if self.calendar is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        return SlaCalendarForm(data, instance=self.calendar or SlaCalendar())

    def get_context_data(self, **kwargs):
        return {"calendar": self.calendar, **kwargs}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in services.CALENDAR_FIELDS}
        return services.sla_calendar_save(actor=self.request.user, calendar=self.calendar, **fields)

    def get_success_url(self, obj):
        return reverse("hotline:sla_calendar_list")


# --- breach report ----------------------------------------------------------------------------


class BreachReportView(ExportableListView):
    """Cases whose first-response or resolution target was breached in a period (the due time
    falls in it), with counts by category and unit; CSV/xlsx export."""

    template_name = "hotline/sla/breaches.html"
    filter_form_class = BreachFilterForm
    sort_fields = {
        "number": "number",
        "unit": "unit__path",
        "category": "category",
        "due": "resolution_due",
        "opened": "opened_at",
    }
    default_sort = "-due"
    export_name = "sla-breaches"
    export_title = gettext_lazy("SLA breach report")

    def _filters(self) -> dict:
        if not hasattr(self, "_cleaned"):
            form = BreachFilterForm(self.request.GET or None)
            self._cleaned = form.cleaned_data if form.is_valid() else {}
        return self._cleaned

    def queryset_for(self, action: Action):
        data = self._filters()
        return selectors.breach_list(
            user=self.request.user,
            action=action,
            within=self.request.active_unit,
            start=data.get("start"),
            end=data.get("end"),
            kind=data.get("kind", ""),
            category=data.get("category", ""),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = category_labels()
        context["summary"] = selectors.breach_summary(self.scoped_queryset(), labels)
        _label_categories(context["object_list"], labels)
        return context

    def export_header(self):
        return [
            _("Case number"),
            _("Subject"),
            _("Owner unit"),
            _("Category"),
            _("Priority"),
            _("Status"),
            _("Assignee"),
            _("Opened at"),
            _("First response due"),
            _("First response at"),
            _("First response breached"),
            _("Resolution due"),
            _("Resolved at"),
            _("Resolution breached"),
        ]

    def export_rows(self, queryset):
        labels = category_labels()
        yes, no = _("yes"), _("no")
        return (
            [
                c.number,
                c.subject,
                c.unit.label,
                labels.get(c.category, c.category),
                c.get_priority_display(),
                c.get_status_display(),
                str(c.assignee or ""),
                c.opened_at,
                c.first_response_due,
                c.first_response_at,
                yes if c.first_response_breached else no,
                c.resolution_due,
                c.resolved_at,
                yes if c.resolution_breached else no,
            ]
            for c in queryset.order_by("unit__path", "resolution_due", "pk")[: self.export_limit]
        )


# --- the case page's SLA panel ----------------------------------------------------------------


def span_text(minutes: float | None, *, business: bool = False) -> str:
    """ "3 d 4 h", "2 h 05 min", "12 min": whole days only on a 24 × 7 clock (a business
    day is not 24 hours)."""
    if minutes is None:
        return ""
    total = max(round(minutes), 0)
    days, rest = divmod(total, 1440) if not business else (0, total)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)s d") % {"n": days})
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if mins or not parts:
        parts.append(_("%(n)s min") % {"n": mins})
    return " ".join(parts)


TARGET_LABELS = {
    "first_response": gettext_lazy("First response"),
    "resolution": gettext_lazy("Resolution"),
}


@panel(10)
def sla_panel(request, case) -> dict | None:
    """Targets, due times in Beijing time, business time left or overdue, and the pause."""
    if case.sla_policy_id is None and case.resolution_due is None:
        return None
    policy = case.sla_policy
    business = bool(policy and policy.calendar.kind == CalendarKind.BUSINESS)
    rows = [
        {
            "key": target.key,
            "label": TARGET_LABELS[target.key],
            "target": span_text(target.minutes, business=business),
            "due": target.due,
            "done_at": target.done_at,
            "breached": target.breached,
            "left": span_text(target.remaining_minutes, business=business),
            "overdue": span_text(target.overdue_minutes, business=business),
        }
        for target in selectors.case_targets(case, timezone.now())
    ]
    return {
        "template": "hotline/sla/panel.html",
        "case": case,
        "policy": policy,
        "business": business,
        "targets": rows,
        "paused_total": span_text(case.paused_seconds / 60, business=business)
        if case.paused_seconds
        else "",
    }


urlpatterns: list = [
    path("sla/policies/", SlaPolicyListView.as_view(), name="sla_policy_list"),
    path("sla/policies/new/", SlaPolicyEditView.as_view(), name="sla_policy_create"),
    path("sla/policies/<int:pk>/", SlaPolicyEditView.as_view(), name="sla_policy_edit"),
    path("sla/calendars/", SlaCalendarListView.as_view(), name="sla_calendar_list"),
    path("sla/calendars/new/", SlaCalendarEditView.as_view(), name="sla_calendar_create"),
    path("sla/calendars/<int:pk>/", SlaCalendarEditView.as_view(), name="sla_calendar_edit"),
    path("sla/breaches/", BreachReportView.as_view(), name="sla_breaches"),
]
