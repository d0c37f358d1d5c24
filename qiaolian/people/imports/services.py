"""The import use cases: upload, map and check, commit, undo, discard, and the CLI's import.
Each write is audited (`import.*`); the work the background tasks run is in runs.py."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.models import AuditEvent, Unit
from qiaolian.core.scoping import Action, require_unit
from qiaolian.core.tasks import enqueue_on_commit
from qiaolian.people.apps import PEOPLE
from qiaolian.people.imports import committing, pipeline
from qiaolian.people.imports.errors import ImportRefused
from qiaolian.people.imports.mapping import auto_map, mapping_problems, normalise_mapping
from qiaolian.people.imports.privacy import forget_upload, masked_samples
from qiaolian.people.imports.runs import (
    commit_batch,
    index_batch,
    read_upload,
)
from qiaolian.people.models import ImportBatch, ImportRow
from qiaolian.people.tasks import analyse_import, commit_import, index_import

Status = ImportBatch.Status


def import_upload(
    *, actor, unit: Unit, file_name: str, data: bytes, keep_table: bool = False
) -> ImportBatch:
    """Keep an uploaded file as a new batch with its columns mapped automatically.

    A refused file (ImportRefused) leaves nothing but a failure row in the audit log.
    `keep_table`: the CLI commits in the same process, so the batch keeps the sheet it read."""
    require_unit(actor, PEOPLE.ADD, unit)
    file_name = PurePath(file_name or "upload").name[:200]
    try:
        kind, table = read_upload(file_name, data)
    except ImportRefused as exc:
        audit.record(
            actor=actor,
            action="import.refused",
            unit=unit,
            outcome=AuditEvent.Outcome.FAILURE,
            message=f"{file_name}: {exc.code}",
        )
        raise
    digest = hashlib.sha256(data).hexdigest()
    mapping = auto_map(table.headers)
    with transaction.atomic():
        batch = ImportBatch(
            unit=unit,
            created_by=actor,
            file_name=file_name,
            file_sha256=digest,
            file_kind=kind,
            headers=table.headers,
            header_row=table.header_row,
            row_count=len(table),
            mapping=mapping,
            summary={
                "samples": masked_samples(table.headers, mapping, table.rows),
                "earlier": _earlier(actor=actor, digest=digest),
            },
        )
        batch.file.save(f"{digest[:16]}.{kind}", ContentFile(data), save=False)
        batch.save()
        audit.record(
            actor=actor,
            action="import.upload",
            obj=batch,
            changes={"file": [None, file_name], "rows": [None, len(table)]},
        )
    if keep_table:
        batch._table = table  # type: ignore[attr-defined]
    return batch


def _earlier(*, actor, digest: str) -> list[dict]:
    """Committed imports of the same file that the user can see (re-imports create nothing)."""
    return [
        {"public_id": str(public_id), "date": created.date().isoformat(), "file": name}
        for public_id, created, name in ImportBatch.objects.restrict(actor, Action.VIEW)
        .filter(file_sha256=digest, status=Status.COMMITTED)
        .values_list("public_id", "created_at", "file_name")[:5]
    ]


@transaction.atomic
def import_analyse(
    *, actor, batch: ImportBatch, mapping: list[str], on_duplicate: str = "skip"
) -> ImportBatch:
    """Save the column mapping and queue the check that builds the preview. The column
    examples the mapping page showed are dropped: they were only there to choose it."""
    require_unit(actor, PEOPLE.ADD, batch.unit)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (Status.UPLOADED, Status.PREVIEWED, Status.FAILED):
        raise ValidationError(_("This import can no longer be changed."))
    mapping = normalise_mapping(mapping, len(batch.headers))
    problems = mapping_problems(mapping, batch.headers)
    if problems:
        raise ValidationError(problems)
    if on_duplicate not in pipeline.ON_DUPLICATE:
        raise ValidationError(_("Choose what to do with duplicates."))
    batch.mapping = mapping
    batch.on_duplicate = on_duplicate
    batch.status = Status.ANALYSING
    batch.progress = 0
    batch.message = ""
    forgotten = forget_upload(batch, keep_file=True)
    batch.save(
        update_fields=["mapping", "on_duplicate", "status", "progress", "message", *forgotten]
    )
    enqueue_on_commit(
        analyse_import, str(batch.public_id), actor.pk, translation.get_language() or "zh-hans"
    )
    return batch


@transaction.atomic
def import_commit(*, actor, batch: ImportBatch, on_duplicate: str) -> ImportBatch:
    """Queue the commit of a previewed batch."""
    require_unit(actor, PEOPLE.ADD, batch.unit)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (Status.PREVIEWED, Status.FAILED) or not batch.mapping:
        raise ValidationError(_("Only a checked import can be committed."))
    if on_duplicate not in pipeline.ON_DUPLICATE:
        raise ValidationError(_("Choose what to do with duplicates."))
    batch.on_duplicate = on_duplicate
    batch.status = Status.COMMITTING
    batch.progress = 0
    batch.committed_by = actor
    batch.message = ""
    batch.save(update_fields=["on_duplicate", "status", "progress", "committed_by", "message"])
    enqueue_on_commit(
        commit_import, str(batch.public_id), actor.pk, translation.get_language() or "zh-hans"
    )
    return batch


def import_undo(*, actor, batch: ImportBatch):
    return committing.undo_batch(actor=actor, batch=batch)


@transaction.atomic
def import_discard(*, actor, batch: ImportBatch) -> ImportBatch:
    """Drop an uncommitted upload: its file, examples and preview go, the batch stays as a
    record."""
    require_unit(actor, PEOPLE.ADD, batch.unit)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (Status.UPLOADED, Status.PREVIEWED, Status.FAILED):
        raise ValidationError(_("Only an import that was not committed can be discarded."))
    ImportRow.objects.filter(batch=batch).delete()
    forgotten = forget_upload(batch)
    batch.status = Status.DISCARDED
    batch.save(update_fields=["status", *forgotten])
    audit.record(actor=actor, action="import.discard", obj=batch)
    return batch


# --- the commit's runner (the background task's and the CLI's) ---------------------------


def run_commit(
    *, actor, batch: ImportBatch, index_now: bool = False, timings: dict | None = None
) -> dict:
    """Commit the batch (`runs.commit_batch`), then add its new people to the search index:
    at once with `index_now` (the CLI), else by a worker after the commit (the pages): the
    import is done, and the people list shows them, while it runs; the report says when
    search finds them (`summary["search_ready_at"]`)."""
    result = commit_batch(actor=actor, batch=batch, timings=timings)
    if batch.status == Status.COMMITTED:
        if index_now:
            index_batch(batch)
        else:
            index_import.enqueue(str(batch.public_id))
    return result


def run_cli_import(
    *, actor, unit: Unit, file_name: str, data: bytes, on_duplicate: str, dry_run: bool
) -> dict:
    """The CLI's import: the same steps as the pages, run in this process."""
    require_unit(actor, PEOPLE.ADD, unit)
    if dry_run:
        _kind, table = read_upload(file_name, data)
        mapping = auto_map(table.headers)
        problems = mapping_problems(mapping, table.headers)
        if problems:
            raise ImportRefused(" ".join(problems), code="mapping")
        plan = pipeline.analyse(
            actor=actor, table=table, mapping=mapping, on_duplicate=on_duplicate
        )
        counts = plan.counts()
        return {
            "rows": counts["rows"],
            "created": counts["create"],
            "updated": counts["update"] + counts["merge"],
            "skipped": counts["skip"],
            "duplicates": counts["duplicates"],
            "errors": [
                _error(row.number, problem)
                for row in plan.rows
                if plan.actions[row.index] == "error"
                for problem in row.problems
            ],
            "dry_run": True,
        }
    batch = import_upload(actor=actor, unit=unit, file_name=file_name, data=data)
    problems = mapping_problems(batch.mapping, batch.headers)
    if problems:
        import_discard(actor=actor, batch=batch)
        raise ImportRefused(" ".join(problems), code="mapping")
    batch.on_duplicate = on_duplicate
    batch.status = Status.COMMITTING
    batch.committed_by = actor
    batch.save(update_fields=["on_duplicate", "status", "committed_by"])
    result = run_commit(actor=actor, batch=batch, index_now=True)
    if batch.status != Status.COMMITTED:
        raise ImportRefused(batch.message, code="failed")
    errors = [
        _error(row, problem)
        for row, problems in ImportRow.objects.filter(
            batch=batch, action=ImportRow.RowAction.FAILED
        ).values_list("row", "problems")
        for problem in problems
    ]
    return {
        "rows": result["rows"],
        "created": result["created"],
        "updated": result["updated"] + result["merged"],
        "skipped": result["skipped"],
        "duplicates": result["duplicates"],
        "errors": errors,
        "batch": str(batch.public_id),
    }


def _error(row: int, problem) -> dict:
    data = problem if isinstance(problem, dict) else problem.as_dict()
    message = data["message"]
    if data.get("value"):
        message = f"“{data['value']}”: {message}"
    return {"row": row, "column": data.get("column", ""), "message": message}
