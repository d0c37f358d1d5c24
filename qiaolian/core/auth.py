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
        login = username.strip()
        condition = Q(username__iexact=login) | Q(email__iexact=login)
        phone = normalize_phone(login)
        if phone:
            condition |= Q(phone=phone)
        candidates = list(User.objects.filter(condition)[:2])
        if len(candidates) != 1:
            # Run the hasher anyway so timing does not reveal which logins exist.
            User().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


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
