"""The enterprises app's registered figures (core/figures.py), counted from the records."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate

from qiaolian.core.figures import FigureContext
from qiaolian.enterprises import selectors
from qiaolian.enterprises.models import (
    AppealStatus,
    DomesticBody,
    Enterprise,
    InvestmentProject,
    LiaisonAssignment,
    ProjectStage,
)


def _enterprises(ctx: FigureContext):
    return Enterprise.objects.restrict(ctx.user).in_subtree(ctx.unit)


def _current_assignments(ctx: FigureContext):
    return (
        LiaisonAssignment.objects.restrict(ctx.user)
        .filter(selectors.current_q())
        .filter(enterprise__in=_enterprises(ctx))
    )


def enterprises(ctx: FigureContext) -> int:
    return _enterprises(ctx).count()


def key_enterprises(ctx: FigureContext) -> int:
    return _enterprises(ctx).filter(is_key=True).count()


def officers(ctx: FigureContext) -> int:
    return _current_assignments(ctx).values("officer").distinct().count()


def enterprises_served(ctx: FigureContext) -> int:
    return _current_assignments(ctx).values("enterprise").distinct().count()


def departments(ctx: FigureContext) -> int:
    return selectors.department_list(user=ctx.user, within=ctx.unit).filter(is_active=True).count()


def _appeals(ctx: FigureContext):
    return selectors.appeal_list(user=ctx.user, within=ctx.unit)


def appeals(ctx: FigureContext) -> int:
    period = ctx.period
    return _appeals(ctx).filter(raised_at__date__range=(period.start, period.end)).count()


def appeals_closed(ctx: FigureContext) -> int:
    period = ctx.period
    return (
        _appeals(ctx)
        .filter(status=AppealStatus.CLOSED, closed_at__date__range=(period.start, period.end))
        .count()
    )


def appeals_on_time_rate(ctx: FigureContext) -> Decimal:
    """Of the appeals answered in the period, the share answered by their due date."""
    period = ctx.period
    answered = (
        _appeals(ctx)
        .filter(answered_at__date__range=(period.start, period.end), due_on__isnull=False)
        .annotate(answered_on=TruncDate("answered_at"))
        .aggregate(total=Count("pk"), on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))))
    )
    return selectors.rate(answered["on_time"], answered["total"]) or Decimal(0)


def resumption_rate(ctx: FigureContext) -> Decimal:
    """The latest survey round's rate: resumed fully or partly, over the answers in scope."""
    latest = selectors.latest_round(user=ctx.user, within=None)
    if latest is None:
        return Decimal(0)
    answers = selectors.answers_of(user=ctx.user, round=latest, within=ctx.unit)
    return selectors.resumption_rates(answers)[0]["rate"] or Decimal(0)


def enterprises_url(ctx: FigureContext) -> str:
    return ctx.url("enterprises:enterprise_list", unit_as="")


def officers_url(ctx: FigureContext) -> str:
    return ctx.url("enterprises:officer_list", unit_as="")


def departments_url(ctx: FigureContext) -> str:
    return ctx.url("enterprises:department_list", unit_as="")


def appeals_url(ctx: FigureContext) -> str:
    return ctx.url("enterprises:appeal_list", unit_as="")


def rounds_url(ctx: FigureContext) -> str:
    return ctx.url("enterprises:round_list", unit_as="")


def _landed(ctx: FigureContext):
    period = ctx.period
    return (
        InvestmentProject.objects.restrict(ctx.user)
        .in_subtree(ctx.unit)
        .filter(stage=ProjectStage.LANDED, landed_on__range=(period.start, period.end))
    )


def projects_landed(ctx: FigureContext) -> int:
    """Investment projects that landed in the period (by landing date)."""
    return _landed(ctx).count()


def investment_cny(ctx: FigureContext) -> Decimal:
    """The yuan amount (at the signing day's rate) of the projects landed in the period."""
    return _landed(ctx).aggregate(total=Sum("amount_cny"))["total"] or Decimal(0)


def domestic_bodies(ctx: FigureContext) -> int:
    return DomesticBody.objects.restrict(ctx.user).in_subtree(ctx.unit).count()


def projects_url(ctx: FigureContext) -> str:
    return ctx.url("enterprises:project_list", unit_as="")


def bodies_url(ctx: FigureContext) -> str:
    return ctx.url("enterprises:body_list", unit_as="")
