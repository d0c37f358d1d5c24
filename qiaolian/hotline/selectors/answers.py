"""Reads of the answer knowledge base. `visible_answers` starts from `restrict()` and adds the
non-draft answers of the units above the user's grants (see services.answers)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from qiaolian.core.models import DictItem
from qiaolian.core.models.dictionaries import localized
from qiaolian.core.scoping import Action
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

    return Unit.objects.restrict(user, Action.CHANGE).filter(pk=answer.unit_id).exists()


# Case categories: from the dictionary (数据字典) when it is seeded, else the seed's built-in
# list, localised to the current language.
CATEGORY_DICT = "case_category"


def category_labels() -> dict[str, str]:
    items = DictItem.objects.filter(dict_type__code=CATEGORY_DICT)  # scoping: exempt, global
    labels = {item.value: item.display for item in items}
    if labels:
        return labels
    from qiaolian.core.seed_data import DICTIONARIES

    return {value: localized(zh, en) for value, zh, en in DICTIONARIES[CATEGORY_DICT][2]}


def category_choices(blank: str = "---------") -> list[tuple[str, str]]:
    return [("", blank), *category_labels().items()]
