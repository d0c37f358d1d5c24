"""Request plumbing: audit context, the active unit, session limits, second factor."""

import functools
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from qiaolian.core import audit, denials
from qiaolian.core.api_kit import error_body
from qiaolian.core.models import Unit, UnitRole
from qiaolian.core.selectors import switchable_units
from qiaolian.core.validation import control_character_message, has_control_characters

logger = logging.getLogger(__name__)


class RequestContextMiddleware:
    """Binds IP and browser for audit rows, and resolves the unit picked in the header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.bind_request(request)
        try:
            request.active_unit = _active_unit(request)
            return self.get_response(request)
        finally:
            audit.unbind_request(token)


class NoStoreMiddleware:
    """Nothing a logged-in user is shown (person pages, lists, exports, API answers) is kept by
    the browser's or a proxy's cache (issue 10, finding 10): `Cache-Control: no-store` unless
    the view set its own. Pages for anonymous visitors (login, public news) are untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


class DeniedAccessMiddleware:
    """Writes the audit row of a refused object request (403 / scoping's 404; core/denials.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404):
            try:
                denials.note_refusal(request, response.status_code)
            except Exception:
                # The refusal stands; failing to log it must not turn it into a 500.
                logger.exception("could not audit a refused request")
        return response


def _active_unit(request):
    public_id = request.session.get("active_unit") if hasattr(request, "session") else None
    if not public_id or not request.user.is_authenticated:
        return None
    # Only a unit where the user still holds a grant (or lies below one) can be active.
    unit = Unit.objects.filter(public_id=public_id, is_active=True).first()
    if unit is None or not _reaches(request.user, unit):
        request.session.pop("active_unit", None)
        return None
    return unit


def _reaches(user, unit) -> bool:
    # The header switcher's units (cached on the user for the request): one query, not two.
    return user.is_superuser or any(
        unit.path.startswith(granted.path) for granted in switchable_units(user=user)
    )


class SessionLimitsMiddleware:
    """30 minutes idle and 12 hours absolute, whatever the cookie says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("auth_started", now)
            last_seen = session.get("last_seen", now)
            reason = ""
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                reason = "idle"
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                reason = "absolute"
            if reason:
                request.logout_reason = reason
                logout(request)
                messages.warning(request, _("Your session expired. Please log in again."))
                return redirect(f"{reverse('core:login')}?next={request.path}")
            # At most once a minute: a session write on every request would only make
            # overlapping saves more likely (they are merged key by key, core/sessions.py).
            if now - last_seen >= 60:
                session["last_seen"] = now
        return self.get_response(request)


OTP_EXEMPT_PREFIXES = ("/account/otp/", "/account/logout/", "/static/", "/i18n/", "/healthz")


class SecondFactorMiddleware:
    """Users holding a role that requires a second factor must verify a TOTP device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OTP_EXEMPT_PREFIXES)
            and not _bearer_api_call(request)
            and not user.is_verified()
            and requires_second_factor(user)
        ):
            # The API's docs and schema too (issue 10, finding 10): they are pages of the
            # logged-in session, not calls authenticated by a token.
            return redirect(f"{reverse('core:otp_verify')}?next={request.path}")
        return self.get_response(request)


def _bearer_api_call(request) -> bool:
    """An API call carrying its own token: the token authenticates it, not the session."""
    return request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith(
        "Bearer "
    )


def requires_second_factor(user) -> bool:
    cached = getattr(user, "_requires_otp", None)
    if cached is None:
        cached = UnitRole.objects.filter(user=user, role__requires_otp=True).exists()
        user._requires_otp = cached
    return cached


class ControlCharacterMiddleware:
    """Refuses a JSON body that carries NUL or another control character in any string, with
    422 in the API's error shape naming the field. One place for every API operation (names,
    notes, case comments, e-mail …): PostgreSQL cannot store NUL, and the forms refuse it
    already. The services check the same again (`core.validation`) for the pages and imports."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == (
            "application/json"
        ):
            field = _control_character_field(request.body, operation_field_names(request))
            if field is not None:
                message = control_character_message()
                body = error_body("invalid", _("Some fields are invalid."), {field: [message]})
                return JsonResponse(body, status=422)
        return self.get_response(request)


@functools.cache
def api_field_names() -> frozenset[str]:
    """Every field name of the API's input and output schemas (ninja `Schema` subclasses):
    a key outside them is unknown to every operation, which ignores it."""
    from ninja import Schema

    names: set[str] = set()
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        names.update(getattr(cls, "model_fields", {}))
    return frozenset(names)


def _property_names(schema: Any) -> set[str]:
    """Every property name anywhere in a JSON schema (nested objects and `$defs` included)."""
    names: set[str] = set()
    if isinstance(schema, dict):
        names.update(schema.get("properties", {}))
        for value in schema.values():
            names |= _property_names(value)
    elif isinstance(schema, list):
        for value in schema:
            names |= _property_names(value)
    return names


@functools.lru_cache(maxsize=1024)
def _operation_fields(route: str, method: str, path_view: Any) -> frozenset[str] | None:
    for operation in getattr(path_view, "operations", ()):
        if method in operation.methods:
            names: set[str] = set()
            for model in operation.models:
                names |= _property_names(model.model_json_schema())
            return frozenset(names)
    return None


def operation_field_names(request) -> frozenset[str]:
    """The field names of the operation this request reaches: a key another operation declares
    is one this operation ignores (found by the fuzz: `industry` sent to the tomb order). Any
    field of the API when the path is no operation's."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return api_field_names()
    cells = getattr(match.func, "__closure__", None) or ()
    for cell in cells:
        contents = cell.cell_contents
        if hasattr(contents, "operations"):  # ninja's PathView
            found = _operation_fields(match.route, request.method, contents)
            if found is not None:
                return found
    return api_field_names()


def _control_character_field(body: bytes, fields: frozenset[str] | None = None) -> str | None:
    """The dotted name of the first string in a JSON body that holds a control character,
    among the keys in `fields` (by default every field of the API)."""
    known = api_field_names() if fields is None else fields
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return None  # not JSON: the API answers that itself

    def walk(value, path: str) -> str | None:
        if isinstance(value, str):
            return path if has_control_characters(value) else None
        if not isinstance(value, dict | list):
            return None
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and key not in known:
                continue  # not a field of this operation: the API ignores it, so does this
            # A list item is named by its list ("phones", not "phones.0"), as the API does.
            name = path if isinstance(key, int) else (f"{path}.{key}" if path else key)
            found = walk(item, name)
            if found is not None:
                return found
        return None

    return walk(data, "")
