"""Run queued background tasks inside a test, on whichever backend settings select.

Tests assert that side effects are *queued* (not done in the request), then call
`run_queued_tasks()` to let a real worker do them: the database backend's `db_worker` or an RQ
worker. Both run in this process so that `mail.outbox` and the test database are shared.
"""

from __future__ import annotations

import os
import re
from unittest import mock

from django.conf import settings
from django.core.management import call_command

# Tests use their own Redis database, never the one REDIS_URL names (it may hold real jobs).
REDIS_TEST_DB = 15


def uses_rq() -> bool:
    return settings.TASKS_BACKEND == "rq"


def redis_test_url() -> str:
    """REDIS_TEST_URL, else REDIS_URL with its database number replaced by REDIS_TEST_DB."""
    explicit = os.environ.get("REDIS_TEST_URL")
    if explicit:
        return explicit
    base = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    base = re.sub(r"/\d*$", "", base.split("?")[0])
    return f"{base}/{REDIS_TEST_DB}"


def flush_rq() -> None:
    import django_rq

    django_rq.get_connection("default").flushdb()


def run_queued_tasks() -> None:
    """Run every task queued so far with a real worker, then return.

    The database worker normally closes stale connections between tasks; inside a test that
    would end the test's own transaction (PostgreSQL), so that one call is switched off.
    """
    if uses_rq():
        import django_rq

        # SimpleWorker runs jobs in this process (the default Worker forks a child per job);
        # with_scheduler: tasks whose run_after has passed are moved to the queue first.
        queues = settings.TASKS["default"]["QUEUES"]
        worker = django_rq.get_worker(*queues, worker_class="rq.worker.SimpleWorker")
        worker.work(burst=True, with_scheduler=True, logging_level="WARNING")
        return
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker",
            batch=True,
            queue_name="*",
            interval=0,
            startup_delay=False,
            reload=False,
            verbosity=0,
        )
