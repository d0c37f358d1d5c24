"""The outreach figures, counted from the records over `restrict()`ed data."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum

from qiaolian.core.figures import FigureContext
from qiaolian.outreach.models import CallTask, Channel, Delivery, KitDistribution, Letter


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


def _share(part: int, total: int) -> Decimal:
    if not total:
        return Decimal(0)
    return (Decimal(part) / Decimal(total)).quantize(Decimal("0.0001"))


def letters_opened_rate(ctx: FigureContext) -> Decimal:
    """Of the web-page (H5) deliveries sent in the period, the share their recipient opened."""
    rows = _in(Delivery.objects.restrict(ctx.user, "outreach.view"), ctx)
    done = (Delivery.Status.SENT, Delivery.Status.OPENED)
    counts = rows.filter(
        channel=Channel.H5, status__in=done, sent_at__date__range=_period(ctx)
    ).aggregate(total=Count("pk"), opened=Count("pk", filter=Q(opened_at__isnull=False)))
    return _share(counts["opened"], counts["total"])


def calls_reached_rate(ctx: FigureContext) -> Decimal:
    """Of the family calls made in the period, the share that reached the person."""
    counts = _calls(ctx).aggregate(
        total=Count("pk"), reached=Count("pk", filter=Q(outcome=CallTask.Outcome.REACHED))
    )
    return _share(counts["reached"], counts["total"])


def letters_sent_url(ctx: FigureContext) -> str:
    return ctx.url("outreach:letter_list", unit_as="")


deliveries_url = letters_sent_url
letters_opened_rate_url = letters_sent_url


def calls_made_url(ctx: FigureContext) -> str:
    return ctx.url("outreach:campaign_list", unit_as="")


people_reached_url = calls_made_url
calls_reached_rate_url = calls_made_url


def kits_distributed_url(ctx: FigureContext) -> str:
    return ctx.url("outreach:kit_list", unit_as="")
