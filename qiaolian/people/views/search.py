"""The search page: one box over people, associations and groups, results as you type."""

from __future__ import annotations

from django.views.generic import TemplateView

from qiaolian.core.views.generic import ScopedView
from qiaolian.people.search import search
from qiaolian.people.search.selectors import MAX_LIMIT

PAGE_LIMIT = 20


class SearchView(ScopedView, TemplateView):
    """`/people/search/?q=…`: grouped, scoped results; HTMX requests get `#results` only.

    Results keep to the unit picked in the header, like every list."""

    template_name = "people/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")
        try:
            limit = min(int(self.request.GET.get("limit", PAGE_LIMIT)), MAX_LIMIT)
        except ValueError:
            limit = PAGE_LIMIT
        results = None
        if query.strip():
            results = search(self.request.user, query, limit=limit, within=self.request.active_unit)
        context.update(query=query, results=results, limit=limit)
        return context

    def get_template_names(self):
        if self.request.headers.get("HX-Request") and not self.request.headers.get("HX-Boosted"):
            return [f"{self.template_name}#results"]
        return [self.template_name]
