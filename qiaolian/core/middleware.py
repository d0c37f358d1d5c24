"""Request plumbing: audit context, the active unit, session limits, second factor."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.models import Unit, UnitRole
from qiaolian.core.selectors import switchable_units


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
            if now - last_seen > 30:  # avoid a session write on every request
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
            and not request.path.startswith("/api/")
            and not user.is_verified()
            and requires_second_factor(user)
        ):
            return redirect(f"{reverse('core:otp_verify')}?next={request.path}")
        return self.get_response(request)


def requires_second_factor(user) -> bool:
    cached = getattr(user, "_requires_otp", None)
    if cached is None:
        cached = UnitRole.objects.filter(user=user, role__requires_otp=True).exists()
        user._requires_otp = cached
    return cached
