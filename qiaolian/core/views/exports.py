"""A user's background exports: the progress page (polled by HTMX) and the download. An
export belongs to the user who asked for it: anyone else gets a 404, whatever they hold."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone

from qiaolian.core.files import serve_private_file
from qiaolian.core.models import ExportJob
from qiaolian.core.views.generic import ScopedView

Status = ExportJob.Status


def own_jobs(user):
    # scoping: exempt - an export is its owner's alone: every read filters by owner
    return ExportJob.objects.filter(owner=user)


class OwnExportView(ScopedView):
    """A signed-in staff user's own exports, whatever grants they hold (a portal user is told
    where they belong, as on every staff page)."""

    owner_only = True


def own_job(request, public_id) -> ExportJob:
    job = own_jobs(request.user).filter(public_id=public_id).first()
    if job is None:
        raise Http404
    return job


class ExportListView(OwnExportView):
    """The exports of the last days, newest first."""

    def get(self, request):
        jobs = own_jobs(request.user).order_by("-created_at")[:50]
        context = {"jobs": jobs, "retention": settings.EXPORT_RETENTION_DAYS}
        return render(request, "core/exports/list.html", context)


class ExportDetailView(OwnExportView):
    """The job's progress; `?progress=1` from HTMX answers the bar only, and the whole card
    (with the download link) once the job is done."""

    template_name = "core/exports/detail.html"

    def get(self, request, public_id):
        job = own_job(request, public_id)
        context = {"job": job, "now": timezone.now()}
        if request.headers.get("HX-Request") and request.GET.get("progress"):
            return render(request, f"{self.template_name}#state", context)
        return render(request, self.template_name, context)


class ExportDownloadView(OwnExportView):
    def get(self, request, public_id) -> FileResponse:
        job = own_job(request, public_id)
        if job.status != Status.DONE or (job.expires_at and job.expires_at <= timezone.now()):
            raise Http404
        return serve_private_file(request, job, filename=job.file_name, content_type=_type(job))


def _type(job: ExportJob) -> str:
    from qiaolian.core.exports import XLSX_CONTENT_TYPE

    return XLSX_CONTENT_TYPE if job.fmt == "xlsx" else "text/csv; charset=utf-8"
