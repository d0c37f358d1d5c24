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


@task()
def analyse_import(batch_id: str, actor_id: int, language: str = "zh-hans") -> dict:
    batch, actor = _load(batch_id, actor_id)
    if batch.status != ImportBatch.Status.ANALYSING:
        return {"skipped": batch.status}
    with translation.override(language):
        return run_analysis(actor=actor, batch=batch)


@task()
def commit_import(batch_id: str, actor_id: int, language: str = "zh-hans") -> dict:
    batch, actor = _load(batch_id, actor_id)
    if batch.status != ImportBatch.Status.COMMITTING:
        return {"skipped": batch.status}
    with translation.override(language):
        result = commit_batch(actor=actor, batch=batch)
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
