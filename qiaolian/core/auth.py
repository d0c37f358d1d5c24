"""Authentication: log in by username, phone or email; password strength for staff."""

from __future__ import annotations

import string

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import ngettext

from qiaolian.core.models import User
from qiaolian.core.phones import normalize_phone


class UsernamePhoneEmailBackend(ModelBackend):
    """Accepts a username, a mobile number (any common format) or an email address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = find_login_user(username)
        if user is None:
            # Run the hasher anyway so timing does not reveal which logins exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def find_login_user(login: str) -> User | None:
    """The one user a login name (username in any case, phone in any format, email) names."""
    # The same NFKC normalisation as stored usernames: a full-width name logs in too.
    login = User.normalize_username((login or "").strip())
    if not login:
        return None
    condition = Q(username__iexact=login) | Q(email__iexact=login)
    phone = normalize_phone(login)
    if phone:
        condition |= Q(phone=phone)
    candidates = list(User.objects.filter(condition)[:2])
    return candidates[0] if len(candidates) == 1 else None


def lockout_username(request, credentials) -> str:
    """What axes counts failures against: the account, not the spelling typed.

    `Zhang`, `zhang`, `138 0000 1234` and `+8613800001234` all lock the same account; an
    unknown login is counted as typed (lower-cased) so guessing still locks.
    """
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    user = find_login_user(typed)
    return user.username.lower() if user else typed.strip().lower()


class CharacterClassesValidator:
    """At least `min_classes` of: lower case, upper case, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isascii() or not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(n)d kind of character: lower case, upper case, digits, symbols.",
            "Use at least %(n)d kinds of characters: lower case, upper case, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}
