"""Writing the audit trail. Services call `record()` explicitly; nothing is signal-driven
except authentication events, which Django and axes only announce through signals."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from qiaolian.core.models import AuditEvent, LoginEvent, Unit


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    user_agent: str


_request_info: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "qiaolian_request_info", default=None
)


def client_ip(request) -> str | None:
    """The client address: the socket peer, or — behind TRUSTED_PROXY_COUNT proxies — the
    address the outermost trusted proxy saw (entries further left can be forged by clients)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies] or None
    return request.META.get("REMOTE_ADDR") or None


def bind_request(request) -> contextvars.Token:
    info = RequestInfo(client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:200])
    return _request_info.set(info)


def unbind_request(token: contextvars.Token) -> None:
    _request_info.reset(token)


def current_request_info() -> RequestInfo:
    return _request_info.get() or RequestInfo(None, "")


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool | dict):
        return value
    return str(value)  # e.g. django-countries' Country, Promise


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of `obj` as JSON-ready data, for before/after comparison."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def field_label(model: type[models.Model], name: str) -> str:
    """How a changed field is named to people: the field's verbose name; a name that is no
    field of `model` (a form-only value) is shown as it is."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))  # a reverse relation has none


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    unit: Unit | None = None,
    changes: dict[str, Any] | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    message: str = "",
    object_ref: tuple[str, str, str] | None = None,
) -> AuditEvent:
    """Append one operation to the audit log, inside the caller's transaction.

    `object_ref` (type, id, how to show it) names an object that is not at hand as an
    instance (a refused request names it only by the id in its URL)."""
    info = current_request_info()
    if unit is None and obj is not None:
        unit = obj if isinstance(obj, Unit) else getattr(obj, "unit", None)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    if object_ref is not None:
        object_type, object_id, object_repr = object_ref
    elif obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(getattr(obj, "public_id", None) or getattr(obj, "pk", "") or "")
        object_repr = str(obj)
    else:
        object_type = object_id = object_repr = ""
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_name=actor_obj.get_username() if actor_obj else "system",
        action=action,
        object_type=object_type[:60],
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        unit=unit,
        outcome=outcome,
        changes=changes or {},
        message=message,
        ip=info.ip,
        user_agent=info.user_agent,
    )


def record_login(*, request, username: str, outcome: str, user=None, reason: str = "") -> None:
    ip = client_ip(request) if request is not None else current_request_info().ip
    agent = request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""
    LoginEvent.objects.create(
        user=user,
        username=(username or "")[:150],
        outcome=outcome,
        reason=reason[:200],
        unit=getattr(user, "home_unit", None),
        ip=ip,
        user_agent=agent,
    )
