"""The outreach figures, counted from the records over `restrict()`ed data."""

from __future__ import annotations

from django.db.models import Sum

from qiaolian.core.figures import FigureContext
from qiaolian.outreach.models import CallTask, Delivery, KitDistribution, Letter


def _period(ctx: FigureContext):
    return (ctx.period.start, ctx.period.end)


def _in(qs, ctx: FigureContext):
    return qs.in_subtree(ctx.unit) if ctx.unit is not None else qs


def letters_sent(ctx: FigureContext) -> int:
    letters = _in(Letter.objects.restrict(ctx.user, "outreach.view"), ctx)
    return letters.filter(status=Letter.Status.SENT, sent_at__date__range=_period(ctx)).count()


def deliveries(ctx: FigureContext) -> int:
    rows = _in(Delivery.objects.restrict(ctx.user, "outreach.view"), ctx)
    done = (Delivery.Status.SENT, Delivery.Status.OPENED)
    return rows.filter(status__in=done, sent_at__date__range=_period(ctx)).count()


def _calls(ctx: FigureContext):
    tasks = _in(CallTask.objects.restrict(ctx.user, "outreach.view"), ctx)
    return tasks.exclude(outcome=CallTask.Outcome.PENDING).filter(
        called_at__date__range=_period(ctx)
    )


def calls_made(ctx: FigureContext) -> int:
    return _calls(ctx).count()


def people_reached(ctx: FigureContext) -> int:
    reached = _calls(ctx).filter(outcome=CallTask.Outcome.REACHED)
    return reached.values("person").distinct().count()


def kits_distributed(ctx: FigureContext) -> int:
    given = _in(KitDistribution.objects.restrict(ctx.user, "outreach.view"), ctx)
    total = given.filter(given_on__range=_period(ctx)).aggregate(n=Sum("quantity"))["n"]
    return total or 0


def letters_sent_url(ctx: FigureContext) -> str:
    return ctx.url("outreach:letter_list", unit_as="")


deliveries_url = letters_sent_url


def calls_made_url(ctx: FigureContext) -> str:
    return ctx.url("outreach:campaign_list", unit_as="")


people_reached_url = calls_made_url


def kits_distributed_url(ctx: FigureContext) -> str:
    return ctx.url("outreach:kit_list", unit_as="")
