from qiaolian.core.views.generic import ScopedDetailView, ScopedListView
from tests.demoapp.models import Widget


class WidgetListView(ScopedListView):
    """Declares its records; the base view restricts them to "demoapp.view"."""

    action = "demoapp.view"
    model = Widget
    template_name = "demoapp/widget_list.html"

    def narrow(self, queryset):
        return queryset.order_by("name")


class WidgetDetailView(ScopedDetailView):
    action = "demoapp.view"
    model = Widget
    template_name = "demoapp/widget_detail.html"
