"""The work behind the import's background tasks (people/tasks.py) and the CLI: reading the
upload, building the preview, committing, and indexing the new people for search. The
use cases that queue this work are in services.py."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.people.imports import committing, pipeline
from qiaolian.people.imports.bulk import gc_paused
from qiaolian.people.imports.errors import ImportRefused
from qiaolian.people.imports.hostile import inspect_file
from qiaolian.people.imports.mapping import is_header, normalise_mapping
from qiaolian.people.imports.privacy import forget_upload
from qiaolian.people.imports.reading import Table, read_table
from qiaolian.people.models import ImportBatch, ImportRow

Status = ImportBatch.Status


@gc_paused()
def read_upload(file_name: str, data: bytes) -> tuple[str, Table]:
    """Inspect and read an uploaded file; ImportRefused when it must not be imported."""
    kind = inspect_file(file_name, data)
    return kind, read_table(kind, data, is_header=is_header)


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


def _analyse(*, actor, batch: ImportBatch, progress_end: int):
    """Read the upload and plan every row against the register as it is now."""
    table = load_table(batch)
    return pipeline.analyse(
        actor=actor,
        table=table,
        mapping=normalise_mapping(batch.mapping, len(table.headers)),
        on_duplicate=batch.on_duplicate,
        batch=batch,
        progress=_progress(batch, 0, progress_end),
    )


@gc_paused()
def run_analysis(*, actor, batch: ImportBatch) -> dict:
    """Build the preview: ImportRow per row with its planned action, counts on the batch."""
    try:
        plan = _analyse(actor=actor, batch=batch, progress_end=90)
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
def commit_batch(*, actor, batch: ImportBatch, timings: dict | None = None) -> dict:
    """Re-check against the register as it is now, then write. Returns the final counts.
    `timings` (the benchmark's) receives the seconds of each phase. The search index of the
    new people (~26 rows each) is built afterwards (`index_batch`)."""
    clock = time.perf_counter()
    timings = timings if timings is not None else {}
    try:
        plan = _analyse(actor=actor, batch=batch, progress_end=30)
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
    with transaction.atomic():
        # What was written now lives in the register (sensitive numbers encrypted): the
        # upload and its column examples go (privacy.py); the rows left out are kept,
        # encrypted, for the sheet of rows to fix.
        keep_rows_to_fix(batch, plan.table)
        forgotten = forget_upload(batch)
        _finish(
            batch, Status.COMMITTED, summary={**batch.summary, "result": result}, extra=forgotten
        )
        audit.record(actor=actor, action="import.commit", obj=batch, changes=dict(counts))
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


def keep_rows_to_fix(batch: ImportBatch, table: Table) -> None:
    failed = set(
        ImportRow.objects.filter(batch=batch, action=ImportRow.RowAction.FAILED).values_list(
            "row", flat=True
        )
    )
    for number, cells in zip(table.numbers, table.rows, strict=True):
        if number in failed:
            ImportRow.objects.filter(batch=batch, row=number).update(
                cells=json.dumps(cells, ensure_ascii=False)
            )


def rows_to_fix(batch: ImportBatch, numbers) -> dict[int, list[str]]:
    """The cells of the given rows as the user typed them: from the upload while it is kept,
    else from the encrypted copy the commit kept of the rows it left out."""
    if batch.file:
        table = load_table(batch)
        wanted = set(numbers)
        return {
            number: cells
            for number, cells in zip(table.numbers, table.rows, strict=True)
            if number in wanted
        }
    kept = ImportRow.objects.filter(batch=batch, row__in=list(numbers)).exclude(cells="")
    return {row.row: json.loads(row.cells) for row in kept.only("row", "cells")}


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


def _finish(batch: ImportBatch, status: str, *, message: str = "", summary=None, extra=()) -> None:
    batch.status = status
    batch.message = message
    batch.finished_at = timezone.now()
    batch.progress = 100 if status in (Status.PREVIEWED, Status.COMMITTED) else batch.progress
    fields = ["status", "message", "finished_at", "progress", "committed_at", *extra]
    if summary is not None:
        batch.summary = summary
        fields.append("summary")
    batch.save(update_fields=fields)
