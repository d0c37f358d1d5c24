"""The public pages' cache and its invalidation.

Rendered public pages live in the default cache under keys that carry a generation number;
every write that can change what the public sees (an article saved, published, unpublished, a
category changed) moves the generation on, so all older pages are dropped at once. The
generation lives in the shared cache, which every web process reads. A page also expires at
the next scheduled publish or unpublish time, so a scheduled article appears on time.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

PAGE_SECONDS = 300
GENERATION_KEY = "news:generation"


def enabled() -> bool:
    """The page cache is on unless NEWS_PAGE_CACHE = False (the benchmark's baseline)."""
    return bool(getattr(settings, "NEWS_PAGE_CACHE", True))


def shared():
    return caches["shared"]


GENERATION_MEMO_SECONDS = 1.0
_memo: dict[str, float] = {"value": 0, "until": 0.0}


def generation() -> int:
    """The current generation, read from the shared cache at most once a second per process:
    a page may outlive a change by that second in a process that read the generation just
    before it (the process that made the change starts over at once)."""
    now = time.monotonic()
    if now < _memo["until"]:
        return int(_memo["value"])
    value = shared().get(GENERATION_KEY)
    if value is None:
        value = time.time_ns()
        shared().add(GENERATION_KEY, value, timeout=None)
        value = shared().get(GENERATION_KEY, value)
    _memo.update(value=int(value), until=now + GENERATION_MEMO_SECONDS)
    return int(value)


def bump() -> None:
    """Forget every cached public page: now, and again once the transaction commits (a page
    rendered in between from the old rows must not survive)."""

    def move_on() -> None:
        shared().set(GENERATION_KEY, time.time_ns(), timeout=None)
        _memo["until"] = 0.0

    move_on()
    transaction.on_commit(move_on)


def page_key(*parts: Any) -> str:
    raw = "|".join(str(p) for p in parts)
    return "news:page:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def seconds_to_next_change() -> int:
    """Seconds until the next scheduled publish or unpublish time (at most PAGE_SECONDS)."""
    from django.db.models import Min, Q

    from qiaolian.news.models import Article, Status

    now = timezone.now()
    upcoming = Article.objects.filter(status=Status.PUBLISHED).aggregate(
        publish=Min("publish_at", filter=Q(publish_at__gt=now)),
        unpublish=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
    )
    seconds = PAGE_SECONDS
    for moment in upcoming.values():
        if moment is not None:
            seconds = min(seconds, max(1, int((moment - now).total_seconds()) + 1))
    return seconds
