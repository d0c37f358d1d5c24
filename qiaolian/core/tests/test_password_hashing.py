"""Passwords are hashed with Argon2id at no less than OWASP's minimum (issue 10, finding 13);
a PBKDF2 hash from before the switch still logs in and is replaced by an Argon2id one."""

import importlib

from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password
from django.test import TestCase, override_settings
from django.urls import reverse

from qiaolian.core import hashers
from qiaolian.core.hashers import QiaolianArgon2PasswordHasher
from qiaolian.core.testing.factories import TEST_PASSWORD, UserFactory

PRODUCTION_HASHERS = [
    "qiaolian.core.hashers.QiaolianArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_production_settings_put_argon2id_first_and_keep_pbkdf2():
    # conftest.py narrows the hashers to MD5 for speed; read the project's own list.
    settings_module = importlib.import_module("qiaolian.settings")
    assert settings_module.PASSWORD_HASHERS == PRODUCTION_HASHERS


def test_the_hasher_meets_owasps_minimum_for_argon2id():
    # OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB (19456 KiB), t=2, p=1.
    hasher = QiaolianArgon2PasswordHasher()
    assert hashers.OWASP_MIN_MEMORY_KIB == 19 * 1024
    assert hasher.memory_cost >= 19 * 1024
    assert hasher.time_cost >= 2
    assert hasher.parallelism >= 1
    encoded = hasher.encode(TEST_PASSWORD, hasher.salt())
    # The stored hash itself names the variant and the parameters it was made with.
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify(TEST_PASSWORD, encoded)
    assert not hasher.verify("wrong-" + TEST_PASSWORD, encoded)


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
class PasswordUpgradeTests(TestCase):
    def test_a_pbkdf2_hash_becomes_argon2id_at_login(self):
        user = UserFactory(username="old.hash")
        user.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])

        response = self.client.post(
            reverse("core:login"), {"username": "old.hash", "password": TEST_PASSWORD}
        )

        self.assertRedirects(response, reverse("core:dashboard"), fetch_redirect_response=False)
        user.refresh_from_db()
        assert identify_hasher(user.password).algorithm == "argon2"
        assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert user.check_password(TEST_PASSWORD)

    def test_a_hash_with_djangos_heavier_defaults_is_rehashed_to_ours(self):
        # Django's own Argon2 class (100 MiB, 8 lanes) shares the algorithm name; must_update
        # brings such a hash to this project's parameters at the next login.
        user = UserFactory(username="heavy.hash")
        user.password = Argon2PasswordHasher().encode(TEST_PASSWORD, "saltsaltsaltsalt")
        user.save(update_fields=["password"])
        assert "m=102400" in user.password

        self.client.post(
            reverse("core:login"), {"username": "heavy.hash", "password": TEST_PASSWORD}
        )

        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
