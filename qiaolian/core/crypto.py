"""Sensitive fields (PIPL): encrypted at rest, found by a blind index, masked when shown.

`EncryptedTextField` stores Fernet ciphertext (AES-128-CBC + HMAC) made with the first key of
FIELD_ENCRYPTION_KEY (comma-separated keys rotate: every key decrypts, the first encrypts).
`blind_index(value)` is an HMAC-SHA256 of the normalised value under a key derived from the
same secret, so exact lookups ("who has passport E12345678?") work without decrypting rows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def secret_digest(secret: str) -> str:
    """SHA-256 (hex) of a bearer secret — API tokens, private links — so that only the digest
    is stored and a leaked table gives no usable secret. The secrets are random (256 bits),
    so no salt or slow hash is needed."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@cache
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


@cache
def _index_key(keys: str) -> bytes:
    first = keys.split(",")[0].strip().encode()
    return hashlib.sha256(b"qiaolian-blind-index:" + base64.urlsafe_b64decode(first)).digest()


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a sensitive field: wrong FIELD_ENCRYPTION_KEY?") from exc


def normalise_identifier(value: str) -> str:
    """ID and passport numbers compare without spaces, dashes or letter case."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def blind_index(value: str) -> str:
    normalised = normalise_identifier(value)
    if not normalised:
        return ""
    key = _index_key(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str, keep_start: int = 3, keep_end: int = 2) -> str:
    """`E12345678` → `E12****78`; short values are masked whole."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class EncryptedTextField(models.TextField):
    """A text field whose database value is ciphertext; Python sees plain text."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)
