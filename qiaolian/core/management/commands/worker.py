"""`qiaolian worker`: run the task worker of whichever backend settings selected.

Besides running queued tasks, a long-running worker enqueues the periodic tasks that the apps
declare (`registry.periodic_tasks()`; the `PERIODIC_TASKS` setting, dotted path → seconds,
replaces them when set) from a small daemon thread. Each run is claimed in the database
(`PeriodicRun`), so however many workers tick, a task is enqueued once per period.
`--no-ticks` (or `--burst`) runs queued tasks only.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.module_loading import import_string

from qiaolian.core import registry
from qiaolian.core.services import periodic_run_claim

logger = logging.getLogger(__name__)


def periodic_tasks() -> dict[str, int]:
    configured = getattr(settings, "PERIODIC_TASKS", None)
    if configured is not None:
        return configured
    return {task.task: task.every for task in registry.periodic_tasks()}


def tick(due: dict[str, float], now: float) -> dict[str, float]:
    """Enqueue every periodic task whose time has come and whose run this worker claimed;
    returns this worker's next look at each."""
    upcoming = dict(due)
    for path, every in periodic_tasks().items():
        if now < due.get(path, 0):
            continue
        upcoming[path] = now + every
        try:
            if periodic_run_claim(name=path, every=every):
                import_string(path).enqueue()
        except Exception:
            logger.exception("could not enqueue the periodic task %s", path)
    return upcoming


def _run_ticks(stop: threading.Event) -> None:
    due: dict[str, float] = {}
    while not stop.is_set():
        due = tick(due, time.monotonic())
        connections.close_all()  # this thread's own connections; enqueueing is rare
        stop.wait(5)


class Command(BaseCommand):
    help = "Run background task workers: db_worker (database backend) or rqworker (Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Run queued tasks, then exit.")
        parser.add_argument(
            "--no-ticks", action="store_true", help="Do not enqueue the periodic tasks."
        )

    def handle(self, *args, burst: bool, no_ticks: bool = False, **options):
        if not burst and not no_ticks and periodic_tasks():
            stop = threading.Event()
            threading.Thread(target=_run_ticks, args=(stop,), daemon=True, name="ticks").start()
        if settings.TASKS_BACKEND == "rq":
            call_command("rqworker", "default", with_scheduler=True, burst=burst)
        else:
            call_command("db_worker", queue_name="*", batch=burst, reload=False)
