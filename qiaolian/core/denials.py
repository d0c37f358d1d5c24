"""The audit of refused access (issue 10, finding 5).

A logged-in user who is refused a specific object — 403, or the 404 that scoping answers for
a record outside their subtrees (indistinguishable, on purpose, from one that does not exist) —
leaves a `denied` row in the operation log: actor, address, the object named in the URL and
whether it was a read or a write. Pages and API alike: `DeniedAccessMiddleware` looks at the
answer, so no view can forget it.

A sweep must not flood the log: per user, the first `DENIED_AUDIT_PER_MINUTE` refusals of a
minute are written one by one; after that the refusals are only counted (in the shared cache,
so every web process counts together), and a burst row is written each time the count doubles
(2×, 4×, 8× the limit …), carrying the count so far. A sweep of thousands of requests in a
minute thus writes the limit plus a handful of rows, and the burst is plain on the log page.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches

from qiaolian.core import audit
from qiaolian.core.models import AuditEvent

WINDOW_SECONDS = 60
DENIED = "access.denied"
BURST = "access.denied_burst"
# URL arguments that are secrets (private links, password reset): never written in full.
SECRET_KWARGS = {"token", "uidb64", "key"}


def shared_cache():
    """Redis when configured, the database cache otherwise: shared by every web process."""
    return caches["shared"]


def _count(user_pk: int) -> int:
    cache = shared_cache()
    slot = int(time.time() // WINDOW_SECONDS)
    key = f"denied:{user_pk}:{slot}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        return 1


def _object_reference(request) -> tuple[str, str, str] | None:
    """(object type, object id, path) of the object the URL names, or None when it names
    none. Secret URL arguments (private-link tokens) are cut short in both id and path."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.kwargs:
        return None
    view_class = getattr(match.func, "view_class", None)
    model = getattr(view_class, "model", None) or getattr(
        getattr(view_class, "queryset", None), "model", None
    )
    object_type = model._meta.label_lower if model is not None else match.view_name[:60]
    path = request.path
    for name, value in match.kwargs.items():
        if name in SECRET_KWARGS:
            path = path.replace(str(value), str(value)[:6] + "…")
    name, value = next(iter(match.kwargs.items()))
    value = str(value)
    if name in SECRET_KWARGS:
        value = value[:6] + "…"
    return object_type, value[:64], path


def note_refusal(request, status: int) -> AuditEvent | None:
    """Write the `denied` row for a refused request, within the per-user budget."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    reference = _object_reference(request)
    if reference is None and status == 404:
        return None  # an unknown address, not a refused object
    object_type, object_id, path = reference or ("", "", request.path)
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    limit = settings.DENIED_AUDIT_PER_MINUTE
    count = _count(user.pk)
    where = f"{status} {request.method}"
    common = {
        "actor": user,
        "unit": getattr(user, "home_unit", None),
        "outcome": AuditEvent.Outcome.DENIED,
        "message": where,
        # The path names the object readably (the record itself must not be read).
        "object_ref": (object_type, object_id, path),
    }
    if count <= limit:
        return audit.record(
            action=DENIED, changes={"access": [None, "write" if write else "read"]}, **common
        )
    times = count // limit
    if count % limit == 0 and times & (times - 1) == 0:
        # 2×, 4×, 8× … the limit: one row that says how many so far.
        return audit.record(action=BURST, changes={"count": [None, count]}, **common)
    return None
