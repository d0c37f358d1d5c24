"""Background exports: the job a large export becomes (core/exports.py decides), its run on a
worker, and the retention that deletes its file.

- `export_job_create(*, actor, …)`: a queued job, its audit row, the task enqueued on commit.
- `export_job_run(job)`: what the worker does: build the list view again for the owner (with
  the rights the owner holds now), stream its rows into a private file, report progress.
- `export_jobs_expire()`: delete the files of jobs past `expires_at` (a daily periodic task).
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from qiaolian.core import audit, exports
from qiaolian.core.exports import file_stem, write_file
from qiaolian.core.models import ExportJob, Unit
from qiaolian.core.scoping import holds_anywhere
from qiaolian.core.tasks import enqueue_on_commit, task

Status = ExportJob.Status


@transaction.atomic
def export_job_create(
    *,
    actor,
    source: str,
    name: str,
    title: str,
    fmt: str,
    params: str,
    within_unit: Unit | None,
) -> ExportJob:
    """Queue the export of the list view `source` (dotted path) with the page's `params`."""
    job = ExportJob.objects.create(
        owner=actor,
        within_unit=within_unit,
        source=source,
        name=name[:60],
        title=title[:100],
        fmt=fmt,
        params=params,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        time_zone=timezone.get_current_timezone_name(),
    )
    audit.record(
        actor=actor,
        action=f"export.{name}",
        unit=within_unit or actor.home_unit,
        message=f"{fmt}: {params} (background)",
        changes={"export": [None, str(job.public_id)]},
    )
    enqueue_on_commit(run_export, str(job.public_id))
    return job


def _view_for(job: ExportJob) -> Any:
    """The list view the job exports, set up as if its owner had opened the page."""
    view_class = import_string(job.source)
    if not (isinstance(view_class, type) and hasattr(view_class, "export_queryset")):
        raise ValueError(f"{job.source} is not a list view")
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(job.params)
    request.user = job.owner
    request.active_unit = job.within_unit  # type: ignore[attr-defined]
    request.LANGUAGE_CODE = job.language  # type: ignore[attr-defined]
    view = view_class()
    view.setup(request)
    return view


def _update(job: ExportJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def export_job_run(job: ExportJob) -> ExportJob:
    """Write the job's file. A failure is kept on the job (and raised for the worker's log);
    an owner who lost EXPORT, or left, gets nothing."""
    if job.status != Status.QUEUED:
        return job
    with translation.override(job.language), timezone.override(job.time_zone or None):
        _update(job, status=Status.RUNNING, progress=0)
        try:
            view = _view_for(job)
            if not job.owner.is_active or not holds_anywhere(job.owner, view.export_permission()):
                _update(
                    job,
                    status=Status.FAILED,
                    message=_("You no longer hold the right to export this list."),
                    finished_at=timezone.now(),
                )
                return job
            queryset = view.export_queryset()
            limit = getattr(view, "export_limit", 100_000)
            total = min(queryset.count(), limit)
            _update(job, rows_total=total)

            def progress(done: int) -> None:
                _update(job, rows_done=done, progress=min(99, done * 100 // max(total, 1)))

            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, f"export.{job.fmt}")
                rows = write_file(
                    path,
                    job.fmt,
                    view.export_header(),
                    view.export_rows(queryset),
                    title=job.title,
                    progress=progress,
                )
                stem = file_stem(job.name)
                with open(path, "rb") as handle:
                    job.file.save(f"{job.public_id}.{job.fmt}", File(handle), save=False)
        except Exception:
            _update(
                job,
                status=Status.FAILED,
                message=_("The export stopped on an unexpected error; try again."),
                finished_at=timezone.now(),
            )
            raise
        now = timezone.now()
        _update(
            job,
            file=job.file.name,
            file_name=f"{stem}.{job.fmt}",
            status=Status.DONE,
            progress=100,
            rows_done=rows,
            finished_at=now,
            expires_at=now + timedelta(days=settings.EXPORT_RETENTION_DAYS),
        )
    export_ready(job)
    return job


def export_ready(job: ExportJob) -> None:
    """Tell the owner the file is ready. The job page shows it already (it polls); this is the
    one place a notification in the app or a mail goes when there is a channel for it."""
    from django.urls import reverse

    from qiaolian.core.services import notification_send

    notification_send(
        recipients=[job.owner],
        kind="core.export_ready",
        params={"title": job.title},
        url=reverse("core:export_detail", args=[job.public_id]),
    )


def export_jobs_expire(*, now=None) -> int:
    """Delete the files of finished jobs past their `expires_at`; the job rows stay (they say
    what was exported, when and by whom, with the audit row). Returns the files deleted."""
    now = now or timezone.now()
    # scoping: exempt, maintenance across every owner (no user is reading)
    expired = ExportJob.objects.filter(status=Status.DONE, expires_at__lte=now)
    count = 0
    for job in expired.iterator():
        if job.file:
            job.file.storage.delete(job.file.name or "")
        _update(job, file="", status=Status.EXPIRED)
        count += 1
    # Jobs that never finished (a worker that died) are closed after the same time.
    stale = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    ExportJob.objects.filter(
        status__in=(Status.QUEUED, Status.RUNNING), created_at__lt=stale
    ).update(status=Status.FAILED, message=_("The export did not finish."))
    return count


def export_view(view, fmt: str) -> HttpResponse:
    """Export what the list `view` shows, with its filters: at once when it is small, else as
    a background job (see the module docstring for what the view declares)."""
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    request = view.request
    if fmt not in exports.FORMATS:
        return HttpResponseBadRequest(_("Unknown export format."))
    if not holds_anywhere(request.user, view.export_permission()):
        raise PermissionDenied
    queryset = view.export_queryset()
    threshold = settings.EXPORT_BACKGROUND_ROWS
    title = exports.title_of(view, queryset)
    if queryset[: threshold + 1].count() <= threshold:
        audit.record(
            actor=request.user,
            action=f"export.{view.export_name}",
            unit=request.active_unit or request.user.home_unit,
            message=f"{fmt}: {request.GET.urlencode()}",
        )
        rows = view.export_rows(queryset)
        return exports.export_response(
            fmt, view.export_name, view.export_header(), rows, title=title
        )
    job = export_job_create(
        actor=request.user,
        source=f"{type(view).__module__}.{type(view).__qualname__}",
        name=view.export_name,
        title=title,
        fmt=fmt,
        params=_params(request),
        within_unit=request.active_unit,
    )
    return redirect("core:export_detail", public_id=job.public_id)


def _params(request) -> str:
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("page", None)
    return query.urlencode()


@task()
def run_export(job_id: str) -> int:
    """Write a large export's file (core/export_jobs.py); returns the rows written."""

    # scoping: exempt, the job was created for its owner, whose rights the run checks again
    job = ExportJob.objects.select_related("owner", "within_unit").get(public_id=job_id)
    return export_job_run(job).rows_done


@task()
def delete_expired_exports() -> int:
    """Remove export files past their retention (periodic: see the worker command)."""
    return export_jobs_expire()
