"""The hotline's figures page: a period and a unit, the figures as cards, charts by month,
category and channel (ECharts, static/qiaolian/hotline-stats.js), the tables, and their
export as CSV or xlsx. Everything comes from `selectors.stats.case_stats`, in the user's
scope."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qiaolian.core import audit
from qiaolian.core.exports import export_response, sheet_title
from qiaolian.core.forms import PeriodUnitForm
from qiaolian.core.scoping import Action, holds_anywhere
from qiaolian.core.views.generic import ScopedView
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Channel
from qiaolian.hotline.selectors.stats import case_stats, category_labels

MAX_DAYS = 3 * 366


class StatsForm(PeriodUnitForm):
    max_days = MAX_DAYS


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=364), today


def presets(today: date) -> list[tuple[str, date, date]]:
    return [
        (_("Last 12 months"), today - timedelta(days=364), today),
        (_("This year"), date(today.year, 1, 1), today),
        (_("Last year"), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        (_("Last 30 days"), today - timedelta(days=29), today),
    ]


class StatsView(ScopedView):
    template_name = "hotline/stats/stats.html"

    def get(self, request):
        today = timezone.localdate()
        start, end = default_period(today)
        initial = {"start": start, "end": end}
        if request.active_unit is not None:
            initial["unit"] = request.active_unit.code
        data = {**initial, **request.GET.dict()} if request.GET else None
        form = StatsForm(data, user=request.user, initial=initial)
        unit = request.active_unit
        status = 200
        if data is not None:
            if form.is_valid():
                start, end = form.cleaned_data["start"], form.cleaned_data["end"]
                unit = form.cleaned_data.get("unit")
            else:
                status = 400
        try:
            figures = case_stats(request.user, unit=unit, start=start, end=end)
        except PermissionDenied as exc:  # the header's unit, moved out of reach
            raise Http404 from exc
        tables = _tables(figures)
        fmt = request.GET.get("export")
        if fmt in {"csv", "xlsx"} and status == 200:
            return self.export(fmt, unit, start, end)
        context = {
            "form": form,
            "figures": figures,
            "tables": tables,
            "chart": _chart(figures, tables),
            "presets": presets(today),
            "query": request.GET.urlencode() or f"start={start}&end={end}",
            "can_export": holds_anywhere(request.user, HOTLINE.EXPORT),
            "unit": unit,
        }
        return render(request, self.template_name, context, status=status)

    def export(self, fmt: str, unit, start, end):
        """The figures computed again under EXPORT: a unit the user may read but not export
        is left out (or, when it is the unit asked for, refused)."""
        if not holds_anywhere(self.request.user, HOTLINE.EXPORT):
            raise PermissionDenied
        figures = case_stats(
            self.request.user, unit=unit, start=start, end=end, action=Action.EXPORT
        )
        tables = _tables(figures)
        audit.record(
            actor=self.request.user,
            action="export.hotline-stats",
            unit=self.request.active_unit or self.request.user.home_unit,
            message=f"{fmt}: {figures['from']}..{figures['to']} "
            f"unit={(figures['unit'] or {}).get('code', '')}",
        )
        header = [_("Table"), _("Item"), _("Cases")]
        rows = [(_("Figures"), label, value) for label, value in _cards(figures)]
        for key, title in (
            ("months", _("By month")),
            ("categories", _("By category")),
            ("channels", _("By channel")),
            ("units", _("By unit")),
        ):
            rows += [(title, label, value) for label, value in tables[key]]
        return export_response(
            fmt,
            f"hotline-stats-{figures['from']}-{figures['to']}",
            header,
            rows,
            title=sheet_title(
                pgettext("sheet name", "Hotline"), f"{figures['from']}–{figures['to']}"
            ),
        )


def _cards(figures: dict) -> list[tuple[str, object]]:
    csat = figures["csat"]
    return [
        (_("Hotline contacts"), figures["contacts"]),
        (_("Calls"), figures["calls"]),
        (_("Cases opened"), figures["cases"]),
        (_("Problems resolved"), figures["resolved"]),
        (_("Still open"), figures["open"]),
        (_("Tomb-sweeping services"), figures["tomb_sweeping"]),
        (_("SLA breached"), figures["breached"]),
        (_("Satisfaction responses"), csat["responses"]),
        (_("Mean rating (1–5)"), csat["mean"] if csat["mean"] is not None else ""),
        (
            _("Median first response (minutes)"),
            figures["first_response_median_minutes"]
            if figures["first_response_median_minutes"] is not None
            else "",
        ),
    ]


def _tables(figures: dict) -> dict[str, list[tuple[str, int]]]:
    categories = category_labels()
    channels = dict(Channel.choices)
    units = []
    for row in figures["by_unit"]:
        label = row["name"]
        if row.get("own"):
            label = _("%(unit)s (its own cases)") % {"unit": label}
        units.append((label, row["cases"]))
    return {
        "months": [(row["month"], row["cases"]) for row in figures["by_month"]],
        "categories": [
            (str(categories.get(key, key)), n) for key, n in figures["by_category"].items()
        ],
        "channels": [(str(channels.get(key, key)), n) for key, n in figures["by_channel"].items()],
        "units": units,
    }


def _chart(figures: dict, tables: dict) -> dict:
    """What hotline-stats.js draws (read from a json_script element: no inline script)."""
    return {
        "months": [label for label, _n in tables["months"]],
        "monthCases": [n for _label, n in tables["months"]],
        "categories": [{"name": label, "value": n} for label, n in tables["categories"]],
        "channels": [{"name": label, "value": n} for label, n in tables["channels"]],
        "labels": {"cases": _("Cases opened")},
    }


urlpatterns: list = [path("stats/", StatsView.as_view(), name="stats")]
