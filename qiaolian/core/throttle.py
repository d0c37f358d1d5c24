"""A per-address request budget for the pages anyone may open without logging in (the
private links of tomb-sweeping proof and satisfaction surveys).

Fixed one-minute windows counted in the shared cache (Redis when configured, else a database
table; never one process's memory, so every web process shares the count). Over budget the
client gets a bilingual 429 and nothing else is read.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.shortcuts import render

from qiaolian.core.audit import client_ip
from qiaolian.core.denials import shared_cache

WINDOW_SECONDS = 60


def allow(request, scope: str, limit: int, window: int = WINDOW_SECONDS) -> bool:
    """Count this request against `scope` for the client's address; False once over `limit`."""
    cache = shared_cache()  # Redis, else the database: every web process counts together
    slot = int(time.time() // window)
    key = f"throttle:{scope}:{client_ip(request) or 'unknown'}:{slot}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit


class PublicRateLimitMixin:
    """For class-based views open to anyone: `PUBLIC_LINK_RATE` requests per minute per
    address across every such page (one scope, so spreading over pages does not help)."""

    throttle_scope = "public-links"

    def dispatch(self, request, *args, **kwargs):
        limit = settings.PUBLIC_LINK_RATE
        request.public_rate_counted = True  # private_link_resolve does not count it again
        if limit and not allow(request, self.throttle_scope, limit):
            response = render(request, "errors/429.html", status=429)
            response["Retry-After"] = str(WINDOW_SECONDS)
            response["Cache-Control"] = "no-store"
            return response
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
