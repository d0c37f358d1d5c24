"""The working calendar's pages: years and their status, a year's holidays and make-up working
days, add / change / delete a day, confirm a year. City administrators only (CONFIGURE at a
root unit): the calendar is federation-wide, like the dictionaries."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core.models import CalendarDay
from qiaolian.core.scoping import Action
from qiaolian.core.services import can_configure
from qiaolian.core.views.generic import ScopedFormView, ScopedView
from qiaolian.core.workdays import selectors, services
from qiaolian.core.workdays.forms import CalendarDayForm


class CalendarAdminRequired(ScopedView):
    """CONFIGURE counts only at a root unit: a district administrator gets 403, not a page
    whose every save fails."""

    action = Action.CONFIGURE

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_configure(actor=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _year(kwargs) -> int:
    year = kwargs["year"]
    if not services.FIRST_YEAR <= year <= services.LAST_YEAR:
        raise Http404
    return year


def _day(kwargs) -> CalendarDay:
    try:
        day = date.fromisoformat(kwargs["day"])
    except ValueError as exc:
        raise Http404 from exc
    # scoping: exempt — the calendar is federation-wide, owned by no unit (city admins only).
    found = CalendarDay.objects.filter(date=day).select_related("year").first()
    if found is None:
        raise Http404
    return found


class CalendarListView(CalendarAdminRequired):
    template_name = "core/calendar/list.html"

    def get(self, request, *args, **kwargs):
        years = list(selectors.calendar_year_list())
        known = {row.year for row in years}
        this_year = timezone.localdate().year
        missing = [y for y in (this_year, this_year + 1) if y not in known]
        context = {"years": years, "missing": missing, "this_year": this_year}
        return render(request, self.template_name, context)


class CalendarYearView(CalendarAdminRequired):
    template_name = "core/calendar/year.html"

    def get(self, request, *args, **kwargs):
        year = _year(kwargs)
        context = {
            "year": year,
            "row": selectors.calendar_year_get(year),
            "days": selectors.calendar_day_list(year),
        }
        return render(request, self.template_name, context)


class CalendarDayEditView(CalendarAdminRequired, ScopedFormView):
    """Add a day to the year in the URL, or change the day named by its date."""

    template_name = "core/calendar/day_form.html"
    success_message = _("Working calendar saved.")
    needs_object = True  # loaded after the permission checks (ScopedFormView.dispatch)

    def get_object(self):
        return _day(self.kwargs) if "day" in self.kwargs else None

    @property
    def year(self) -> int:
        return self.object.date.year if self.object else _year(self.kwargs)

    def get_form(self, data=None):
        return CalendarDayForm(data, instance=self.object or CalendarDay(), year=self.year)

    def get_context_data(self, **kwargs):
        return {"year": self.year, "day": self.object, **kwargs}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in services.DAY_FIELDS}
        return services.calendar_day_save(actor=self.request.user, day=self.object, **fields)

    def get_success_url(self, obj):
        return reverse("core:calendar_year", args=[obj.date.year])


class CalendarDayDeleteView(CalendarAdminRequired):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        day = _day(kwargs)
        services.calendar_day_delete(actor=request.user, day=day)
        messages.success(request, _("The day was removed from the working calendar."))
        return HttpResponseRedirect(reverse("core:calendar_year", args=[day.date.year]))


class CalendarYearConfirmView(CalendarAdminRequired):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        year = _year(kwargs)
        try:
            services.calendar_year_confirm(actor=request.user, year=year)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The year's schedule is confirmed."))
        return HttpResponseRedirect(reverse("core:calendar_year", args=[year]))
