"""Issue 9.14: a large export of the register runs on a worker, shows its progress and is
downloaded by its owner only; small ones still download at once. Through the one entry point
every list uses (core/exports.py)."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qiaolian.core import export_jobs
from qiaolian.core.models import AuditEvent, ExportJob, Notification
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.people.models import PersonContact
from qiaolian.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
LIST = reverse("people:person_list")
Status = ExportJob.Status
PHONES = "+393471239876; +8613857420001"


@pytest.fixture
def register(cast, tmp_path):
    """Five people in district A, one in its township, one (the marker) in district B; the
    threshold of background exports lowered to 3 rows."""
    people = [PersonFactory(unit=cast.district_a) for _ in range(5)]
    people.append(PersonFactory(unit=cast.township_a1, surname="镇", given_name="民"))
    PersonFactory(unit=cast.district_b, surname="王", given_name="乙区")
    for number in PHONES.split("; "):
        PersonContact.objects.create(
            person=people[0], kind="phone", value=number, normalized=number
        )
    with override_settings(EXPORT_BACKGROUND_ROWS=3, PRIVATE_MEDIA_ROOT=tmp_path):
        yield people


def ask(client, user, fmt="xlsx", **params):
    client.force_login(user)
    return client.get(LIST, {"export": fmt, **params}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def progress(client, job):
    url = reverse("core:export_detail", args=[job.public_id])
    return client.get(
        url, {"progress": 1}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()


def run(capture):
    with capture(execute=True):
        run_queued_tasks()


def test_a_small_export_still_downloads_at_once(client, cast, register):
    response = ask(client, cast.district_manager, q="镇")
    assert response.status_code == 200 and not ExportJob.objects.exists()
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert sheet.title == "人员名册"  # the sheet is named in the reader's language


def test_a_large_export_runs_on_a_worker_with_progress_and_an_owner_only_download(
    client, cast, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, cast.district_manager)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:export_detail", args=[job.public_id])
    assert (job.owner, job.status, job.fmt) == (cast.district_manager, Status.QUEUED, "xlsx")
    event = AuditEvent.objects.get(action="export.people")
    assert event.actor == cast.district_manager and "background" in event.message

    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "等待" in page and "hx-get" in page  # waiting, and polling
    assert 'data-status="queued"' in progress(client, job)

    seen = []
    real_update = export_jobs._update

    def spy(job, **fields):
        real_update(job, **fields)
        seen.append((job.status, job.progress, job.rows_done))

    with (
        mock.patch.object(export_jobs, "_update", spy),
        mock.patch("qiaolian.core.exports.PROGRESS_EVERY", 2),
    ):
        run(django_capture_on_commit_callbacks)  # the database worker, `db_worker`

    job.refresh_from_db()
    assert (job.status, job.progress, job.rows_done, job.rows_total) == (Status.DONE, 100, 6, 6)
    assert (Status.RUNNING, 33, 2) in seen and (Status.RUNNING, 66, 4) in seen
    assert job.expires_at > timezone.now() + timedelta(days=6)
    fragment = progress(client, job)
    assert 'data-status="done"' in fragment and "hx-get" not in fragment
    assert reverse("core:export_download", args=[job.public_id]) in fragment
    bell = Notification.objects.get(recipient=cast.district_manager, kind="core.export_ready")
    assert bell.url == reverse("core:export_detail", args=[job.public_id])

    download = client.get(reverse("core:export_download", args=[job.public_id]))
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "人员名册"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    names = {row[0] for row in rows}
    assert "镇民" in names and "王乙区" not in names  # restrict(user, EXPORT): no sibling
    assert len(rows) == 6
    assert PHONES in {row[11] for row in rows}  # several phones, no leading quote

    # Another user, however powerful, gets a 404 on the page and the file.
    client.force_login(cast.city_admin)
    assert client.get(reverse("core:export_detail", args=[job.public_id])).status_code == 404
    assert client.get(reverse("core:export_download", args=[job.public_id])).status_code == 404


def test_the_worker_exports_only_what_the_owner_may_export(
    client, cast, register, django_capture_on_commit_callbacks
):
    # The township worker exports the township only, though district A is in the header.
    register.extend(PersonFactory(unit=cast.township_a1) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, cast.township_worker, fmt="csv").status_code == 302
    run(django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert (job.status, job.rows_done) == (Status.DONE, 4)
    text = b"".join(
        client.get(reverse("core:export_download", args=[job.public_id])).streaming_content
    ).decode("utf-8-sig")
    assert "镇民" in text and "王乙区" not in text
    assert f"'{PHONES}" not in text  # that person is in district A


def test_an_owner_who_lost_the_right_to_export_gets_no_file(
    client, cast, register, django_capture_on_commit_callbacks
):
    from qiaolian.core.models import UnitRole

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, cast.district_manager)
    UnitRole.objects.filter(user=cast.district_manager).delete()
    run(django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == Status.FAILED and not job.file
    assert client.get(reverse("core:export_download", args=[job.public_id])).status_code == 404


def test_the_clerk_without_export_is_refused_and_nothing_is_queued(client, cast, register):
    assert ask(client, cast.district_clerk).status_code == 403
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action="export.people").exists()


def test_the_retention_task_deletes_expired_files(
    client, cast, register, tmp_path, django_capture_on_commit_callbacks
):
    from qiaolian.core.export_jobs import delete_expired_exports

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, cast.district_manager)
    run(django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert list(tmp_path.rglob("*.xlsx"))
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    delete_expired_exports.enqueue()
    run(django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Status.EXPIRED and not job.file
    assert not list(tmp_path.rglob("*.xlsx"))
    assert client.get(reverse("core:export_download", args=[job.public_id])).status_code == 404
    assert "删除" in progress(client, job)


def test_my_exports_lists_only_my_own(client, cast, register, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, cast.district_manager)
    link = reverse("core:export_detail", args=[ExportJob.objects.get().public_id])
    page = client.get(reverse("core:export_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert link in page.content.decode() and "排队中" in page.content.decode()
    client.force_login(cast.sibling_manager)
    page = client.get(reverse("core:export_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert link not in page.content.decode() and "您还没有导出记录" in page.content.decode()
