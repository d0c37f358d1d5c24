"""Passport spellings of common surnames in the dialects of the diaspora.

Overseas Chinese from Guangdong, Fujian and Hainan, and those registered in Hong Kong, Taiwan,
Singapore or Malaysia, carry Cantonese, Hokkien, Teochew, Hakka or Wade-Giles spellings of their
surname (黄 Wong / Ng / Ooi, 陈 Chan / Tan, 林 Lam / Lim …). When a record has no romanised
name, these let a search for the passport spelling still find the person, ranked below people
whose record carries that spelling. Only whole surnames are listed: given names have too many
readings to guess.
"""

from __future__ import annotations

SURNAME_SPELLINGS: dict[str, tuple[str, ...]] = {
    "陈": ("chan", "tan", "chin", "chen"),
    "林": ("lam", "lim", "lin"),
    "黄": ("wong", "ng", "ooi", "oei", "hwang"),
    "吴": ("ng", "goh", "gouw", "woo"),
    "李": ("lee", "lei", "lie"),
    "张": ("cheung", "chang", "teo", "chong"),
    "刘": ("lau", "liew", "lew"),
    "杨": ("yeung", "yeo", "yong"),
    "王": ("wong", "ong", "heng"),
    "郑": ("cheng", "tay", "teh", "chang"),
    "周": ("chow", "chew", "chau", "chou"),
    "徐": ("tsui", "chui", "hsu", "chee"),
    "何": ("ho", "hoh"),
    "胡": ("woo", "oh", "hoo"),
    "郭": ("kwok", "kuo", "quek", "kok"),
    "梁": ("leung", "neo", "nio", "liong"),
    "谢": ("tse", "chia", "hsieh", "cheah"),
    "罗": ("law", "lo", "loh", "lor"),
    "叶": ("yip", "yeh", "yap", "iap"),
    "邓": ("tang", "teng"),
    "许": ("hui", "koh", "khoo", "hsu"),
    "蔡": ("choi", "tsoi", "chua", "tsai", "choy"),
    "曾": ("tsang", "tseng", "chan"),
    "赵": ("chiu", "chao", "chew"),
    "孙": ("suen", "soon"),
    "朱": ("chu", "choo", "chue"),
    "高": ("ko", "kao", "koh"),
    "潘": ("poon", "phua", "phoon"),
    "冯": ("fung", "foong", "fong"),
    "钟": ("chung", "chong"),
    "卢": ("lo", "lou", "loo", "lu"),
    "彭": ("pang", "phang", "pong"),
    "苏": ("so", "soh", "soo"),
    "莫": ("mok", "mo"),
    "伍": ("ng", "wu"),
    "邱": ("yau", "khoo", "chiu", "hiew"),
    "丘": ("yau", "khoo", "hiew"),
    "关": ("kwan", "kuan"),
    "区": ("au", "ou"),
    "麦": ("mak", "mai"),
    "温": ("wan", "woon", "voon"),
    "戴": ("tai", "tay"),
    "余": ("yu", "yue", "yee", "seah"),
    "江": ("kong", "kang", "chiang"),
    "蒋": ("cheung", "chiang", "chiong"),
    "萧": ("siu", "siew", "hsiao"),
    "欧阳": ("auyeung", "owyang", "auyang"),
    "司徒": ("szeto", "seto"),
    "上官": ("sheungkwun",),
    "诸葛": ("chukot",),
}
