"""The import pages: upload → map the columns → preview (checked in the background) → commit
(in the background, with a progress bar polled by HTMX) → error sheet, undo.

Every batch is read through `ImportBatch.objects.restrict()`: another unit's batch is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import audit
from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.core.views.generic import (
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)
from qiaolian.people.apps import PEOPLE
from qiaolian.people.imports import privacy, runs, services, sheets
from qiaolian.people.imports.errors import ImportRefused
from qiaolian.people.imports.forms import ImportCommitForm, ImportMappingForm, ImportUploadForm
from qiaolian.people.imports.mapping import normalise_mapping
from qiaolian.people.models import ImportBatch, ImportRow
from qiaolian.people.work import waiting_imports

Status = ImportBatch.Status
RowAction = ImportRow.RowAction
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_FILTERS = {
    "problems": Q(action__in=(RowAction.ERROR, RowAction.FAILED)),
    "duplicates": Q(match__kind__isnull=False),
    "create": Q(action__in=(RowAction.CREATE, RowAction.CREATED)),
    "update": Q(
        action__in=(RowAction.UPDATE, RowAction.MERGE, RowAction.UPDATED, RowAction.MERGED)
    ),
    "skip": Q(action__in=(RowAction.SKIP, RowAction.SKIPPED)),
}


class ImportListView(ScopedListView):
    template_name = "people/import_list.html"

    model = ImportBatch
    queryset_action = Action.VIEW

    def narrow(self, queryset):
        if self.waiting_mine:
            # "My work": the user's uploads that wait for them (people/work.py).
            queryset = queryset.filter(pk__in=waiting_imports(self.request.user).values("pk"))
        return (
            queryset.in_subtree(self.request.active_unit)
            .select_related("unit", "created_by")
            .order_by("-created_at", "-pk")
        )

    @property
    def waiting_mine(self) -> bool:
        return self.request.GET.get("waiting") == "mine"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, PEOPLE.ADD)
        context["waiting_mine"] = self.waiting_mine
        return context


class ImportTemplateView(ScopedView):
    """The blank template: Chinese headers, hints, dropdowns (no records in it)."""

    action = Action.ADD

    def get(self, request, *args, **kwargs):
        response = HttpResponse(sheets.template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="people-template.xlsx"'
        return response


class ImportUploadView(ScopedFormView):
    action = Action.ADD
    template_name = "people/import_upload.html"

    def get_form(self, data=None):
        files = self.request.FILES if data is not None else None
        return ImportUploadForm(data, files, user=self.request.user)

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_upload(
                    actor=request.user,
                    unit=form.cleaned_data["unit"],
                    file_name=upload.name,
                    data=upload.read(),
                )
            except ImportRefused as exc:
                form.add_error("file", exc.message)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                return HttpResponseRedirect(
                    reverse("people:import_mapping", args=[batch.public_id])
                )
        return self.render(form, status=400)


class _BatchMixin(ScopedView):
    action = Action.ADD

    model = ImportBatch

    def narrow(self, queryset):
        return queryset.select_related("unit")

    def get_success_url(self, obj):
        return reverse("people:import_detail", args=[obj.public_id])


class ImportMappingView(_BatchMixin, ScopedFormView):
    needs_object = True
    template_name = "people/import_mapping.html"

    def get_form(self, data=None):
        batch = self.object
        mapping = normalise_mapping(batch.mapping, len(batch.headers))
        initial = {f"col_{i}": key for i, key in enumerate(mapping)}
        initial["on_duplicate"] = batch.on_duplicate or "skip"
        return ImportMappingForm(
            data,
            headers=batch.headers,
            samples=privacy.shown_samples(batch),
            initial=initial,
        )

    def perform(self, form):
        return services.import_analyse(
            actor=self.request.user,
            batch=self.object,
            mapping=form.mapping(),
            on_duplicate=form.cleaned_data["on_duplicate"],
        )


class ImportDetailView(ScopedDetailView):
    """The batch: its progress while a task runs, then the preview or the result, with the
    rows (filterable) and every problem. `?progress=1` from HTMX answers the progress bar
    only, and asks for a full reload once the task is done."""

    template_name = "people/import_detail.html"
    paginate_by = 50

    model = ImportBatch
    queryset_action = Action.VIEW

    def narrow(self, queryset):
        return queryset.select_related("unit", "created_by", "committed_by")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.headers.get("HX-Request") and request.GET.get("progress"):
            if not self.object.is_running:
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                return response
            return render(request, f"{self.template_name}#progress", {"object": self.object})
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        if self.request.headers.get("HX-Request") and not self.request.headers.get("HX-Boosted"):
            return [f"{self.template_name}#rows"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.object
        user = self.request.user
        show = self.request.GET.get("show", "")
        rows = ImportRow.objects.restrict(user, Action.VIEW).filter(batch=batch)
        if show in ROW_FILTERS:
            rows = rows.filter(ROW_FILTERS[show])
        page = Paginator(rows.order_by("row"), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        can_add = ImportBatch.objects.restrict(user, Action.ADD).filter(pk=batch.pk).exists()
        can_undo = ImportBatch.objects.restrict(user, Action.DELETE).filter(pk=batch.pk).exists()
        summary = batch.summary or {}
        context.update(
            page=page,
            rows=page.object_list,
            show=show,
            query=f"show={show}" if show else "",
            filters=[
                ("", _("All rows")),
                ("problems", _("Problems")),
                ("duplicates", _("Duplicates")),
                ("create", _("New people")),
                ("update", _("Updates and merges")),
                ("skip", _("Skipped")),
            ],
            plan=summary.get("plan"),
            result=summary.get("result"),
            search_ready_at=parse_datetime(summary.get("search_ready_at") or ""),
            earlier=summary.get("earlier") or [],
            can_add=can_add,
            can_undo=can_undo,
            commit_form=ImportCommitForm(initial={"on_duplicate": batch.on_duplicate or "skip"}),
            has_problems=ImportRow.objects.restrict(user, Action.VIEW)
            .filter(batch=batch, action__in=(RowAction.ERROR, RowAction.FAILED))
            .exists(),
        )
        return context


class ImportCommitView(_BatchMixin, ScopedActionView):
    success_message = gettext_lazy("The import is running; this page shows its progress.")

    def perform(self, obj):
        form = ImportCommitForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose what to do with duplicates."))
        services.import_commit(
            actor=self.request.user, batch=obj, on_duplicate=form.cleaned_data["on_duplicate"]
        )


class ImportUndoView(_BatchMixin, ScopedActionView):
    action = Action.DELETE

    def perform(self, obj):
        counts = services.import_undo(actor=self.request.user, batch=obj)
        messages.success(
            self.request,
            _("Import undone: %(removed)s people removed, %(restored)s restored.")
            % {"removed": counts.get("removed", 0), "restored": counts.get("restored", 0)},
        )


class ImportDiscardView(_BatchMixin, ScopedActionView):
    success_message = gettext_lazy("The upload was discarded.")

    def perform(self, obj):
        services.import_discard(actor=self.request.user, batch=obj)

    def get_success_url(self, obj):
        return reverse("people:import_list")


class ImportErrorsView(_BatchMixin):
    """The rows that were (or would be) left out, as the user sent them plus what to fix."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        batch = self.get_object()
        notes = {
            row: sheets.error_notes(problems)
            for row, problems in ImportRow.objects.restrict(request.user, Action.VIEW)
            .filter(batch=batch, action__in=(RowAction.ERROR, RowAction.FAILED))
            .values_list("row", "problems")
        }
        if not notes:
            messages.info(request, _("No row has a problem."))
            return HttpResponseRedirect(reverse("people:import_detail", args=[batch.public_id]))
        cells = runs.rows_to_fix(batch, notes)
        rows = [(cells.get(number, []), notes[number]) for number in sorted(notes)]
        audit.record(
            actor=request.user,
            action="export.import_errors",
            obj=batch,
            changes={"rows": [None, len(rows)]},
        )
        response = HttpResponse(sheets.error_workbook(batch.headers, rows), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="import-errors-{sheets.stamp()}.xlsx"'
        )
        return response
