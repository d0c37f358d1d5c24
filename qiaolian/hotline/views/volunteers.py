"""Volunteers, duty shifts, the duty rota (a week per profession, gaps highlighted, who is on
duty now) and the routing-suggestions panel of the case page."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from qiaolian.core.scoping import Action, holds_subtree, reaches_unit
from qiaolian.core.timezones import federation_zone_name, is_known, zone, zone_label
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedView,
)
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.forms.volunteers import (
    RotaForm,
    ShiftForm,
    VolunteerFilterForm,
    VolunteerForm,
)
from qiaolian.hotline.models import Case, Shift, Volunteer
from qiaolian.hotline.panels import panel
from qiaolian.hotline.selectors import cases as case_selectors
from qiaolian.hotline.selectors import rota as rota_selectors
from qiaolian.hotline.selectors import volunteers as volunteer_selectors
from qiaolian.hotline.services import volunteers as services
from qiaolian.hotline.zones import HOTLINE_TIME_ZONE

# --- volunteers ---------------------------------------------------------------------------


class VolunteerListView(ExportableListView):
    template_name = "hotline/volunteers/list.html"
    filter_form_class = VolunteerFilterForm
    sort_fields = {"name": "user__display_name", "profession": "profession", "unit": "unit__path"}
    default_sort = "profession"
    export_name = "volunteers"
    export_title = gettext_lazy("Volunteers")

    def queryset_for(self, action: Action):
        return volunteer_selectors.volunteer_list(
            user=self.request.user, action=action, within=self.request.active_unit
        ).prefetch_related("groups")

    def filter_queryset(self, queryset, data):
        return volunteer_selectors.filter_volunteers(queryset, data, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on_duty = set(
            services.on_duty(self.request.user, within=self.request.active_unit).values_list(
                "pk", flat=True
            )
        )
        for volunteer in context["object_list"]:
            volunteer.is_on_duty = volunteer.pk in on_duty
        context["can_add"] = holds_subtree(self.request.user, HOTLINE.ADD)
        return context

    def export_header(self):
        return [
            pgettext("person", "Name"),
            _("Profession"),
            _("Licence number"),
            _("Specialties"),
            _("Languages"),
            _("Home time zone"),
            _("Unit"),
            _("Active"),
        ]

    def export_rows(self, queryset):
        return (
            [
                str(v.user),
                v.get_profession_display(),
                v.licence_masked,  # exports never carry the clear number
                v.specialties,
                v.languages,
                v.time_zone,
                v.unit.label,
                _("yes") if v.is_active else _("no"),
            ]
            for v in queryset.order_by("profession", "user__display_name")[: self.export_limit]
        )


class VolunteerDetailView(ScopedDetailView):
    template_name = "hotline/volunteers/detail.html"

    model = Volunteer
    queryset_action = Action.VIEW

    def narrow(self, queryset):
        return queryset.select_related("user", "unit").prefetch_related("groups")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, volunteer = self.request.user, self.object
        now = timezone.now()
        today = now.astimezone(zone(HOTLINE_TIME_ZONE)).date()
        start, end = services.month_bounds(today)
        shifts = (
            Shift.objects.restrict(user, Action.VIEW)
            .filter(volunteer=volunteer, ends_at__gte=now - timedelta(days=7))
            .order_by("starts_at")[:20]
        )
        context.update(
            hours=services.hours_served(volunteer, start, end),
            month=start,
            shifts=list(shifts),
            now=now,
            open_cases=Case.objects.restrict(user, Action.VIEW)
            .filter(
                assignee=volunteer.user, status__in=("new", "assigned", "in_progress", "waiting")
            )
            .order_by("-opened_at")[:10],
            # Shifts and the record's unit are saved over the unit only (`require_unit`): the
            # volunteer sees their record but is not offered edits they cannot save.
            can_change=reaches_unit(user, HOTLINE.CHANGE, volunteer.unit, narrowed=False),
            can_reveal=bool(volunteer.licence_number)
            and Volunteer.objects.restrict(user, Action.REVEAL).filter(pk=volunteer.pk).exists(),
            local_time=now.astimezone(zone(volunteer.time_zone)),
        )
        return context


def _volunteer_initial(volunteer: Volunteer) -> dict:
    initial = {name: getattr(volunteer, name) for name in services.VOLUNTEER_FIELDS}
    initial["groups"] = list(volunteer.groups.all())
    return initial


class VolunteerCreateView(ScopedFormView):
    action = Action.ADD
    template_name = "hotline/volunteers/form.html"
    success_message = gettext_lazy("Volunteer saved.")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit or self.request.user.home_unit}
        return VolunteerForm(
            data, user=self.request.user, action=Action.ADD, creating=True, initial=initial
        )

    def perform(self, form):
        return services.volunteer_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("hotline:volunteer_detail", args=[obj.public_id])


class VolunteerEditView(ScopedFormView):
    action = Action.CHANGE
    needs_object = True
    needs_whole_subtree = True  # a volunteer sees their record; the unit's staff edit it
    template_name = "hotline/volunteers/form.html"
    success_message = gettext_lazy("Volunteer saved.")

    model = Volunteer

    def narrow(self, queryset):
        return queryset.select_related("user", "unit")

    def get_form(self, data=None):
        return VolunteerForm(
            data,
            user=self.request.user,
            action=Action.CHANGE,
            creating=False,
            initial=_volunteer_initial(self.object),
        )

    def perform(self, form):
        return services.volunteer_update(
            actor=self.request.user, volunteer=self.object, **form.cleaned_data
        )

    def get_success_url(self, obj):
        return reverse("hotline:volunteer_detail", args=[obj.public_id])


class VolunteerRevealView(ScopedView):
    """POST: the licence number in clear (HTMX swaps it in; audited)."""

    action = Action.REVEAL
    http_method_names = ["post"]

    model = Volunteer

    def post(self, request, public_id):
        volunteer = self.get_object()
        number = services.reveal_licence(actor=request.user, volunteer=volunteer)
        response = HttpResponse(
            format_html('<span class="font-monospace" id="licence">{}</span>', number)
        )
        add_never_cache_headers(response)
        return response


# --- shifts -------------------------------------------------------------------------------


class ShiftCreateView(ScopedFormView):
    action = Action.ADD
    template_name = "hotline/volunteers/shift_form.html"
    success_message = gettext_lazy("Shift saved.")

    def get_form(self, data=None):
        initial: dict[str, object] = {}
        if raw := self.request.GET.get("volunteer"):
            initial["volunteer"] = (
                Volunteer.objects.restrict(self.request.user, Action.CHANGE)
                .filter(public_id=raw)
                .first()
                if _is_uuid(raw)
                else None
            )
        if raw_start := self.request.GET.get("start"):
            try:
                start = datetime.fromisoformat(raw_start)
                initial.update(starts_at=start, ends_at=start + timedelta(hours=8))
            except ValueError:
                pass
        return ShiftForm(data, user=self.request.user, initial=initial)

    def perform(self, form):
        return services.shift_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        local = obj.starts_at.astimezone(zone(HOTLINE_TIME_ZONE)).date()
        return reverse("hotline:rota") + f"?week={local.isoformat()}"


def _is_uuid(raw: str) -> bool:
    import uuid

    try:
        uuid.UUID(raw)
    except ValueError:
        return False
    return True


class ShiftEditView(ScopedFormView):
    action = Action.CHANGE
    needs_object = True
    needs_whole_subtree = True  # shifts are planned over the unit (services.shift_update)
    template_name = "hotline/volunteers/shift_form.html"
    success_message = gettext_lazy("Shift saved.")

    model = Shift

    def narrow(self, queryset):
        return queryset.select_related("volunteer__user")

    def get_form(self, data=None):
        shift = self.object
        tz = zone(HOTLINE_TIME_ZONE)
        initial = {
            "volunteer": shift.volunteer,
            "starts_at": shift.starts_at.astimezone(tz),
            "ends_at": shift.ends_at.astimezone(tz),
            "note": shift.note,
        }
        return ShiftForm(data, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_delete"] = (
            Shift.objects.restrict(self.request.user, Action.DELETE)
            .filter(pk=self.object.pk)
            .exists()
        )
        return context

    def perform(self, form):
        return services.shift_update(
            actor=self.request.user, shift=self.object, **form.cleaned_data
        )

    def get_success_url(self, obj):
        local = obj.starts_at.astimezone(zone(HOTLINE_TIME_ZONE)).date()
        return reverse("hotline:rota") + f"?week={local.isoformat()}"


class ShiftDeleteView(ScopedActionView):
    action = Action.DELETE
    success_message = gettext_lazy("Shift deleted.")

    model = Shift

    def perform(self, obj):
        self.week = obj.starts_at.astimezone(zone(HOTLINE_TIME_ZONE)).date()
        services.shift_delete(actor=self.request.user, shift=obj)

    def get_success_url(self, obj):
        week = getattr(self, "week", None)
        return reverse("hotline:rota") + (f"?week={week.isoformat()}" if week else "")


# --- the duty rota ------------------------------------------------------------------------


def viewer_time_zone(user) -> str:
    """The zone the rota opens in: a volunteer's home zone (the only profile zone users have),
    else the federation's."""
    try:
        home = user.volunteer.time_zone  # the viewer's own record, not a scoped read
    except Volunteer.DoesNotExist:
        home = ""
    return home if is_known(home) else federation_zone_name()


class RotaView(ScopedView):
    """A week (Monday to Sunday in the zone the viewer picks, their own by default) per
    profession: shifts converted to that zone, gaps, and who is on duty now."""

    def get(self, request):
        user, unit = request.user, request.active_unit
        form = RotaForm(request.GET or None)
        data: dict = {}
        if form.is_bound:
            form.is_valid()  # a bad zone is shown on the form; the week asked for still holds
            data = form.cleaned_data
        tz_name = data.get("tz") or viewer_time_zone(user)
        now = timezone.now()
        week = rota_selectors.rota_week(
            user=user, unit=unit, week_of=data.get("week"), tz_name=tz_name, now=now
        )
        monday, today = week.monday, week.today
        context = {
            "form": form,
            "days": week.days,
            "rows": week.rows,
            "monday": monday,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "this_week": today - timedelta(days=today.weekday()),
            "tz_name": week.tz_name,
            "tz_label": zone_label(week.tz_name),
            "tz_is_default": week.tz_name == viewer_time_zone(user),
            # "On duty now" is the same instant whatever the zone; only the clock differs.
            "on_duty_now": list(services.on_duty(user, now, within=unit)),
            "now_local": now.astimezone(zone(week.tz_name)),
            "gap_hours": week.gap_hours,
            "can_change": holds_subtree(user, HOTLINE.CHANGE),
            "can_add": holds_subtree(user, HOTLINE.ADD),
        }
        return render(request, "hotline/volunteers/rota.html", context)


# --- case-page panel ----------------------------------------------------------------------


@panel(40)
def routing_panel(request, case):
    """Who could take this case now, best first, each with the reasons; "assign" posts to the
    cases area's assign URL (carrying the case version for the conflict check)."""
    if not case.is_open:
        return None
    if not case_selectors.can_change(request.user, case):
        return None
    if not holds_subtree(request.user, HOTLINE.ADD):
        return None  # volunteers (narrowed, no ADD) do not route cases
    suggestions = services.suggest_assignees(request.user, case)
    return {
        "template": "hotline/volunteers/panel_routing.html",
        "case": case,
        "suggestions": suggestions,
        "needed": services.CATEGORY_PROFESSION.get(case.category),
    }


urlpatterns: list = [
    path("volunteers/", VolunteerListView.as_view(), name="volunteer_list"),
    path("volunteers/new/", VolunteerCreateView.as_view(), name="volunteer_create"),
    path("volunteers/<uuid:public_id>/", VolunteerDetailView.as_view(), name="volunteer_detail"),
    path("volunteers/<uuid:public_id>/edit/", VolunteerEditView.as_view(), name="volunteer_edit"),
    path(
        "volunteers/<uuid:public_id>/reveal/",
        VolunteerRevealView.as_view(),
        name="volunteer_reveal",
    ),
    path("rota/", RotaView.as_view(), name="rota"),
    path("shifts/new/", ShiftCreateView.as_view(), name="shift_create"),
    path("shifts/<uuid:public_id>/edit/", ShiftEditView.as_view(), name="shift_edit"),
    path("shifts/<uuid:public_id>/delete/", ShiftDeleteView.as_view(), name="shift_delete"),
]
