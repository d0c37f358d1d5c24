"""Authentication events are only announced by signals (Django, axes), so the login log
listens here. Domain writes never use signals: services write their own audit rows."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from qiaolian.core.audit import record_login
from qiaolian.core.models import LoginEvent, User


def _on_login(sender, request, user, **kwargs):
    record_login(
        request=request, username=user.get_username(), user=user, outcome=LoginEvent.Outcome.SUCCESS
    )


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "logout_reason", "")
        outcome = LoginEvent.Outcome.EXPIRED if reason else LoginEvent.Outcome.LOGOUT
        record_login(
            request=request, username=user.get_username(), user=user, outcome=outcome, reason=reason
        )


def _on_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    record_login(
        request=request,
        username=username,
        user=_known_user(username),
        outcome=LoginEvent.Outcome.FAILURE,
    )


def _on_locked(sender, request, username, ip_address, **kwargs):
    record_login(
        request=request,
        username=username or "",
        user=_known_user(username),
        outcome=LoginEvent.Outcome.LOCKED,
    )


def _known_user(username: str | None):
    if not username:
        return None
    return User.objects.filter(username__iexact=username).select_related("home_unit").first()


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="qiaolian_login")
    user_logged_out.connect(_on_logout, dispatch_uid="qiaolian_logout")
    user_login_failed.connect(_on_failure, dispatch_uid="qiaolian_login_failed")
    user_locked_out.connect(_on_locked, dispatch_uid="qiaolian_locked_out")
