"""Views counted honestly: once per visitor per article per day, never for known robots,
without keeping an address in clear and without a write per request to the article row.

A visitor is a keyed hash (HMAC with a key derived from SECRET_KEY) of the address, the browser
and the day: it is kept in the shared cache for two days and never written to the database.
A first view of the day adds one to the article's pending counter in the shared cache; the
periodic task `flush_views` moves pending counts into `ArticleView` (one row per article and
day). The total shown is the imported count + the flushed counts + what is still pending.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from qiaolian.core.audit import client_ip
from qiaolian.news.cache import shared

SEEN_SECONDS = 2 * 24 * 3600
BOTS = re.compile(
    r"bot|crawl|spider|slurp|bingpreview|facebookexternalhit|curl|wget|python-requests|"
    r"httpclient|scrapy|go-http-client|java/|okhttp|headless(?!chrome)|monitor|preview",
    re.IGNORECASE,
)


def _key() -> bytes:
    return hashlib.sha256(b"qiaolian.news.views|" + settings.SECRET_KEY.encode()).digest()


def visitor_digest(*, ip: str, user_agent: str, day: date, article_id: int) -> str:
    message = f"{ip}|{user_agent}|{day.isoformat()}|{article_id}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOTS.search(user_agent))


def pending_key(article_id: int, day: date) -> str:
    return f"news:pending:{article_id}:{day.isoformat()}"


def counted_key(article_id: int) -> str:
    return f"news:counted:{article_id}"


def count_view(request, article_id: int) -> bool:
    """Count this request's view of the article if it is the visitor's first today."""
    user_agent = request.headers.get("User-Agent", "")[:300]
    if request.method != "GET" or is_bot(user_agent):
        return False
    day = timezone.localdate()
    digest = visitor_digest(
        ip=client_ip(request) or "", user_agent=user_agent, day=day, article_id=article_id
    )
    seen = f"news:seen:{digest}"
    local = caches["default"]
    if local.get(seen):  # this process saw the visitor already: spare the shared cache
        return False
    cache = shared()
    first = cache.add(seen, 1, timeout=SEEN_SECONDS)
    local.set(seen, 1, timeout=SEEN_SECONDS)
    if not first:
        return False
    key = pending_key(article_id, day)
    cache.add(key, 0, timeout=SEEN_SECONDS * 2)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=SEEN_SECONDS * 2)
    return True


def _days() -> list[date]:
    today = timezone.localdate()
    return [today, today - timedelta(days=1)]


def _flushed(article_id: int) -> int:
    from qiaolian.news.models import ArticleView

    value = ArticleView.objects.filter(article_id=article_id).aggregate(n=Sum("count"))["n"] or 0
    shared().set(counted_key(article_id), value, timeout=3600)
    return value


def total_views(article_id: int, imported: int) -> int:
    """Imported + flushed + pending: one read of the shared cache when it knows the flushed
    count (it keeps it for an hour, and the flush drops it)."""
    keys = [pending_key(article_id, day) for day in _days()]
    found = shared().get_many([*keys, counted_key(article_id)])
    counted = found.get(counted_key(article_id))
    if counted is None:
        counted = _flushed(article_id)
    return imported + int(counted) + sum(int(found.get(key) or 0) for key in keys)


def flush_views(article_ids=None) -> int:
    """Move pending counts into ArticleView rows; returns how many views were moved."""
    from qiaolian.news.models import Article, ArticleView

    cache = shared()
    if article_ids is None:
        article_ids = list(
            Article.objects.filter(publish_at__isnull=False).values_list("pk", flat=True)
        )
    moved = 0
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start : start + 500]
        keys = {pending_key(pk, day): (pk, day) for pk in chunk for day in _days()}
        for key, value in cache.get_many(list(keys)).items():
            count = int(value)
            if count <= 0:
                continue
            pk, day = keys[key]
            cache.decr(key, count)
            with transaction.atomic():
                row, _created = ArticleView.objects.get_or_create(article_id=pk, day=day)
                ArticleView.objects.filter(pk=row.pk).update(count=F("count") + count)
            cache.delete(counted_key(pk))
            moved += count
    return moved
