"""The call console (type a number: the caller at once; log the call; open a case in one
step), the calls list, callbacks, and the caller and callback panels of the case page."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.scoping import Action, holds_anywhere, holds_subtree
from qiaolian.core.timezones import WallClock
from qiaolian.core.views.conflicts import ConflictFormMixin
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.forms.calls import (
    CallbackFilterForm,
    CallbackForm,
    CallCallbackForm,
    CallEditForm,
    CallFilterForm,
    CallForm,
)
from qiaolian.hotline.models import Call, Callback, CallOutcome, Case
from qiaolian.hotline.panels import panel
from qiaolian.hotline.selectors import calls as selectors
from qiaolian.hotline.selectors import cases as case_selectors
from qiaolian.hotline.services import callbacks as callback_services
from qiaolian.hotline.services import calls as services
from qiaolian.network.models import Membership

MODES = ("log", "new_case", "on_case")


def case_url(case: Case) -> str:
    """The case page (the cases area's `hotline:case_detail`)."""
    try:
        return reverse("hotline:case_detail", args=[case.public_id])
    except NoReverseMatch:  # the cases pages are not wired in yet
        return reverse("hotline:call_list")


def caller_context(user, number: str) -> dict:
    """What the lookup panel reads: the CallerInfo, or the reason there is none yet."""
    number = (number or "").strip()
    if not number:
        return {"caller": None, "lookup_error": ""}
    try:
        info = services.lookup_caller(user, number)
    except ValidationError as exc:
        messages = exc.message_dict.get("number") if hasattr(exc, "error_dict") else exc.messages
        return {"caller": None, "lookup_error": " ".join(messages or [])}
    return {"caller": info, "lookup_error": ""}


# --- console ------------------------------------------------------------------------------


class CallConsoleView(ScopedFormView):
    action = Action.ADD
    template_name = "hotline/calls/console.html"

    def get_form(self, data=None):
        initial = {"number": self.request.GET.get("number", "")}
        if self.request.active_unit:
            initial["unit"] = self.request.active_unit
        elif getattr(self.request.user, "home_unit", None):
            initial["unit"] = self.request.user.home_unit
        return CallForm(data, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs["form"]
        number = form.data.get("number") if form.is_bound else form.initial.get("number", "")
        context.update(caller_context(self.request.user, number or ""))
        context["selected_person"] = form.data.get("person", "") if form.is_bound else ""
        return context

    def mode(self) -> str:
        # "Log the call on this case" buttons carry the case's public id in `on_case`.
        if self.request.POST.get("on_case"):
            return "on_case"
        mode = self.request.POST.get("mode", "log")
        return mode if mode in MODES else "log"

    def perform(self, form):
        mode = self.mode()
        if mode == "on_case" and form.cleaned_data.get("on_case") is None:
            raise ValidationError(_("Choose the case to log this call on."))
        call, case = services.call_take(actor=self.request.user, **form.service_kwargs(mode))
        self.case = case
        self.success_message = (
            _("Call logged on case %(number)s.") % {"number": case.number}
            if case is not None
            else _("Call logged.")
        )
        return call

    def get_success_url(self, obj):
        if self.case is not None:
            return case_url(self.case)
        if obj.outcome == CallOutcome.CALLBACK:
            # The caller wants to be called back: offer to plan it straight away.
            messages.info(self.request, _("The caller wants a callback: plan it now."))
            return reverse("hotline:call_callback", args=[obj.public_id])
        return reverse("hotline:call_list")


class CallerLookupView(ScopedView):
    """The console's live panel: GET ?number=… → the caller, their cases, groups, local time."""

    def get(self, request):
        context = caller_context(request.user, request.GET.get("number", ""))
        context["selected_person"] = request.GET.get("person", "")
        return render(request, "hotline/calls/_caller.html", context)


# --- lists --------------------------------------------------------------------------------


class CallListView(ExportableListView):
    template_name = "hotline/calls/list.html"
    filter_form_class = CallFilterForm
    sort_fields = {"started": "started_at", "duration": "duration_seconds", "unit": "unit__path"}
    default_sort = "-started"
    export_name = "calls"
    export_title = gettext_lazy("Calls")

    def queryset_for(self, action: Action):
        return selectors.call_list(
            user=self.request.user, action=action, within=self.request.active_unit
        )

    def filter_queryset(self, queryset, data):
        return selectors.filter_calls(queryset, data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, HOTLINE.ADD)
        return context

    def export_header(self):
        return [
            _("Started at"),
            _("Direction"),
            _("Number as typed"),
            _("Normalised number"),
            _("Caller"),
            _("Case"),
            _("Duration (seconds)"),
            _("Outcome"),
            _("Unit"),
            _("Taken by"),
            _("Notes"),
        ]

    def export_rows(self, queryset):
        return (
            [
                timezone.localtime(c.started_at).strftime("%Y-%m-%d %H:%M"),
                c.get_direction_display(),
                c.number,
                c.number_e164,
                str(c.person or ""),
                c.case.number if c.case_id else "",
                c.duration_seconds,
                c.get_outcome_display(),
                c.unit.label,
                str(c.taken_by or ""),
                c.notes,
            ]
            for c in queryset.order_by("-started_at")[: self.export_limit]
        )


class CallDetailView(ScopedDetailView):
    """One call: when, the number as typed and normalised, the caller, the case, how it
    ended, who took it; "edit" for those who may change it."""

    template_name = "hotline/calls/detail.html"

    def scoped_queryset(self):
        return selectors.call_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.object
        context.update(selectors.call_links(self.request.user, call))
        context["call"] = call
        context["case_link"] = case_url(call.case) if context["case_visible"] else ""
        return context


class CallEditView(ConflictFormMixin, ScopedFormView):
    """Edit with optimistic locking, as the case edit: the form carries the version it was
    opened with; a stale save is refused naming what changed since, keeps this user's text,
    and moves the form to the current version so a deliberate second save goes through."""

    action = Action.CHANGE
    needs_object = True
    template_name = "hotline/calls/form.html"
    success_message = gettext_lazy("Call saved.")

    model = Call

    def narrow(self, queryset):
        return queryset.select_related("case", "person", "unit")

    def get_form(self, data=None):
        call = self.object
        initial = {
            "outcome": call.outcome,
            "duration_minutes": round(call.duration_seconds / 60, 1),
            "notes": call.notes,
            "person": call.person.public_id if call.person_id else None,
            "case_number": call.case.number if call.case_id else "",
            "version": call.version,
        }
        return CallEditForm(data, user=self.request.user, call=call, initial=initial)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "call": self.object}

    def perform(self, form):
        return services.call_update(
            actor=self.request.user,
            call=self.object,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(),
        )

    conflict_fields = services.CALL_EDIT_FIELDS

    def conflict_shown(self, current, name):
        return _conflict_value(current, name)

    def conflict_mine(self, form, name):
        mine = copy.copy(self.object)
        for field, value in form.service_fields().items():
            setattr(mine, field, value)
        return _conflict_value(mine, name)

    def conflict_merge(self, data, current, name, before):
        if name == "notes" and data.get("notes", "") == (before or ""):
            data["notes"] = current.notes
        elif name == "outcome" and data.get("outcome") == before:
            data["outcome"] = current.outcome
        elif name == "duration_seconds" and _minutes(data.get("duration_minutes")) == before:
            data["duration_minutes"] = str(round(current.duration_seconds / 60, 1))

    def get_success_url(self, obj):
        return reverse("hotline:call_detail", args=[obj.public_id])


def _minutes(raw) -> int | None:
    """Seconds of a typed number of minutes ("2.5" → 150), None when it is not a number."""
    try:
        return int(float(raw) * 60)
    except (TypeError, ValueError):
        return None


def _conflict_value(call: Call, name: str) -> str:
    if name == "outcome":
        return str(call.get_outcome_display())
    if name == "duration_seconds":
        return _("%(minutes)s min") % {"minutes": round(call.duration_seconds / 60, 1)}
    if name == "case":
        return call.case.number if call.case_id else ""
    value = getattr(call, name)
    return str(value) if value is not None else ""


class CallbackListView(ScopedListView):
    template_name = "hotline/calls/callbacks.html"
    filter_form_class = CallbackFilterForm
    sort_fields = {"when": "scheduled_for"}
    default_sort = "when"

    def scoped_queryset(self):
        return selectors.callback_list(user=self.request.user, within=self.request.active_unit)

    def filter_queryset(self, queryset, data):
        return selectors.filter_callbacks(queryset, data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for callback in context["object_list"]:
            callback.zone_label = callback_services.zone_label(callback.time_zone)
            callback.overdue = callback.done_at is None and callback.scheduled_for < now
        due = selectors.due_callbacks(self.request.user, within=self.request.active_unit)
        context["due_count"] = due.count()
        context["overdue_count"] = due.filter(scheduled_for__lt=now).count()
        context["can_change"] = holds_anywhere(self.request.user, HOTLINE.CHANGE)
        return context


# --- callbacks ----------------------------------------------------------------------------


class CallbackCreateView(ScopedFormView):
    """Schedule a callback on the case named in the URL (the case page's panel posts here)."""

    action = Action.CHANGE
    needs_object = True
    template_name = "hotline/calls/callback_form.html"
    form_class = CallbackForm
    success_message = gettext_lazy("Callback scheduled.")

    model = Case

    def narrow(self, queryset):
        return queryset.select_related("requester", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tz = callback_services.requester_time_zone(self.object)
        context.update(_callback_window(tz), case=self.object, case_url=case_url(self.object))
        return context

    def perform(self, form):
        when = timezone.make_naive(form.cleaned_data["scheduled_for"])  # their wall clock
        return callback_services.callback_schedule(
            actor=self.request.user,
            case=self.object,
            when_local_or_utc=when,
            override_reason=form.cleaned_data.get("override_reason") or "",
        )

    def get_success_url(self, obj):
        return case_url(self.object)


class CallCallbackView(ScopedFormView):
    """Plan the callback a caller asked for on a call logged without a case: the case is
    opened from the call and the callback scheduled on it, in one step."""

    action = Action.CHANGE
    needs_object = True
    template_name = "hotline/calls/callback_form.html"
    success_message = gettext_lazy("Case opened from the call and callback scheduled.")

    model = Call

    def narrow(self, queryset):
        return queryset.select_related("case", "person", "unit")

    def get_form(self, data=None):
        call = self.object
        initial = {"subject": _("Callback requested: %(number)s") % {"number": call.number}}
        initial["category"] = "other"
        return CallCallbackForm(data, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tz = services.caller_time_zone(self.object)
        url = reverse("hotline:call_detail", args=[self.object.public_id])
        context.update(_callback_window(tz), call=self.object, case_url=url)
        return context

    def perform(self, form):
        data = form.cleaned_data
        if self.object.case_id:
            raise ValidationError(_("This call already has a case: plan the callback there."))
        return services.call_plan_callback(
            actor=self.request.user,
            call=self.object,
            when_local_or_utc=timezone.make_naive(data["scheduled_for"]),
            subject=data["subject"],
            category=data["category"],
            override_reason=data.get("override_reason") or "",
        )

    def get_success_url(self, obj):
        return case_url(obj.case)


class CallbackDoneView(ScopedActionView):
    action = Action.CHANGE
    success_message = gettext_lazy("Callback marked done.")

    model = Callback

    def narrow(self, queryset):
        return queryset.select_related("case")

    def perform(self, obj):
        callback_services.callback_complete(actor=self.request.user, callback=obj)

    def get_success_url(self, obj):
        back = self.request.POST.get("next", "")
        if back.startswith("/") and not back.startswith("//"):
            return back
        return reverse("hotline:callback_list")


class CallbackCancelView(CallbackDoneView):
    success_message = gettext_lazy("Callback cancelled.")

    def perform(self, obj):
        callback_services.callback_cancel(
            actor=self.request.user, callback=obj, reason=self.request.POST.get("reason", "")[:200]
        )


# --- case-page panels ---------------------------------------------------------------------


def _callback_window(tz: str) -> dict:
    """What a callback form shows of the other side's day: their clock and zone, and the
    daytime window callbacks fall in (their time)."""
    start, end = callback_services.daytime_window()
    return {
        "tz_label": callback_services.zone_label(tz),
        "clock": _clock(callback_services.local_time(tz), tz),
        "day_start": start,
        "day_end": end,
    }


def _clock(local, tz: str) -> WallClock:
    """The requester's wall clock (text in their zone) from the hotline's local time."""
    return WallClock(local, getattr(local.tzinfo, "key", tz))


@panel(20)
def caller_panel(request, case):
    """The requester's local time, their groups and their other open cases."""
    tz = callback_services.requester_time_zone(case)
    local = callback_services.local_time(tz)
    groups = []
    if case.requester_id:
        groups = list(
            Membership.objects.restrict(request.user, Action.VIEW)
            .filter(person_id=case.requester_id, left_on__isnull=True)
            .select_related("group")
            .order_by("group__name")[:10]
        )
    return {
        "template": "hotline/calls/panel_caller.html",
        "case": case,
        "clock": _clock(local, tz),
        "is_daytime": callback_services.in_daytime(local),
        "groups": groups,
        "other_cases": list(selectors.other_open_cases(request.user, case)[:5]),
        "calls": list(
            selectors.call_list(user=request.user).filter(case=case).order_by("-started_at")[:5]
        ),
    }


@panel(30)
def callbacks_panel(request, case):
    can_change = case_selectors.can_change(request.user, case)
    tz = callback_services.requester_time_zone(case)
    start, end = callback_services.daytime_window()
    upcoming = list(selectors.case_callbacks(request.user, case)[:10])
    return {
        "template": "hotline/calls/panel_callbacks.html",
        "case": case,
        "callbacks": upcoming,
        "can_change": can_change and case.is_open,
        "form": CallbackForm(),
        "tz_label": callback_services.zone_label(tz),
        "day_start": start,
        "day_end": end,
    }


urlpatterns: list = [
    path("calls/", CallListView.as_view(), name="call_list"),
    path("calls/console/", CallConsoleView.as_view(), name="call_console"),
    path("calls/lookup/", CallerLookupView.as_view(), name="caller_lookup"),
    path("calls/<uuid:public_id>/", CallDetailView.as_view(), name="call_detail"),
    path("calls/<uuid:public_id>/edit/", CallEditView.as_view(), name="call_edit"),
    path("calls/<uuid:public_id>/callback/", CallCallbackView.as_view(), name="call_callback"),
    path("callbacks/", CallbackListView.as_view(), name="callback_list"),
    path(
        "cases/<uuid:public_id>/callbacks/new/",
        CallbackCreateView.as_view(),
        name="callback_create",
    ),
    path("callbacks/<uuid:public_id>/done/", CallbackDoneView.as_view(), name="callback_done"),
    path(
        "callbacks/<uuid:public_id>/cancel/", CallbackCancelView.as_view(), name="callback_cancel"
    ),
]
