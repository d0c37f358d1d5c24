from qiaolian.core.views.generic import ScopedDetailView, ScopedListView
from tests.demoapp.models import Widget
from tests.demoapp.selectors import widget_list


class WidgetListView(ScopedListView):
    action = "demoapp.view"
    template_name = "demoapp/widget_list.html"

    def scoped_queryset(self):
        return widget_list(user=self.request.user)


class WidgetDetailView(ScopedDetailView):
    action = "demoapp.view"
    template_name = "demoapp/widget_detail.html"

    def scoped_queryset(self):
        return Widget.objects.restrict(self.request.user, "demoapp.view")
