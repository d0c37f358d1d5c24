"""Letter kinds: the dictionary `letter_kind` (数据字典), or the built-in list while the
dictionary is empty, in the reader's language."""

from __future__ import annotations

KIND_DICT = "letter_kind"


def _items() -> list[tuple[str, str, bool]]:
    from qiaolian.core.models import DictItem
    from qiaolian.core.models.dictionaries import localized
    from qiaolian.core.seed_data import DICTIONARIES

    items = DictItem.objects.filter(dict_type__code=KIND_DICT)  # scoping: exempt, global
    rows = [(item.value, item.display, item.is_active) for item in items]
    if rows:
        return rows
    return [(value, localized(zh, en), True) for value, zh, en in DICTIONARIES[KIND_DICT][2]]


def kind_choices() -> list[tuple[str, str]]:
    return [(value, label) for value, label, active in _items() if active]


def kind_labels() -> dict[str, str]:
    return {value: label for value, label, _active in _items()}


def kind_values() -> list[str]:
    return [value for value, _label in kind_choices()]
