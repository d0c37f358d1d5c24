"""The import use cases: upload, map and check, commit, undo, discard — and the runners the
background tasks and the CLI call. Each write is audited (`import.*`)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.models import AuditEvent, Unit
from qiaolian.core.scoping import Action, require_unit
from qiaolian.core.tasks import enqueue_on_commit
from qiaolian.people.imports import committing, pipeline
from qiaolian.people.imports.bulk import gc_paused
from qiaolian.people.imports.errors import ImportRefused
from qiaolian.people.imports.hostile import inspect_file
from qiaolian.people.imports.mapping import auto_map, is_header, mapping_problems, normalise_mapping
from qiaolian.people.imports.reading import Table, read_table
from qiaolian.people.models import ImportBatch, ImportRow

Status = ImportBatch.Status
SAMPLES = 3


@gc_paused()
def read_upload(file_name: str, data: bytes) -> tuple[str, Table]:
    """Inspect and read an uploaded file; ImportRefused when it must not be imported."""
    kind = inspect_file(file_name, data)
    return kind, read_table(kind, data, is_header=is_header)


def import_upload(
    *, actor, unit: Unit, file_name: str, data: bytes, keep_table: bool = False
) -> ImportBatch:
    """Keep an uploaded file as a new batch with its columns mapped automatically.

    A refused file (ImportRefused) leaves nothing but a failure row in the audit log.
    `keep_table`: the CLI commits in the same process, so the batch keeps the sheet it read."""
    require_unit(actor, Action.ADD, unit)
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
            mapping=auto_map(table.headers),
            summary={"samples": _samples(table), "earlier": _earlier(actor, digest)},
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


def _samples(table: Table) -> list[list[str]]:
    samples: list[list[str]] = [[] for _header in table.headers]
    for row in table.rows[:200]:
        for index, value in enumerate(row):
            if value and len(samples[index]) < SAMPLES:
                samples[index].append(value[:40])
    return samples


def _earlier(actor, digest: str) -> list[dict]:
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
    """Save the column mapping and queue the check that builds the preview."""
    require_unit(actor, Action.ADD, batch.unit)
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
    batch.save(update_fields=["mapping", "on_duplicate", "status", "progress", "message"])
    from qiaolian.people.tasks import analyse_import

    enqueue_on_commit(
        analyse_import, str(batch.public_id), actor.pk, translation.get_language() or "zh-hans"
    )
    return batch


@transaction.atomic
def import_commit(*, actor, batch: ImportBatch, on_duplicate: str) -> ImportBatch:
    """Queue the commit of a previewed batch."""
    require_unit(actor, Action.ADD, batch.unit)
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
    from qiaolian.people.tasks import commit_import

    enqueue_on_commit(
        commit_import, str(batch.public_id), actor.pk, translation.get_language() or "zh-hans"
    )
    return batch


def import_undo(*, actor, batch: ImportBatch):
    return committing.undo_batch(actor=actor, batch=batch)


@transaction.atomic
def import_discard(*, actor, batch: ImportBatch) -> ImportBatch:
    """Drop an uncommitted upload: its file and its preview go, the batch stays as a record."""
    require_unit(actor, Action.ADD, batch.unit)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (Status.UPLOADED, Status.PREVIEWED, Status.FAILED):
        raise ValidationError(_("Only an import that was not committed can be discarded."))
    ImportRow.objects.filter(batch=batch).delete()
    if batch.file:
        batch.file.delete(save=False)
    batch.status = Status.DISCARDED
    batch.save(update_fields=["status", "file"])
    audit.record(actor=actor, action="import.discard", obj=batch)
    return batch


# --- runners: the work of the background tasks (and of the CLI, in process) ---------------


def _progress(batch: ImportBatch, start: int, span: int) -> Callable[[int], None]:
    last = [-1]

    def report(percent: int) -> None:
        value = start + span * percent // 100
        if value != last[0]:
            last[0] = value
            ImportBatch.objects.filter(pk=batch.pk).update(progress=value)

    return report


def load_table(batch: ImportBatch) -> Table:
    kept = getattr(batch, "_table", None)
    if kept is not None:
        return kept
    with batch.file.open("rb") as handle:
        data = handle.read()
    return read_upload(batch.file_name, data)[1]


@gc_paused()
def run_analysis(*, actor, batch: ImportBatch) -> dict:
    """Build the preview: ImportRow per row with its planned action, counts on the batch."""
    try:
        table = load_table(batch)
        plan = pipeline.analyse(
            actor=actor,
            table=table,
            mapping=normalise_mapping(batch.mapping, len(table.headers)),
            on_duplicate=batch.on_duplicate,
            batch=batch,
            progress=_progress(batch, 0, 90),
        )
        pipeline.store_plan(batch, plan)
    except ImportRefused as exc:
        _finish(batch, Status.REFUSED, message=exc.message)
        return {"status": Status.REFUSED}
    except Exception as exc:
        _finish(batch, Status.FAILED, message=_failure(exc))
        raise
    counts = plan.counts()
    _finish(batch, Status.PREVIEWED, summary={**batch.summary, "plan": counts})
    return counts


@gc_paused()
def run_commit(
    *, actor, batch: ImportBatch, index_now: bool = False, timings: dict | None = None
) -> dict:
    """Re-check against the register as it is now, then write. Returns the final counts.
    `timings` (the benchmark's) receives the seconds of each phase."""
    clock = time.perf_counter()
    timings = timings if timings is not None else {}
    try:
        table = load_table(batch)
        plan = pipeline.analyse(
            actor=actor,
            table=table,
            mapping=normalise_mapping(batch.mapping, len(table.headers)),
            on_duplicate=batch.on_duplicate,
            batch=batch,
            progress=_progress(batch, 0, 30),
        )
        timings["validate and find duplicates"] = time.perf_counter() - clock
        clock = time.perf_counter()
        counts = committing.commit_plan(
            actor=actor, batch=batch, plan=plan, progress=_progress(batch, 30, 70)
        )
        timings["commit"] = time.perf_counter() - clock
    except (PermissionDenied, ImportRefused) as exc:
        _finish(batch, Status.FAILED, message=str(exc))
        return {"status": Status.FAILED}
    except Exception as exc:
        _finish(batch, Status.FAILED, message=_failure(exc))
        raise
    result = result_counts(batch)
    result["duplicates"] = plan.counts()["duplicates"]
    batch.committed_at = timezone.now()
    _finish(batch, Status.COMMITTED, summary={**batch.summary, "result": result})
    audit.record(actor=actor, action="import.commit", obj=batch, changes=dict(counts))
    if index_now:
        index_batch(batch)
    else:
        # The search index of the new people (~26 rows each) is built by a worker after the
        # commit: the import is done, and the people list shows them, while it runs; the
        # report says when search finds them (`summary["search_ready_at"]`).
        from qiaolian.people.tasks import index_import

        index_import.enqueue(str(batch.public_id))
    return result


@gc_paused()
def index_batch(batch: ImportBatch) -> int:
    """Add the batch's new people to the search index (people it updated were indexed as
    they were written). The same tokens as `people.search.reindex_people`, written with the
    import's fast inserter."""
    from collections import defaultdict
    from types import SimpleNamespace

    from qiaolian.people.imports.bulk import Inserter
    from qiaolian.people.imports.matching import chunks
    from qiaolian.people.models import Person, PersonContact, PersonSearchToken
    from qiaolian.people.search.index import tokens_of

    fields = ("pk", "unit_id", "surname", "given_name", "name_pinyin", "name_initials",
              "romanized_names", "merged_into_id")  # fmt: skip
    ids = list(
        Person.objects.filter(import_batch=batch).order_by("pk").values_list("pk", flat=True)
    )
    inserter = Inserter(PersonSearchToken)
    for chunk in chunks(ids, 5000):
        contacts: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for person_id, kind, normalized in PersonContact.objects.filter(
            person_id__in=chunk
        ).values_list("person_id", "kind", "normalized"):
            contacts[person_id].append((kind, normalized))
        rows = []
        for values in Person.objects.filter(pk__in=chunk).values_list(*fields):
            person = SimpleNamespace(**dict(zip(fields, values, strict=True)))
            rows += [
                {"token": token, "rank": rank, "person_id": person.pk, "unit_id": person.unit_id}
                for token, rank in tokens_of(person, contacts[person.pk]).items()
            ]
        with transaction.atomic():
            PersonSearchToken.objects.filter(person_id__in=chunk).delete()
            inserter.insert(rows)
    _search_ready(batch)
    return len(ids)


def _search_ready(batch: ImportBatch) -> None:
    """Note on the batch when search finds its new people: the import's report shows it."""
    with transaction.atomic():
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        current.summary = {**(current.summary or {}), "search_ready_at": timezone.now().isoformat()}
        current.save(update_fields=["summary"])
    batch.summary = current.summary


def result_counts(batch: ImportBatch) -> dict:
    RowAction = ImportRow.RowAction
    counts = dict.fromkeys(("rows", "created", "updated", "merged", "skipped", "failed"), 0)
    for action in ImportRow.objects.filter(batch=batch).values_list("action", flat=True):
        key = {
            RowAction.CREATED: "created",
            RowAction.UPDATED: "updated",
            RowAction.MERGED: "merged",
            RowAction.SKIPPED: "skipped",
            RowAction.FAILED: "failed",
        }.get(action)
        if key:
            counts[key] += 1
        counts["rows"] += 1
    return counts


def _failure(exc: Exception) -> str:
    return _(
        "The import stopped on an unexpected error (%(error)s); nothing of the unfinished "
        "part was written. Try again, or tell your administrator."
    ) % {"error": exc.__class__.__name__}


def _finish(batch: ImportBatch, status: str, *, message: str = "", summary=None) -> None:
    batch.status = status
    batch.message = message
    batch.finished_at = timezone.now()
    batch.progress = 100 if status in (Status.PREVIEWED, Status.COMMITTED) else batch.progress
    fields = ["status", "message", "finished_at", "progress", "committed_at"]
    if summary is not None:
        batch.summary = summary
        fields.append("summary")
    batch.save(update_fields=fields)


def run_cli_import(
    *, actor, unit: Unit, file_name: str, data: bytes, on_duplicate: str, dry_run: bool
) -> dict:
    """The CLI's import: the same steps as the pages, run in this process."""
    require_unit(actor, Action.ADD, unit)
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
