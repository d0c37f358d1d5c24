"""Chinese names: pinyin and initials for search, with surname readings done right.

pypinyin reads characters by their most common reading, which is wrong for many surnames
(单 is Shan, not Dan; 曾 Zeng, not Ceng; 区 Ou, not Qu). Surnames are read from the table of
surname readings below first; given names use pypinyin's phrase-aware default.
"""

from __future__ import annotations

from pypinyin import lazy_pinyin

from qiaolian.people.search.hanzi import is_han, simplified

# Surnames whose surname reading differs from the character's everyday reading.
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "区": "ou",
    "解": "xie",
    "仇": "qiu",
    "查": "zha",
    "乐": "yue",
    "朴": "piao",
    "盖": "ge",
    "覃": "qin",
    "秘": "bi",
    "繁": "po",
    "尉": "yu",
    "种": "chong",
    "缪": "miao",
    "翟": "zhai",
    "召": "shao",
    "员": "yun",
    "隗": "wei",
    "句": "gou",
    "重": "chong",
    "柏": "bai",
    "牟": "mou",
    "祭": "zhai",
    "能": "nai",
    "折": "she",
    "藏": "zang",
    "过": "guo",
    "贲": "ben",
    "冼": "xian",
    "洗": "xian",
    "黑": "he",
    "厍": "she",
    "逄": "pang",
    "郇": "huan",
    "蕃": "pi",
    "薄": "bo",
    "炅": "gui",
    "长": "chang",
    "都": "du",
    "万": "wan",
    "沈": "shen",
    "尉迟": "yu chi",
    "万俟": "mo qi",
    "长孙": "zhang sun",
    "澹台": "tan tai",
}

# Compound surnames split before reading (欧阳娜娜 → 欧阳 + 娜娜).
COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "令狐",
    "端木",
    "独孤",
    "南宫",
    "西门",
    "百里",
    "万俟",
    "澹台",
}


def split_full_name(full: str) -> tuple[str, str]:
    """`张伟` → (`张`, `伟`); `欧阳娜娜` → (`欧阳`, `娜娜`); Latin names stay whole as surname."""
    full = "".join((full or "").split())
    if not full:
        return "", ""
    if not is_han(full[0]):
        return full, ""
    if full[:2] in COMPOUND_SURNAMES:
        return full[:2], full[2:]
    return full[:1], full[1:]


def surname_syllables(surname: str) -> list[str]:
    if not surname or not is_han(surname[0]):
        return [surname.lower()] if surname else []
    if surname in SURNAME_READINGS:
        return SURNAME_READINGS[surname].split()
    # 單 is read like 单 (Shan): the surname readings are keyed by simplified characters.
    folded = simplified(surname)
    if folded in SURNAME_READINGS:
        return SURNAME_READINGS[folded].split()
    return [
        SURNAME_READINGS.get(plain) or lazy_pinyin(char)[0]
        for char, plain in zip(surname, folded, strict=True)
    ]


def given_syllables(given: str) -> list[str]:
    if not given:
        return []
    return [s.lower() for s in lazy_pinyin(given, errors="ignore") if s.strip()]


def name_pinyin(surname: str, given: str) -> tuple[str, str]:
    """(`zhang wei`, `zw`) — lower case, syllables space-separated, and the initials."""
    syllables = [s for s in surname_syllables(surname) + given_syllables(given) if s]
    return " ".join(syllables), "".join(s[0] for s in syllables if s)
