"""The figures page: every registered figure for a unit and a period, each opening onto the
records behind it (core/figures.py)."""

from __future__ import annotations

from django.shortcuts import render

from qiaolian.core.figures import Period, default_period, figure_rows
from qiaolian.core.forms import PeriodUnitForm
from qiaolian.core.views.generic import ScopedView


class FiguresView(ScopedView):
    action = "core.view"
    template_name = "core/figures.html"

    def get(self, request):
        default = default_period()
        initial = {"start": default.start, "end": default.end}
        if request.active_unit is not None:
            initial["unit"] = request.active_unit.code
        data = {**initial, **request.GET.dict()} if request.GET else None
        form = PeriodUnitForm(data, user=request.user, initial=initial)
        period, unit, status = default, request.active_unit, 200
        if data is not None:
            if form.is_valid():
                period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
                unit = form.cleaned_data.get("unit") or None
            else:
                status = 400
        rows = figure_rows(user=request.user, unit=unit, period=period)
        context = {"form": form, "rows": rows, "period": period, "unit": unit}
        return render(request, self.template_name, context, status=status)
