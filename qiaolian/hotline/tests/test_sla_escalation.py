"""Escalation: the periodic SLA check warns before a breach and reports it at breach, on the
case timeline and by e-mail to the assignee and the unit's admins — once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from qiaolian.core import registry
from qiaolian.core.management.commands import worker
from qiaolian.core.models import AuditEvent
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.hotline import tasks
from qiaolian.hotline.models import CaseEvent, EventKind, SlaPolicy, Status
from qiaolian.hotline.services import sla
from qiaolian.hotline.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast):
    cast.district_manager.email = "manager@a.example"
    cast.district_manager.save()
    cast.sibling_manager.email = "sibling@b.example"
    cast.sibling_manager.save()
    cast.township_worker.email = "worker@a1.example"
    cast.township_worker.save()
    cast.city_admin.email = "city@c.example"
    cast.city_admin.save()
    policy = SlaPolicy.objects.get(category="", priority="")  # the built-in default
    now = timezone.now()
    soon = CaseFactory(
        unit=cast.district_a, sla_policy=policy, status=Status.IN_PROGRESS,
        assignee=cast.township_worker, first_response_at=now - timedelta(hours=1),
        resolution_due=now + timedelta(minutes=20), subject="即将超时的工单",
    )  # fmt: skip
    late = CaseFactory(
        unit=cast.district_a, sla_policy=policy, status=Status.NEW,
        first_response_due=now - timedelta(minutes=5), resolution_due=now + timedelta(days=2),
        subject="首次响应超时的工单",
    )  # fmt: skip
    waiting = CaseFactory(
        unit=cast.district_a, sla_policy=policy, status=Status.WAITING, paused_since=now,
        resolution_due=now - timedelta(minutes=5),
    )  # fmt: skip
    return cast, soon, late, waiting


def test_it_warns_and_reports_once_with_events_and_mail(setup, django_capture_on_commit_callbacks):
    _cast, soon, late, waiting = setup
    with django_capture_on_commit_callbacks(execute=True):
        counts = sla.check_sla_now()
    assert counts == {"warned": 1, "breached": 1}
    soon.refresh_from_db()
    late.refresh_from_db()
    waiting.refresh_from_db()
    assert soon.warned_at is not None and soon.breach_notified_at is None
    assert late.breach_notified_at is not None and late.first_response_breached
    assert not late.resolution_breached  # only the first response is overdue
    # A case waiting for its requester has a paused clock: no notice.
    assert waiting.breach_notified_at is None and waiting.warned_at is None
    events = CaseEvent.objects.filter(kind=EventKind.SLA)
    assert {(e.case_id, e.data["sla"]) for e in events} == {
        (soon.pk, "warning"),
        (late.pk, "breach"),
    }
    logged = AuditEvent.objects.get(action="case.sla_breach", object_id=str(late.public_id))
    assert "first_response" not in logged.message and "首次响应" in logged.message
    assert logged.changes["first_response_breached"] == [None, True]

    run_queued_tasks()  # the e-mails were queued, not sent inside the check
    by_subject = {m.subject: set(m.to) for m in mail.outbox}
    assert len(mail.outbox) == 2
    warning_to = next(to for subject, to in by_subject.items() if soon.number in subject)
    # The assignee and the admins of the case's own unit; never the sibling's, and the city
    # is not bothered while the district has admins of its own.
    assert warning_to == {"worker@a1.example", "manager@a.example"}
    breach_to = next(to for subject, to in by_subject.items() if late.number in subject)
    assert breach_to == {"manager@a.example"}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = sla.check_sla_now()
    run_queued_tasks()
    # Idempotent: a second run (or a second worker) sends and writes nothing new.
    assert again == {"warned": 0, "breached": 0}
    assert mail.outbox == []
    assert CaseEvent.objects.filter(kind=EventKind.SLA).count() == 2


def test_the_task_runs_on_a_real_worker(setup, django_capture_on_commit_callbacks):
    _cast, _soon, late, _waiting = setup
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.check_sla.enqueue()
        run_queued_tasks()
    result.refresh()
    assert result.return_value == {"warned": 1, "breached": 1}
    late.refresh_from_db()
    assert late.breach_notified_at is not None
    run_queued_tasks()
    assert len(mail.outbox) == 2


def test_a_breach_after_a_warning_is_still_reported(setup):
    _cast, soon, _late, _waiting = setup
    sla.check_sla_now()
    later = timezone.now() + timedelta(minutes=30)
    counts = sla.check_sla_now(later)
    soon.refresh_from_db()
    # The warned case is now past due: reported; the other was reported already.
    assert counts == {"warned": 0, "breached": 1}
    assert soon.resolution_breached and soon.breach_notified_at == later


def test_the_unit_admins_above_are_told_when_the_unit_has_none(
    cast, django_capture_on_commit_callbacks
):
    cast.city_admin.email = "city@c.example"
    cast.city_admin.save()
    now = timezone.now()
    case = CaseFactory(
        unit=cast.township_a1, status=Status.NEW, resolution_due=now - timedelta(minutes=1)
    )
    # The township has no admin of its own: the nearest unit above with admins (the district)
    # is told, not the city.
    cast.district_manager.email = "manager@a.example"
    cast.district_manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        sla.check_sla_now()
    run_queued_tasks()
    case.refresh_from_db()
    assert case.resolution_breached
    assert [set(m.to) for m in mail.outbox] == [{"manager@a.example"}]


def test_the_sla_check_command_runs_or_enqueues_the_check(setup):
    out = StringIO()
    call_command("sla_check", stdout=out)
    assert out.getvalue().strip() == '{"warned": 1, "breached": 1}'
    out = StringIO()
    call_command("sla_check", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued ")


def test_the_worker_enqueues_the_sla_check_every_minute(monkeypatch):
    queued = []

    class FakeTask:  # django.tasks' Task is a frozen dataclass: stand in for it
        def enqueue(self):
            queued.append(1)

    paths = []
    monkeypatch.setattr(worker, "import_string", lambda path: paths.append(path) or FakeTask())
    # The hotline's own declaration (the test settings install other apps' tasks too).
    hotline = {
        t.task: t.every for t in registry.periodic_tasks() if t.task.startswith("qiaolian.hot")
    }
    monkeypatch.setattr(worker, "periodic_tasks", lambda: hotline)
    # The wall clock moves with the worker's monotonic one: runs are claimed in the database.
    with freeze_time("2026-03-02 08:00:00") as clock:
        due = worker.tick({}, 1000.0)
        assert queued == [1]
        assert due == {"qiaolian.hotline.tasks.check_sla": 1060.0}
        clock.tick(30)
        worker.tick(due, 1030.0)  # not yet
        assert queued == [1]
        clock.tick(30)
        worker.tick(due, 1060.0)
        assert queued == [1, 1]
    # The path names the real task, which the worker can import.
    assert set(paths) == {"qiaolian.hotline.tasks.check_sla"}
    from django.utils.module_loading import import_string

    assert import_string(paths[0]) is tasks.check_sla
