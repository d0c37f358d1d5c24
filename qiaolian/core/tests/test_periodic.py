"""Periodic tasks: declared by the apps, enqueued once per period however many workers tick."""

import pytest
from freezegun import freeze_time

from qiaolian.core import registry
from qiaolian.core.management.commands import worker
from qiaolian.core.models import PeriodicRun
from qiaolian.core.services import periodic_run_claim

pytestmark = pytest.mark.django_db


def test_the_worker_ticks_what_the_apps_declare():
    declared = {task.task: task.every for task in registry.periodic_tasks()}
    assert declared["qiaolian.hotline.tasks.check_sla"] == 60
    assert worker.periodic_tasks() == declared


def test_it_lets_one_of_several_workers_claim_each_period():
    with freeze_time("2026-03-02 08:00:00") as clock:
        # Three workers look at once: one wins.
        wins = [periodic_run_claim(name="x.task", every=60) for _ in range(3)]
        assert wins == [True, False, False]
        clock.tick(59)
        assert not periodic_run_claim(name="x.task", every=60)
        clock.tick(1)
        assert periodic_run_claim(name="x.task", every=60)
    run = PeriodicRun.objects.get(name="x.task")
    assert run.last_run_at is not None


def test_two_workers_ticking_together_enqueue_once(monkeypatch, settings):
    settings.PERIODIC_TASKS = {"some.task": 60}
    queued = []

    class FakeTask:
        def enqueue(self):
            queued.append(1)

    monkeypatch.setattr(worker, "import_string", lambda path: FakeTask())
    with freeze_time("2026-03-02 08:00:00"):
        worker.tick({}, 10.0)  # worker one
        worker.tick({}, 5000.0)  # worker two, its own monotonic clock
    assert queued == [1]
