"""Background tasks run on a real worker, on whichever backend settings select (database by
default, RQ when REDIS_URL is set), through Django's own `django.tasks` API."""

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.tasks import Task, TaskResult, TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_finished, task_started
from django.utils import timezone

from qiaolian.core.tasks import echo, enqueue_on_commit, queue_status
from qiaolian.core.testing import workers

pytestmark = pytest.mark.django_db


@task()
def explode(message: str) -> None:
    """A task that always fails, to see how a failure is recorded."""
    raise ValueError(message)


def pending() -> int:
    return queue_status()["pending"]


@pytest.mark.django_db(transaction=True)
def test_it_runs_an_enqueued_task_on_a_real_worker(task_queue):
    # Committed for real and run by `manage.py worker`, the command `make run` starts; the
    # other tests share the test's transaction with an in-process worker, which is faster.
    result = echo.enqueue("侨联通")
    # Enqueueing must not run the task: the request that queued it never waits for it.
    assert result.status == TaskResultStatus.READY
    assert pending() == 1

    if workers.uses_rq():
        # A separate process with a stock RQ worker, which finds the task by its import path.
        env = {**os.environ, "REDIS_URL": workers.redis_test_url(), "TASKS_BACKEND": "rq"}
        subprocess.run(
            [sys.executable, "manage.py", "worker", "--burst"],
            cwd=Path(settings.BASE_DIR),
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    else:
        # The test database lives in this process (in memory for SQLite), so the worker does.
        call_command("worker", burst=True, verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "侨联通"
    assert result.worker_ids, "the worker that ran it is recorded"
    assert result.finished_at >= result.started_at
    assert pending() == 0


def test_it_records_a_failing_task_with_its_exception(task_queue):
    result = explode.enqueue("no stock left")

    task_queue.run()

    result.refresh()
    # A failure is kept with its cause, so an operator can see why a mail was never sent.
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[-1].exception_class is ValueError
    assert "no stock left" in result.errors[-1].traceback
    with pytest.raises(ValueError, match="Task failed"):
        result.return_value  # noqa: B018 - the property raises for failed tasks


def test_it_uses_djangos_own_task_classes_on_every_backend(task_queue):
    # django-tasks-rq made backport objects here, which `django.tasks` code cannot recognise
    # (its exceptions were not caught); the project's RQ backend must not.
    assert isinstance(echo, Task)
    result = echo.enqueue("x")
    assert isinstance(result, TaskResult)
    assert isinstance(echo.get_result(result.id), TaskResult)
    with pytest.raises(TaskResultDoesNotExist):
        echo.get_result(str(uuid.uuid4()))


def test_it_sends_djangos_task_signals_around_a_run(task_queue):
    seen = []

    def started(sender, task_result, **kwargs):
        seen.append(("started", task_result.status))

    def finished(sender, task_result, **kwargs):
        seen.append(("finished", task_result.status))

    task_started.connect(started)
    task_finished.connect(finished)
    try:
        echo.enqueue("signal")
        task_queue.run()
    finally:
        task_started.disconnect(started)
        task_finished.disconnect(finished)
    # Monitoring hooks listen on these signals; they must fire under either backend.
    assert seen == [
        ("started", TaskResultStatus.RUNNING),
        ("finished", TaskResultStatus.SUCCESSFUL),
    ]


def test_it_runs_a_deferred_task_only_once_it_is_due(task_queue):
    due = echo.using(run_after=timezone.now() - timedelta(seconds=1)).enqueue("due")
    later = echo.using(run_after=timezone.now() + timedelta(hours=1)).enqueue("later")

    task_queue.run()

    due.refresh()
    later.refresh()
    assert due.status == TaskResultStatus.SUCCESSFUL
    assert later.status == TaskResultStatus.READY


def test_enqueue_on_commit_queues_the_task_only_after_the_commit(
    task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(echo, "after commit")
        # Inside the transaction nothing is queued yet: a worker must never act on rows it
        # cannot see, or that may still roll back.
        assert pending() == 0
    assert pending() == 1


def test_enqueue_on_commit_does_nothing_when_the_transaction_rolls_back(
    task_queue, django_capture_on_commit_callbacks
):
    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        enqueue_on_commit(echo, "never")
        raise Abort
    assert callbacks == []

    # The write was undone, so its side effect (a mail, a notification) must not happen.
    assert pending() == 0
    task_queue.run()
    assert pending() == 0
