"""Reads of the answer knowledge base. `visible_answers` starts from `restrict()` and adds the
non-draft answers of the units above the user's grants (see services.answers)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from qiaolian.core.scoping import Action
from qiaolian.hotline import categories
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.categories import category_labels
from qiaolian.hotline.services.answers import suggest, terms, visible_answers

__all__ = [
    "answer_list",
    "can_edit",
    "category_choices",
    "category_labels",
    "filter_answers",
    "suggest",
    "visible_answers",
]


def answer_list(*, user, within=None) -> QuerySet:
    queryset = visible_answers(user, Action.VIEW)
    if within is not None:
        queryset = queryset.filter(Q(unit__path__startswith=within.path))
    return queryset.select_related("unit")


def filter_answers(queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
    if q := (data.get("q") or "").strip():
        words = terms(q) or [q.lower()]
        for word in words[:8]:
            queryset = queryset.filter(search_text__contains=word)
    if category := data.get("category"):
        queryset = queryset.filter(category=category)
    if status := data.get("status"):
        queryset = queryset.filter(status=status)
    return queryset


def can_edit(user, answer) -> bool:
    from qiaolian.core.models import Unit

    return Unit.objects.restrict(user, HOTLINE.CHANGE).filter(pk=answer.unit_id).exists()


def category_choices(blank: str = "---------") -> list[tuple[str, str]]:
    return categories.category_choices(blank)
