"""Private links, once for every app: a random token opens one record for one purpose, without
a login, until it expires or is revoked.

- `private_link_create(*, actor, target, purpose, expires_in)` returns the link and its token in
  clear, the only time the token exists: only its digest is stored (`core.crypto`).
- `private_link_resolve(token, purpose, request=...)` is what a public view calls: it counts
  the request against the per-address budget shared by every public page (`core.throttle`,
  `PUBLIC_LINK_RATE` a minute, in the shared cache), then finds the link and checks it. It
  raises `LinkNotFound` (answer 404), `LinkRevoked` or `LinkExpired` (both `LinkGone`: 410, or
  404 where the page should not confirm the link ever existed) or `LinkRateLimited` (429).
  Every successful resolve counts a use and stamps the time.
- `private_link_revoke`, `private_link_extend` for staff; `active_link_for(target, purpose)`.

The token is the authorisation: resolving reads outside `restrict()` on purpose. Everything a
public page then shows must come from the resolved link's target, never from the request.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from qiaolian.core import audit
from qiaolian.core.crypto import secret_digest
from qiaolian.core.models import PrivateLink
from qiaolian.core.scoping import Action, model_domain, qualify, require_unit
from qiaolian.core.throttle import allow

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100
THROTTLE_SCOPE = "public-links"  # one budget with PublicRateLimitMixin: spreading pages is no help


class LinkNotFound(Exception):
    """No link has this token (or it opens something for another purpose)."""


class LinkGone(Exception):
    """The link existed but no longer opens its record."""

    reason = "gone"

    def __init__(self, link: PrivateLink):
        super().__init__(self.reason)
        self.link = link


class LinkExpired(LinkGone):
    reason = "expired"


class LinkRevoked(LinkGone):
    reason = "revoked"


class LinkRateLimited(Exception):
    """The client's address spent its budget of public requests for this minute."""


def _links_of(target: models.Model, purpose: str):
    kind = ContentType.objects.get_for_model(target, for_concrete_model=False)
    # scoping: exempt, the caller has already checked the target (or is the system)
    return PrivateLink.objects.filter(target_type=kind, target_id=target.pk, purpose=purpose)


@transaction.atomic
def private_link_create(
    *,
    actor: Any,
    target: models.Model,
    purpose: str,
    expires_in: timedelta,
    unit: Any = None,
    replace: bool = True,
    audit_action: str | None = "private_link.create",
) -> tuple[PrivateLink, str]:
    """A new link to `target`; returns `(link, token)`. `actor` None is the system (a survey
    sent when a case is resolved); otherwise the actor must hold CHANGE on the record's unit.
    `replace` revokes the earlier links of the same target and purpose (one live link each).
    `audit_action` None leaves the audit row to a caller that writes a richer one."""
    unit = unit if unit is not None else getattr(target, "unit", None)
    if actor is not None:
        # CHANGE in the target's own domain ("hotline.change" for a case's survey link).
        require_unit(actor, qualify(Action.CHANGE, model_domain(type(target))), unit)
    now = timezone.now()
    if replace:
        _links_of(target, purpose).filter(revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = PrivateLink.objects.create(
        purpose=purpose,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        unit=unit,
        digest=secret_digest(token),
        created_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=now + expires_in,
    )
    if audit_action:
        audit.record(
            actor=actor,
            action=audit_action,
            obj=target,
            unit=unit,
            changes={"expires_at": [None, link.expires_at.isoformat()]},
            message=purpose,
        )
    return link, token


@transaction.atomic
def _change_of(link: PrivateLink) -> str:
    """CHANGE in the domain of the link's target (its model's app, or its `scope_domain`)."""
    model = link.target_type.model_class()
    return qualify(Action.CHANGE, model_domain(model) if model else link.target_type.app_label)


def private_link_revoke(
    *, actor: Any, link: PrivateLink, audit_action: str | None = "private_link.revoke"
) -> PrivateLink:
    """The link stops working at once (a second revoke changes nothing)."""
    if actor is not None:
        require_unit(actor, _change_of(link), link.unit)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        if audit_action:
            audit.record(
                actor=actor,
                action=audit_action,
                obj=link.target,
                unit=link.unit,
                message=link.purpose,
            )
    return link


@transaction.atomic
def private_link_extend(
    *,
    actor: Any,
    link: PrivateLink,
    expires_in: timedelta,
    audit_action: str | None = "private_link.extend",
) -> PrivateLink:
    """Change how long the link stays valid, counted from now."""
    if actor is not None:
        require_unit(actor, _change_of(link), link.unit)
    before = link.expires_at
    link.expires_at = timezone.now() + expires_in
    link.save(update_fields=["expires_at"])
    if audit_action:
        audit.record(
            actor=actor,
            action=audit_action,
            obj=link.target,
            unit=link.unit,
            changes={"expires_at": [before.isoformat(), link.expires_at.isoformat()]},
        )
    return link


def active_link_for(target: models.Model, purpose: str) -> PrivateLink | None:
    """The live (not revoked) link of `target` for `purpose`, expired or not."""
    return _links_of(target, purpose).filter(revoked_at__isnull=True).order_by("-pk").first()


def within_budget(request: Any) -> bool:
    """Count this request against the address's budget of public requests; False once spent.
    A request the view already counted (`PublicRateLimitMixin`) is not counted twice."""
    if getattr(request, "public_rate_counted", False):
        return True
    limit = settings.PUBLIC_LINK_RATE
    request.public_rate_counted = True
    return not limit or allow(request, THROTTLE_SCOPE, limit)


def private_link_resolve(
    token: str,
    purpose: str,
    *,
    request: Any = None,
    now: datetime | None = None,
    count: bool = True,
) -> PrivateLink:
    """The link `token` opens for `purpose` (`link.target` loads the record); raises
    LinkRateLimited, LinkNotFound, LinkRevoked or LinkExpired. A resolve counts one use."""
    if request is not None and not within_budget(request):
        raise LinkRateLimited
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkNotFound
    digest = secret_digest(token)
    # scoping: exempt, the token is the authorisation
    link = PrivateLink.objects.filter(digest=digest, purpose=purpose).first()
    if link is None:
        raise LinkNotFound
    if link.revoked_at is not None:
        raise LinkRevoked(link)
    moment = now or timezone.now()
    if link.expires_at <= moment:
        raise LinkExpired(link)
    if count:
        PrivateLink.objects.filter(pk=link.pk).update(  # scoping: exempt, token
            use_count=F("use_count") + 1, last_used_at=timezone.now()
        )
    return link
