"""Reads of the news. Staff reads start from `Article.objects.restrict(user, action)`; public
reads start from `public_articles()`, the one published rule (core/views/public.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from qiaolian.core.scoping import Action
from qiaolian.core.views.public import published
from qiaolian.news.models import Article, ArticleRevision, Category, Status

RELATED_LIMIT = 5


# --- public -----------------------------------------------------------------------------------


def public_categories() -> QuerySet:
    # scoping: exempt - categories are the whole site's sections, owned by no unit
    return Category.objects.filter(is_public=True)


def public_articles() -> QuerySet:
    # scoping: exempt - public pages read the published rule only (core/views/public.py)
    return published(Article.objects.all()).select_related("category", "unit")


def city_site_articles(*, unit_code: str = "") -> QuerySet:
    """The list pages: the city's site, or one unit's own news (`?unit=<code>`)."""
    articles = public_articles()
    if unit_code:
        return articles.filter(unit__code=unit_code)
    return articles.on_city_site()


def newest_first(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("-publish_at", "-pk")


def public_article(category_slug: str, key: str) -> Article | None:
    """The published article named by its id or its address name, in its category."""
    lookup = Q(pk=int(key)) if key.isdigit() else Q(slug=key)
    return (
        public_articles()
        .filter(lookup, category__slug=category_slug)
        .prefetch_related("tags", "attachments")
        .first()
    )


def search(query: str) -> QuerySet:
    """Published articles whose title or text holds every word of `query` (Chinese fragments
    match anywhere, no word splitting needed)."""
    articles = city_site_articles()
    for word in query.split()[:8]:
        articles = articles.filter(Q(title__icontains=word) | Q(body_text__icontains=word))
    return newest_first(articles)


def related(article: Article, *, limit: int = RELATED_LIMIT) -> list[Article]:
    """Published articles of the same category sharing a tag, most shared tags first."""
    tag_ids = list(article.tags.values_list("pk", flat=True))
    if not tag_ids:
        return []
    return list(
        public_articles()
        .filter(category_id=article.category_id, tags__in=tag_ids)
        .exclude(pk=article.pk)
        .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids)))
        .order_by("-shared", "-publish_at", "-pk")[:limit]
    )


# --- staff ------------------------------------------------------------------------------------


def article_list(*, user: Any, action: str = Action.VIEW, within: Any = None) -> QuerySet:
    articles = Article.objects.restrict(user, action).select_related(
        "unit", "category", "created_by", "reviewed_by"
    )
    if within is not None:
        articles = articles.in_subtree(within)
    return articles


def to_approve(*, user: Any, within: Any = None) -> QuerySet:
    """Articles awaiting review that the user may approve and did not write."""
    articles = article_list(user=user, action=Action.APPROVE, within=within)
    return articles.filter(status=Status.REVIEW).exclude(created_by=user)


def filter_articles(queryset: QuerySet, data: dict, *, user: Any = None) -> QuerySet:
    if data.get("q"):
        queryset = queryset.filter(
            Q(title__icontains=data["q"]) | Q(body_text__icontains=data["q"])
        )
    if data.get("status") == "scheduled":
        from django.utils import timezone

        queryset = queryset.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())
    elif data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("category"):
        queryset = queryset.filter(category=data["category"])
    if data.get("queue") == "to_approve" and user is not None:
        queryset = queryset.filter(pk__in=to_approve(user=user).values("pk"))
    return queryset


def revisions(*, user: Any, article: Article) -> QuerySet:
    return (
        ArticleRevision.objects.restrict(user, Action.VIEW)
        .filter(article=article)
        .select_related("created_by")
    )
