"""The news panel of the dashboard's "my work": articles waiting for the user's approval.
Its count is what the article list shows with `?queue=to_approve`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from qiaolian.core.registry import WorkItem, WorkList
from qiaolian.news import selectors

SHOWN = 5


def to_approve(*, user: Any, within: Any = None) -> WorkList:
    articles = selectors.to_approve(user=user, within=within).order_by("updated_at", "pk")
    items = tuple(
        WorkItem(
            article.title,
            reverse("news:article_detail", args=[article.public_id]),
            timezone.localtime(article.updated_at).strftime("%m-%d %H:%M"),
        )
        for article in articles[:SHOWN]
    )
    return WorkList(articles.count(), f"{reverse('news:article_list')}?queue=to_approve", items)
