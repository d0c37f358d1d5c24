"""An RQ (Redis) backend for Django's built-in `django.tasks`, used when REDIS_URL is set.

Why not django-tasks-rq 0.12: it is built on the django-tasks *backport*, so under it the
`django.tasks.task` decorator makes backport Task objects, `enqueue()` returns the backport's
TaskResult, `get_result()` raises the backport's TaskResultDoesNotExist (which
`except django.tasks.exceptions.TaskResultDoesNotExist` does not catch), Django's task signals
never fire, and a plain `manage.py rqworker` fails every job unless it is started with that
package's own Job class. Code written against `django.tasks` would then behave differently with
Redis than with the database backend. This backend keeps Django's classes everywhere.

Each task becomes one RQ job that calls `run_task` with the task's import path, so a stock RQ
worker runs it (`manage.py rqworker default`; add `--with-scheduler` for `run_after`). Results
(return value, errors, worker ids) are read back from RQ's job and result records, which RQ
keeps for OPTIONS["RESULT_TTL"] seconds (a day by default).
"""

from __future__ import annotations

from traceback import format_exception
from typing import Any

import django_rq
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskContext, TaskError, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from rq import get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.results import Result

STATUS = {
    JobStatus.QUEUED: TaskResultStatus.READY,
    JobStatus.DEFERRED: TaskResultStatus.READY,
    JobStatus.SCHEDULED: TaskResultStatus.READY,
    JobStatus.STARTED: TaskResultStatus.RUNNING,
    JobStatus.FINISHED: TaskResultStatus.SUCCESSFUL,
    JobStatus.FAILED: TaskResultStatus.FAILED,
    JobStatus.STOPPED: TaskResultStatus.FAILED,
    JobStatus.CANCELED: TaskResultStatus.FAILED,
}


class RQBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True

    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.result_ttl = int(self.options.get("RESULT_TTL", 24 * 3600))

    def _queue(self, name: str):
        # "auto": enqueue now. django_rq would otherwise hold the job until the surrounding
        # transaction commits; callers choose that explicitly with tasks.enqueue_on_commit.
        return django_rq.get_queue(name, commit_mode="auto")

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result: TaskResult = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        options = {
            "args": (task.module_path, result.args, result.kwargs),
            "job_id": result.id,
            "description": f"{task.module_path} ({result.id})",
            "meta": {"backend": self.alias},
            "result_ttl": self.result_ttl,
            "failure_ttl": self.result_ttl,
        }
        queue = self._queue(task.queue_name)
        if task.run_after is None:
            job = queue.enqueue_call(run_task, **options)
        else:
            job = queue.enqueue_at(task.run_after, run_task, **options)
        object.__setattr__(result, "enqueued_at", job.enqueued_at or job.created_at)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        for name in sorted(self.queues):
            try:
                job = Job.fetch(result_id, connection=self._queue(name).connection)
            except NoSuchJobError:
                continue
            if job.func is run_task:
                return _result_of(job)
        raise TaskResultDoesNotExist(result_id)


def _result_of(job: Job, status: TaskResultStatus | None = None) -> TaskResult:
    """The django.tasks view of an RQ job."""
    module_path, args, kwargs = job.args
    task = import_string(module_path)
    if not isinstance(task, Task):
        raise TypeError(f"{module_path} is not a django.tasks Task")
    task = task.using(queue_name=job.origin, backend=job.meta.get("backend", task.backend))
    results = job.results()  # newest first
    failures = [r for r in reversed(results) if r.type == Result.Type.FAILED]
    result: TaskResult = TaskResult(
        task=task,
        id=job.id,
        status=status or STATUS.get(job.get_status(), TaskResultStatus.READY),
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        finished_at=job.ended_at if status is None else None,
        last_attempted_at=job.started_at,
        args=args,
        kwargs=kwargs,
        backend=task.backend,
        errors=[
            TaskError(
                exception_class_path=job.meta.get("exception_class_path", "builtins.Exception"),
                traceback=r.exc_string or "",
            )
            for r in failures
        ],
        worker_ids=[r.worker_name for r in reversed(results)]
        or ([job.worker_name] if job.worker_name else []),
    )
    if result.status == TaskResultStatus.SUCCESSFUL and results:
        object.__setattr__(result, "_return_value", results[0].return_value)
    return result


def run_task(module_path: str, args: list, kwargs: dict[str, Any]) -> Any:
    """What the RQ worker calls: run the task, with Django's task signals around it."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("run_task is called by an RQ worker, with the job it runs")
    result = _result_of(job, status=TaskResultStatus.RUNNING)
    sender = type(result.task.get_backend())
    task_started.send(sender, task_result=result)
    try:
        if result.task.takes_context:
            value = result.task.call(TaskContext(task_result=result), *args, **kwargs)
        else:
            value = result.task.call(*args, **kwargs)
        value = normalize_json(value)  # the same JSON-only results as the database backend
    except Exception as exc:
        kind = type(exc)
        job.meta["exception_class_path"] = f"{kind.__module__}.{kind.__qualname__}"
        job.save_meta()
        object.__setattr__(result, "status", TaskResultStatus.FAILED)
        result.errors.append(
            TaskError(
                exception_class_path=job.meta["exception_class_path"],
                traceback="".join(format_exception(exc)),
            )
        )
        task_finished.send(sender, task_result=result)
        raise
    object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
    object.__setattr__(result, "_return_value", value)
    task_finished.send(sender, task_result=result)
    return value
