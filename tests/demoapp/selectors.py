from django.urls import reverse

from qiaolian.core.figures import FigureContext
from qiaolian.core.registry import WorkItem, WorkList
from tests.demoapp.models import Widget


def widget_list(*, user, within=None):
    return Widget.objects.restrict(user, "demoapp.view").in_subtree(within).order_by("name")


def widget_count(ctx: FigureContext) -> int:
    period = ctx.period
    widgets = widget_list(user=ctx.user, within=ctx.unit)
    return widgets.filter(created_on__range=(period.start, period.end)).count()


def widget_list_url(ctx: FigureContext) -> str:
    return ctx.url("demoapp:widget_list", unit_as="")


def my_widgets(*, user, within=None) -> WorkList | None:
    widgets = widget_list(user=user, within=within)
    if not widgets.exists():
        return None  # nothing of this app for the user: the panel is left out
    items = tuple(
        WorkItem(w.name, reverse("demoapp:widget_detail", args=[w.public_id])) for w in widgets[:5]
    )
    return WorkList(widgets.count(), reverse("demoapp:widget_list"), items)
