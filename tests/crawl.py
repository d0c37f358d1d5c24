"""The language crawl: what a page says that it should not, in one language or the other.

`crawl()` visits, as one user and in one language, every page the navigation links to and,
from each page, the first links of every other kind of page (a list's detail pages, their
tabs), one or two per URL name; `problems()` reads a page's visible text (tags, scripts and
styles stripped; placeholders, titles and labels kept) and names what is wrong:

- English words on a Chinese page, Chinese characters on an English page, except what the
  database holds (people's and units' names, case texts: data is shown as it was entered) and a
  short allowlist (the brand, acronyms, language names);
- raw codes: snake_case tokens (`in_progress`), action codes (`case.sla_breach`), `a → b`
  between codes, ISO timestamps with microseconds or `+00:00`.

Data is read from every text column of every model, except columns with choices (their values
are codes and must be shown through their labels) and the audit tables (codes by design).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.db import models
from django.urls import Resolver404, resolve

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
SNAKE = re.compile(r"(?<![\w./@:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
ACTION_CODE = re.compile(r"(?<![\w./@:-])[a-z][a-z_]*\.[a-z][a-z_]*(?![\w./@-])")
ARROW_CODES = re.compile(r"\b[a-z][a-z_]+\s*→\s*[a-z][a-z_]+\b")
TIME_ZONE_CODE = re.compile(
    r"\b(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc"
    r"|US|Canada|Mexico|Brazil|Chile)"
    r"/[\w/+-]+|\bUTC\b(?![+-])"
)
# "紧急 / Urgent": a label that carries both languages instead of following the reader's.
BOTH_LANGUAGES = re.compile(r"[\u3400-\u9fff）)]\s+/\s+[A-Za-z]|[A-Za-z)]\s+/\s+[\u3400-\u9fff]")
RAW_TIMESTAMP = re.compile(r"\d{2}:\d{2}:\d{2}\.\d{3,6}|\d{2}:\d{2}(?::\d{2})?\+00:00")
URLISH = re.compile(
    r"\S+@\S+|https?://\S+|(?<!\S)/[\w./?=&%-]+|\b[\w-]+(?:\.[\w-]+)+\.(?:org|com|cn|net)\b"
)

# Words a Chinese page may show: the brand, technical acronyms people use as they are, units.
ENGLISH_ALLOWED = {
    "Qiaolian",
    "English",  # the language switcher names each language in itself
    "API",
    "CSV",
    "Excel",
    "xlsx",
    "ID",
    "IP",
    "OTP",
    "PDF",
    "QR",
    "SLA",
    "SMS",
    "UTC",
    "URL",
    "HTMX",
    "E",  # E.164
    "Token",
    "Bearer",
    "ql",
    "TOTP",
    "WeChat",
    "KB",
    "MB",
    "h",
    "min",
}
# Chinese an English page may show: the brand and the language switcher's own name.
CHINESE_ALLOWED = {"侨联通", "侨", "简体中文", "张伟"}  # 张伟: the example name of search hints
# Columns that hold codes, not words: a page must show them through labels.
CODE_COLUMNS = {
    # actor_name: a login name (also a User row) or "system", which a page must name in words.
    "AuditEvent": ("action", "actor_name", "object_type", "object_id", "ip", "user_agent"),
    "LoginEvent": ("ip", "user_agent"),
}
# Examples quoted in Chinese help texts (a search by pinyin, a file type, an app's name).
ENGLISH_ALLOWED |= {
    "zhangwei",
    "zw",
    "Wong",
    "Wai",
    "Ng",
    "Li",
    "Na",
    "settle",
    "Word",
    "WebP",
    "JPEG",
    "PNG",
    "MP4",
    "GBK",
    "UTF",
    "Microsoft",
    "Google",
    "Authenticator",
    "FreeOTP",
    "WhatsApp",
    "Telegram",
    "Line",
}
FILE_EXTENSION = re.compile(r"\.(?:xlsx|xls|csv|txt|pdf|docx?)\b")
ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
SKIPPED_TAGS = {"script", "style", "template", "svg", "noscript"}
# Pages that edit or compare both names of a bilingual record (its Chinese and English names).
BILINGUAL_PAGES = {
    f"{app}:{name}"
    for app, names in {
        "core": "unit_list unit_create unit_detail unit_edit unit_move dict_list dict_detail "
        "dict_item_create dict_item_edit calendar_list calendar_year calendar_day_create "
        "calendar_day_edit role_list role_create role_edit",
        "hotline": "answer_list answer_create answer_detail answer_edit",
        # The catalogue compares both names; a shipment's customs declaration is in both.
        "relief": "item_list shipment_detail",
    }.items()
    for name in names.split()
}
# Links a crawl must not follow: they change state, leave the site or download files.
SKIPPED_LINK = re.compile(
    r"^/(static|media|api|i18n|admin)/|logout|export=|/download|\.(csv|xlsx|pdf|png|zip)$|format="
)


VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Text(HTMLParser):
    """Visible text in chunks, each with the language its element declares (`lang`): a text
    marked as the other language (an answer's English title) is shown so on purpose."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.skipping = 0
        self.open: list[tuple[str, str]] = [("", "")]  # (tag, lang) of the open elements

    @property
    def lang(self) -> str:
        return self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        lang = attributes.get("lang") or self.lang
        if tag == "html":
            lang = ""  # the page's own language is the one under test
        for name in ATTRIBUTES:
            if attributes.get(name):
                self.chunks.append((attributes[name], lang))
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.chunks.append((attributes.get("value") or "", lang))
        if tag not in VOID_TAGS:
            self.open.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1
        for index in range(len(self.open) - 1, 0, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.chunks.append((data, self.lang))


def read(html: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The visible text chunks of a page (with their declared language) and its links."""
    parser = _Text()
    parser.feed(html)
    return parser.chunks, parser.links


@dataclass
class DataText:
    """What the database holds, as text: the words and Chinese runs a page may repeat.

    A record with both a Chinese and an English name (units, dictionary entries, answers,
    calendar days) must be shown in the reader's language: on a Chinese page its English name
    is no data, and on an English page its Chinese name neither, except on the pages that edit
    both (`bilingual=True`).
    """

    words: set[str] = field(default_factory=set)
    blob: str = ""
    words_zh: set[str] = field(default_factory=set)  # without the English twins
    blob_en: str = ""  # without the Chinese names that have an English twin

    @classmethod
    def load(cls) -> DataText:
        plain: list[str] = []
        english: list[str] = []
        twinned: list[str] = []
        for model in apps.get_models():
            if model._meta.app_label in {"admin", "contenttypes", "sessions", "axes"}:
                continue
            columns = {f.name for f in model._meta.concrete_fields}
            names = [
                f.attname
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField)
                and not f.choices
                and f.name not in CODE_COLUMNS.get(model.__name__, ())
            ]
            if not names:
                continue
            for row in model._base_manager.values_list(*names):
                values = dict(zip(names, row, strict=True))
                for name, value in values.items():
                    if not value:
                        continue
                    stem = name.removesuffix("_zh")
                    if name.endswith("_en") and (
                        name.removesuffix("_en") in columns or f"{name[:-3]}_zh" in columns
                    ):
                        english.append(value)
                    elif values.get(f"{stem}_en"):
                        twinned.append(value)
                    else:
                        plain.append(value)
        blob = "\n".join(plain + english + twinned)
        zh_blob = "\n".join(plain + twinned)
        return cls(
            words=set(WORD.findall(blob)) | set(SNAKE.findall(blob)),
            blob=blob,
            words_zh=set(WORD.findall(zh_blob)) | set(SNAKE.findall(zh_blob)),
            blob_en="\n".join(plain + english),
        )

    def has_words(self, text: str, bilingual: bool = True) -> bool:
        return text in (self.words if bilingual else self.words_zh)

    def has_run(self, run: str, bilingual: bool = True) -> bool:
        return run in (self.blob if bilingual else self.blob_en)


def problems(
    html: str,
    language: str,
    data: DataText,
    allowed: frozenset[str] = frozenset(),
    *,
    bilingual: bool = False,
) -> list[str]:
    chunks, _links = read(html)
    found: list[str] = []
    zones: list[str] = []  # a time-zone picker lists hundreds: one problem per page
    for chunk, lang in chunks:
        if lang and not lang.lower().startswith(language[:2]):
            continue  # marked as the other language on purpose
        text = " ".join(chunk.split())
        bare = FILE_EXTENSION.sub(" ", URLISH.sub(" ", text))
        where = f"in {text[:120]!r}"
        found.extend(
            f"raw code {token!r} {where}"
            for token in SNAKE.findall(bare)
            if not data.has_words(token, bilingual)
        )
        found.extend(f"action code {token!r} {where}" for token in ACTION_CODE.findall(bare))
        found.extend(f"codes with an arrow {match!r}" for match in ARROW_CODES.findall(bare))
        found.extend(f"raw timestamp {match!r} {where}" for match in RAW_TIMESTAMP.findall(bare))
        if BOTH_LANGUAGES.search(bare):
            found.append(f"both languages in one label {where}")
        if language != "en":
            zones.extend(TIME_ZONE_CODE.findall(bare))
        bare = TIME_ZONE_CODE.sub(" ", bare)
        if language == "en":
            # Chinese quoted in an English sentence or glossed in brackets is on purpose:
            # "Community leader (侨领)", "e.g. 张伟, zhangwei".
            quoted = len(WORD.findall(bare)) >= 4
            found.extend(
                f"Chinese {run!r} {where}"
                for run in CJK.findall(bare)
                if not (quoted or f"({run})" in bare or f"{run}…" in bare)
                and run not in CHINESE_ALLOWED | allowed
                and not data.has_run(run, bilingual)
            )
        else:
            found.extend(
                f"English {word!r} {where}"
                for word in WORD.findall(bare)
                if word not in ENGLISH_ALLOWED
                and word not in allowed
                and not data.has_words(word, bilingual)
                and not (word.isupper() and len(word) <= 4)  # acronyms and codes: HL, AB12
            )
    if zones:
        found.append(f"{len(zones)} time zone codes, e.g. {zones[0]!r}")
    return sorted(set(found))


def url_name(path: str) -> str | None:
    """The URL name of a project page; None for what is not one (the test-only apps too)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.func.__module__.startswith("tests."):
        return None
    return match.view_name


def local_links(page_path: str, links: Iterable[str]) -> list[str]:
    out = []
    for href in links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("#") or href.startswith("javascript"):
            continue
        path = parts.path or page_path
        if not path.startswith("/") or SKIPPED_LINK.search(href):
            continue
        out.append(path + (f"?{parts.query}" if parts.query else ""))
    return out


@dataclass
class Visit:
    path: str
    status: int
    problems: list[str]


def crawl(
    client,
    start: Iterable[str],
    data: DataText,
    language: str,
    *,
    allowed: frozenset[str] = frozenset(),
    per_name: int = 1,
    limit: int = 160,
) -> list[Visit]:
    """Visit `start` and what they link to, at most `per_name` pages per URL name (query
    strings are followed only from the start pages: a list's filters and pages)."""
    seen: set[str] = set()
    per: dict[str, int] = {}
    queue = list(start)
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        name = url_name(urlsplit(path).path)
        if name is None:
            continue
        if per.get(name, 0) >= per_name:
            continue
        per[name] = per.get(name, 0) + 1
        response = client.get(path, headers={"accept-language": language})
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            visits.append(Visit(path, response.status_code, []))
            continue
        html = response.content.decode()
        visits.append(
            Visit(
                path,
                200,
                problems(html, language, data, allowed, bilingual=name in BILINGUAL_PAGES),
            )
        )
        _chunks, links = read(html)
        queue.extend(link for link in local_links(path, links) if "?" not in link)
    return visits
