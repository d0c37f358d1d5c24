"""The news app's registered figures (see core/figures.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone

from qiaolian.core.figures import FigureContext
from qiaolian.core.scoping import Action
from qiaolian.news.models import Article, ArticleView


def _articles(ctx: FigureContext):
    articles = Article.objects.restrict(ctx.user, Action.VIEW)
    if ctx.unit is not None:
        articles = articles.in_subtree(ctx.unit)
    return articles


def articles_published(ctx: FigureContext) -> int:
    """Articles published (on the public site) with a publish time inside the period."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(ctx.period.start, time.min, tzinfo=zone)
    end = datetime.combine(ctx.period.end + timedelta(days=1), time.min, tzinfo=zone)
    return _articles(ctx).published().filter(publish_at__gte=start, publish_at__lt=end).count()


def views(ctx: FigureContext) -> int:
    """All views of the articles in scope: imported counts plus those counted here (flushed)."""
    articles = _articles(ctx)
    imported = articles.aggregate(n=Sum("imported_views"))["n"] or 0
    counted = (
        ArticleView.objects.filter(article__in=articles.values("pk")).aggregate(n=Sum("count"))["n"]
        or 0
    )
    return imported + counted


def articles_url(ctx: FigureContext) -> str:
    return ctx.url("news:article_list", unit_as="", status="published")
