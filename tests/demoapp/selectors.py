from qiaolian.core.figures import FigureContext
from tests.demoapp.models import Widget


def widget_list(*, user, within=None):
    return Widget.objects.restrict(user, "demoapp.view").in_subtree(within).order_by("name")


def widget_count(ctx: FigureContext) -> int:
    period = ctx.period
    widgets = widget_list(user=ctx.user, within=ctx.unit)
    return widgets.filter(created_on__range=(period.start, period.end)).count()


def widget_list_url(ctx: FigureContext) -> str:
    return ctx.url("demoapp:widget_list", unit_as="")
