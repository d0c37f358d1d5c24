"""The case categories: the dictionary `case_category` (数据字典), or the seed's built-in list
while the dictionary is empty (a fresh database), localised to the reader's language. Every
form, page, export and figure of the hotline reads them here."""

from __future__ import annotations

CATEGORY_DICT = "case_category"


def _items() -> list[tuple[str, str, bool]]:
    from qiaolian.core.models import DictItem
    from qiaolian.core.models.dictionaries import localized
    from qiaolian.core.seed_data import DICTIONARIES

    items = DictItem.objects.filter(dict_type__code=CATEGORY_DICT)  # scoping: exempt, global
    rows = [(item.value, item.display, item.is_active) for item in items]
    if rows:
        return rows
    return [(value, localized(zh, en), True) for value, zh, en in DICTIONARIES[CATEGORY_DICT][2]]


def category_choices(blank: str | None = None) -> list[tuple[str, str]]:
    """The active categories, as (value, label); with `blank`, a first empty choice."""
    choices = [(value, label) for value, label, active in _items() if active]
    return [("", blank), *choices] if blank is not None else choices


def category_labels() -> dict[str, str]:
    """Labels of every category, retired ones too (old cases keep them)."""
    return {value: label for value, label, _active in _items()}


def category_values() -> list[str]:
    """The values a new case may take (the active categories)."""
    return [value for value, _label in category_choices()]
