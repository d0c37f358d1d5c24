"""Chinese characters: which characters are Chinese, and their simplified forms. Used by
the name rules (people/names.py) and by the search tokens (tokens.py)."""

from __future__ import annotations

import functools


def is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


HAN_RANGE = range(0x3400, 0xA000)  # what `is_han` counts as Chinese


@functools.cache
def _simplified_table() -> dict[int, str]:
    """Traditional → simplified for every Chinese character that has a simplified form, from
    OpenCC's own `t2s` tables (not a list of our own); built once per process (a fraction of
    a second: 27,000 characters)."""
    import opencc

    converter = opencc.OpenCC("t2s")
    table = {}
    for code in HAN_RANGE:
        folded = converter.convert(chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table


def simplified(text: str) -> str:
    """張偉 → 张伟, one character for one, so every substring of a name keeps its place.

    Character by character rather than OpenCC's phrase conversion: names are not phrases,
    and the index needs the same folding for a name and for any fragment of it."""
    return text.translate(_simplified_table())
