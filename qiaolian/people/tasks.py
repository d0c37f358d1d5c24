"""Background work of the people app (django.tasks): checking and committing imports, and
indexing imported people for search. Queued with `enqueue_on_commit` by the services."""

from __future__ import annotations

from django.tasks import task
from django.utils import translation

from qiaolian.core.models import User
from qiaolian.people.models import ImportBatch


def _load(batch_id: str, actor_id: int | None = None):
    batch = ImportBatch.objects.select_related("unit").get(public_id=batch_id)
    actor = User.objects.get(pk=actor_id) if actor_id else None
    return batch, actor


@task()
def analyse_import(batch_id: str, actor_id: int, language: str = "zh-hans") -> dict:
    from qiaolian.people.imports.services import run_analysis

    batch, actor = _load(batch_id, actor_id)
    if batch.status != ImportBatch.Status.ANALYSING:
        return {"skipped": batch.status}
    with translation.override(language):
        return run_analysis(actor=actor, batch=batch)


@task()
def commit_import(batch_id: str, actor_id: int, language: str = "zh-hans") -> dict:
    from qiaolian.people.imports.services import run_commit

    batch, actor = _load(batch_id, actor_id)
    if batch.status != ImportBatch.Status.COMMITTING:
        return {"skipped": batch.status}
    with translation.override(language):
        return run_commit(actor=actor, batch=batch)


@task()
def index_import(batch_id: str) -> int:
    from qiaolian.people.imports.services import index_batch

    batch, _actor = _load(batch_id)
    return index_batch(batch)
