"""The grid page (unit → groups → leaders → members, coverage figures, world map) and the list
of people in no group that its first figure links to."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from qiaolian.core.models import Unit
from qiaolian.core.views.generic import ScopedListView, ScopedView
from qiaolian.network import selectors
from qiaolian.network.forms import GridForm, PersonSearchForm


class GridView(ScopedView):
    template_name = "network/grid.html"

    def get(self, request):
        form = GridForm(request.GET or None)
        days = selectors.DEFAULT_DAYS
        if form.is_valid() and form.cleaned_data.get("days"):
            days = form.cleaned_data["days"]
        within = request.active_unit
        context = {
            "form": form,
            "days": days,
            "figures": selectors.coverage(user=request.user, within=within, days=days),
            "branches": selectors.grid_branches(user=request.user, within=within),
            "world": selectors.world_map(user=request.user, within=within),
        }
        return render(request, self.template_name, context)


class GridBranchView(ScopedView):
    """One unit's groups with their leaders and stewards (HTMX, when its branch is opened).
    A unit outside the user's scope is a 404."""

    template_name = "network/_grid_branch.html"

    def get(self, request, public_id):
        # A branch exists for the user when they see at least one group of that unit (a
        # volunteer: a group they steward), whatever their grant on the unit itself.
        visible = selectors.groups(user=request.user, within=request.active_unit)
        unit = Unit.objects.filter(  # scoping: exempt, narrowed to the units of visible groups
            pk__in=visible.values("unit_id"), public_id=public_id
        ).first()
        if unit is None:
            raise Http404
        tree = selectors.grid_tree(user=request.user, within=request.active_unit, unit=unit)
        return render(request, self.template_name, {"groups": tree[0]["groups"] if tree else []})


class PeopleWithoutGroupView(ScopedListView):
    """People of the register (in scope) who are in no group: the grid's first gap."""

    template_name = "network/ungrouped.html"
    filter_form_class = PersonSearchForm
    sort_fields = {"name": "name_pinyin", "country": "country", "unit": "unit__path"}
    default_sort = "name"

    def scoped_queryset(self):
        return selectors.people_without_group(
            user=self.request.user, within=self.request.active_unit
        ).select_related("unit")

    def filter_queryset(self, queryset, data):
        return selectors.match_person_text(queryset, data.get("q", ""))
