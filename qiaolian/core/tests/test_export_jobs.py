"""Background exports through the one entry point, for a list of the core (the operation log):
the worker builds the page again with its filters, under the owner's rights."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from qiaolian.core.models import AuditEvent, ExportJob

pytestmark = pytest.mark.django_db


def test_the_operation_log_exports_in_the_background_with_its_filters(
    client, cast, task_queue, tmp_path, django_capture_on_commit_callbacks
):
    for n in range(5):
        AuditEvent.objects.create(action="leak.marker", object_repr=f"行{n}", unit=cast.district_a)
    AuditEvent.objects.create(action="other.thing", object_repr="不要", unit=cast.district_a)
    AuditEvent.objects.create(action="leak.marker", object_repr="乙区", unit=cast.district_b)
    client.force_login(cast.district_manager)
    with override_settings(EXPORT_BACKGROUND_ROWS=3, PRIVATE_MEDIA_ROOT=tmp_path):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(
                reverse("core:audit_list"),
                {"export": "xlsx", "action": "leak."},
                HTTP_ACCEPT_LANGUAGE="zh-hans",
            )
        assert response.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            task_queue.run()
        job = ExportJob.objects.get()
        assert (job.status, job.rows_done, job.title) == (ExportJob.Status.DONE, 5, "操作日志")
        download = client.get(reverse("core:export_download", args=[job.public_id]))
        sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.title == "操作日志"
    objects = {row[7] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert objects == {f"行{n}" for n in range(5)}  # the filter held; no sibling, no other


def test_an_unknown_format_is_refused(client, cast):
    client.force_login(cast.district_manager)
    response = client.get(reverse("people:person_list"), {"export": "pdf"})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def exporting_views() -> list[str]:
    """Every routed view that exports through core.export_jobs.export_view."""
    from django.urls import get_resolver

    found: set[str] = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "view_class", None)
            if view is not None and hasattr(view, "export_queryset"):
                found.add(f"{view.__module__}.{view.__qualname__}")

    walk(get_resolver().url_patterns)
    return sorted(found)


def test_every_exporting_list_is_found():
    names = exporting_views()
    assert {
        "qiaolian.people.views.people.PersonListView",
        "qiaolian.people.views.associations.AssociationListView",
        "qiaolian.core.views.audit.AuditListView",
        "qiaolian.core.views.audit.LoginLogView",
        "qiaolian.hotline.views.calls.CallListView",
        "qiaolian.network.views.groups.GroupListView",
    } <= set(names)


@pytest.mark.parametrize("source", exporting_views())
def test_every_exporting_list_can_be_written_by_the_worker(cast, tmp_path, source):
    # The worker builds the view without a real request: each list must work that way.
    from qiaolian.core.export_jobs import export_job_run

    job = ExportJob.objects.create(
        owner=cast.city_admin, source=source, name="x", title="x", fmt="xlsx", params=""
    )
    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path):
        export_job_run(job)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.message
    assert job.file


@pytest.mark.parametrize("source", exporting_views())
def test_every_exporting_list_names_its_sheet_in_chinese(cast, source):
    import re

    from django.utils import translation
    from django.utils.module_loading import import_string

    from qiaolian.core.exports import sheet_title

    title = import_string(source).export_title
    with translation.override("zh-hans"):
        name = sheet_title(title)
    assert re.search(r"[\u4e00-\u9fff]", name) and len(name) <= 31, name
