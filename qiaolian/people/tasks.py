"""Background work of the people app (django.tasks): checking and committing imports, and
indexing imported people for search. Queued with `enqueue_on_commit` by the services."""

from __future__ import annotations

from django.tasks import task
from django.utils import translation

from qiaolian.core.models import User
from qiaolian.people.imports.runs import commit_batch, index_batch, run_analysis
from qiaolian.people.models import ImportBatch


def _load(batch_id: str, actor_id: int | None = None):
    batch = ImportBatch.objects.select_related("unit").get(public_id=batch_id)
    actor = User.objects.get(pk=actor_id) if actor_id else None
    return batch, actor


def _tell(batch: ImportBatch, actor, kind: str) -> None:
    """The bell of whoever started the work: the preview or the import is ready (or failed).
    The outcome is the status's code, shown in the reader's language (`status_label`)."""
    from django.urls import reverse

    from qiaolian.core.services import notification_send

    batch.refresh_from_db(fields=["status"])
    notification_send(
        recipients=[actor],
        kind=kind,
        params={"file": batch.file_name, "outcome": batch.status},
        url=reverse("people:import_detail", args=[batch.public_id]),
    )


@task()
def analyse_import(batch_id: str, actor_id: int, language: str = "zh-hans") -> dict:
    batch, actor = _load(batch_id, actor_id)
    if batch.status != ImportBatch.Status.ANALYSING:
        return {"skipped": batch.status}
    with translation.override(language):
        result = run_analysis(actor=actor, batch=batch)
    _tell(batch, actor, "people.import_checked")
    return result


@task()
def commit_import(batch_id: str, actor_id: int, language: str = "zh-hans") -> dict:
    batch, actor = _load(batch_id, actor_id)
    if batch.status != ImportBatch.Status.COMMITTING:
        return {"skipped": batch.status}
    with translation.override(language):
        result = commit_batch(actor=actor, batch=batch)
    _tell(batch, actor, "people.import_finished")
    if batch.status == ImportBatch.Status.COMMITTED:
        # The search index of the new people is built next, by a worker: the import is done,
        # and the people list shows them, while it runs.
        index_import.enqueue(str(batch.public_id))
    return result


@task()
def index_import(batch_id: str) -> int:
    batch, _actor = _load(batch_id)
    return index_batch(batch)


@task()
def expire_abandoned_imports() -> int:
    """Periodic: discard imports left waiting for IMPORT_RETENTION_DAYS (privacy.py)."""
    from qiaolian.people.imports.privacy import expire_abandoned

    return expire_abandoned()
