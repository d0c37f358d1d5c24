"""Fixtures for the core's tests: an isolated task queue that a real worker drains."""

import pytest
from django.test import override_settings

from qiaolian.core.testing import workers


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


@pytest.fixture(autouse=True)
def _redis_test_database(settings):
    """With RQ selected, jobs go to a Redis database of the tests' own, never REDIS_URL's."""
    if workers.uses_rq():
        settings.RQ_QUEUES = {"default": {"URL": workers.redis_test_url()}}


@pytest.fixture
def task_queue():
    """An empty queue at the start of the test, and `run()` to let a real worker drain it."""

    class Queue:
        run = staticmethod(workers.run_queued_tasks)

    if workers.uses_rq():
        workers.flush_rq()
    yield Queue()
    if workers.uses_rq():
        workers.flush_rq()
