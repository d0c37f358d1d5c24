"""Project-wide pytest fixtures."""

import pytest
from django.test import override_settings

from qiaolian.core.testing import workers
from qiaolian.core.testing.cast import Cast


@pytest.fixture
def cast(db) -> Cast:
    return Cast.build()


@pytest.fixture(autouse=True, scope="session")
def _network_seed_at_test_size():
    """`manage.py seed` in tests builds the liaison grid's demo data at a tiny size: the
    article scale (24,617 people) takes tens of seconds (see qiaolian/network/seed/)."""
    from django.conf import settings

    settings.SEED_NETWORK_PLAN = "tiny"


@pytest.fixture(autouse=True, scope="session")
def _ledgers_flushable_on_sqlite():
    """A flushing test (the browser tests' live server) empties the append-only ledgers too;
    see qiaolian/core/testing/ledgers.py."""
    from qiaolian.core.testing.ledgers import flushable_ledgers

    with flushable_ledgers():
        yield


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """A production-strength hash costs half a second; these tests log in hundreds of times.
    PBKDF2 stays listed so hashes made before this took effect still verify."""
    hashers = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_public_link_budget():
    """Every test client comes from 127.0.0.1: the per-address budget of the private-link
    pages would count the whole session. test_throttle.py switches it back on."""
    with override_settings(PUBLIC_LINK_RATE=0):
        yield


@pytest.fixture(scope="session", autouse=True)
def _private_files_in_a_temporary_directory(tmp_path_factory):
    """Uploaded records go to the private storage; never into the checkout's private/."""
    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private")):
        yield


@pytest.fixture(autouse=True)
def _redis_test_database(settings):
    """With RQ selected, jobs go to a Redis database of the tests' own, never REDIS_URL's."""
    if workers.uses_rq():
        settings.RQ_QUEUES = {"default": {"URL": workers.redis_test_url()}}


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English leaves English active in this thread; the next test starts in
    the project's default language again."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_working_calendar():
    """Each test reads the working calendar from its own database state: a year cached by an
    earlier test (whose edits were rolled back) must not answer for this one."""
    from qiaolian.core import workdays

    workdays.clear_local_cache()


@pytest.fixture(autouse=True)
def _empty_shared_cache():
    """The shared cache (rate-limit and denied-audit counters) in Redis lives outside the
    test's transaction: each test starts with it empty, so a count of an earlier test (or an
    earlier run) never answers here."""
    from django.conf import settings
    from django.core.cache import caches

    # The database cache is a table in the test database, rolled back with each test (and
    # clearing it here would need database access in tests that have none).
    if settings.CACHES["shared"]["BACKEND"].endswith("RedisCache"):
        caches["shared"].clear()
