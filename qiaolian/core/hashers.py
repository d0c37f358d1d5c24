"""The password hasher (issue 10, finding 13): Argon2id at OWASP's minimum parameters.

Django's own Argon2PasswordHasher asks for 100 MiB and 8 lanes per hash; on the 2-core host
several logins at once would ask for hundreds of MiB. OWASP's Password Storage Cheat Sheet
names m=19 MiB, t=2, p=1 as the minimum configuration for Argon2id; that is what this uses.
Measured on the 2-core host (median of 5, under the other processes' load): 21 ms per hash,
against 0.39 s for Django's Argon2 defaults and 0.80 s for PBKDF2's 1,500,000 iterations.
A hash stores its parameters, so raising them later re-hashes each password at its next login
(`must_update`)."""

from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP's minimum for Argon2id, checked by core/tests/test_password_hashing.py.
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2
OWASP_MIN_PARALLELISM = 1


class QiaolianArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id (Django's variant), 19 MiB, two passes, one lane. The algorithm name stays
    "argon2", so hashes made by Django's own class verify too (and are re-hashed to these
    parameters at login)."""

    time_cost = OWASP_MIN_TIME_COST
    memory_cost = OWASP_MIN_MEMORY_KIB
    parallelism = OWASP_MIN_PARALLELISM
