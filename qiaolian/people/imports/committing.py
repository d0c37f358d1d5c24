"""Writing an analysed import, and taking it back.

`commit_plan` writes the rows in chunks, one transaction each: a chunk's new people, their
contacts and the chunk's ImportRow records go in together or not at all, so no row is ever
half-written; a chunk that fails is retried row by row, and only the rows that still fail
are marked as not imported. Before a chunk's transaction commits, one aggregate query checks
that every person it created is inside the actor's scope (STYLE.md: bulk imports check all
created ids in one query).

Updates and merges of existing people go one by one (they are few): the fields before the
change and the contacts added are kept on the row (`before`, sensitive numbers encrypted),
with the person's `version` after the change, so `undo_batch` can restore them while nobody
has changed the person since.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.crypto import blind_index, decrypt, encrypt
from qiaolian.core.scoping import Action, OutOfScope, require_unit
from qiaolian.people.apps import PEOPLE
from qiaolian.people.identity import mask_sensitive
from qiaolian.people.imports.bulk import Inserter, gc_paused, reserve_ids
from qiaolian.people.imports.matching import chunks
from qiaolian.people.imports.pipeline import Plan, describe, match_data
from qiaolian.people.imports.validation import CleanRow
from qiaolian.people.models import ContactKind, ImportBatch, ImportRow, Person, PersonContact

logger = logging.getLogger(__name__)
RowAction = ImportRow.RowAction
DONE = (RowAction.CREATED, RowAction.UPDATED, RowAction.MERGED)
SENSITIVE = ("id_number", "passport_number")
CHUNK_ROWS = 20_000  # rows per transaction: fewer commits rewrite the same index pages less
# Rows computed from people, not work done on them: they go with the person, not block undo.
DERIVED = {"personsearchtoken", "duplicatecandidate"}


class UndoRefused(ValidationError):
    """Undo would overwrite later work; `rows` are the Excel row numbers concerned."""

    def __init__(self, message: str, rows: list[int]):
        super().__init__(message, code="undo_refused")
        self.rows = rows


@gc_paused()
def commit_plan(
    *,
    actor,
    batch: ImportBatch,
    plan: Plan,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int | None = None,
) -> Counter:
    """Write `plan` for `batch`; returns the counts of created/updated/merged/skipped/failed."""
    require_unit(actor, PEOPLE.ADD, batch.unit)
    writer = _Writer(actor, batch, plan)
    with transaction.atomic():
        # The preview's planned rows go; so do the skipped and failed rows of an interrupted
        # commit (they are decided again). What it already wrote (created, updated, merged)
        # stays, and `plan.done_rows` keeps those rows from being written twice.
        ImportRow.objects.filter(batch=batch).exclude(action__in=DONE).delete()
    todo = [row for row in plan.rows if row.number not in plan.done_rows]
    written = 0
    with _bulk_cache():
        for chunk in chunks(todo, chunk_rows or CHUNK_ROWS):
            _commit_chunk(writer, chunk, batch)
            written += len(chunk)
            if progress:
                progress(int(100 * written / max(len(todo), 1)))
    return writer.counts


@contextmanager
def _bulk_cache():
    """On SQLite, a page cache of 256 MB for the length of the import (the default 2 MB makes
    every index insert into a large register read pages again: twice the commit time)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _commit_chunk(writer: _Writer, chunk: list[CleanRow], batch: ImportBatch) -> None:
    """One transaction for the chunk; when it fails, one per row, so only bad rows fail."""
    try:
        with transaction.atomic():
            writer.write(chunk)
    except (DatabaseError, ValidationError, OutOfScope) as exc:
        logger.warning("import %s: chunk failed (%s); retrying row by row", batch.pk, exc)
        writer.rollback_counts()
        for row in chunk:
            try:
                with transaction.atomic():
                    writer.write([row])
            except (DatabaseError, ValidationError, OutOfScope) as row_exc:
                writer.rollback_counts()
                with transaction.atomic():
                    writer.fail(row, row_exc)


class _Writer:
    def __init__(self, actor, batch: ImportBatch, plan: Plan):
        self.actor = actor
        self.batch = batch
        self.plan = plan
        self.people = Inserter(Person, with_pk=True)
        self.contacts = Inserter(PersonContact)
        self.rows = Inserter(ImportRow)
        self.counts: Counter = Counter()
        self._pending: Counter = Counter()

    def rollback_counts(self) -> None:
        self._pending = Counter()

    def write(self, chunk: list[CleanRow]) -> None:
        self._pending = Counter()
        plan = self.plan
        creates = [row for row in chunk if plan.actions[row.index] == "create"]
        ids = reserve_ids(Person, len(creates))
        person_rows, contact_rows, import_rows = [], [], []
        new_ids = dict(zip((row.index for row in creates), ids, strict=True))
        for row, pk in zip(creates, ids, strict=True):
            person_rows.append(self._person(row, pk))
            contact_rows += self._contacts(row, pk, existing_kinds=())
        self.people.insert(person_rows)
        self.contacts.insert(contact_rows)
        # One aggregate query: every person this chunk created is inside the actor's scope.
        # The chunk's ids are the batch's only ones between its lowest and highest id.
        if ids and (
            Person.objects.restrict(self.actor, Action.VIEW)
            .filter(pk__gte=min(ids), pk__lte=max(ids), import_batch=self.batch)
            .count()
            != len(ids)
        ):
            raise OutOfScope(_("The imported people would leave your scope."))
        for row in chunk:
            action = plan.actions[row.index]
            record = self._record(row)
            if action == "create":
                record.update(action=RowAction.CREATED, person_id=new_ids[row.index])
            elif action in ("update", "merge"):
                record.update(self._update(row, plan.matches[row.index].person_id, action))
            elif action == "skip":
                record["action"] = RowAction.SKIPPED
            else:
                record["action"] = RowAction.FAILED
            self._pending[record["action"]] += 1
            import_rows.append(record)
        self.rows.insert(import_rows)
        self.counts.update(self._pending)

    def fail(self, row: CleanRow, exc: Exception) -> None:
        record = self._record(row)
        message = " ".join(getattr(exc, "messages", [])) or _(
            "The row could not be saved (%(error)s)."
        ) % {"error": exc.__class__.__name__}
        record.update(
            action=RowAction.FAILED,
            person_id=None,
            problems=[*record["problems"], {"column": "", "value": "", "message": message}],
        )
        self.rows.insert([record])
        self.counts[RowAction.FAILED] += 1

    def _record(self, row: CleanRow) -> dict:
        match = self.plan.matches.get(row.index)
        label, detail = describe(row, self.plan.table.rows[row.index])
        return {
            "batch_id": self.batch.pk,
            "row": row.number,
            "label": label,
            "detail": detail,
            "problems": [problem.as_dict() for problem in row.problems],
            "match": match_data(self.plan, row.index),
            "person_id": match.person_id if match and match.kind != "file" else None,
            "row_key": row.key,
            "before": None,
            "version_after": None,
        }

    def _person(self, row: CleanRow, pk: int) -> dict:
        values = dict(row.values)
        values.update(
            id=pk,
            unit_id=self.batch.unit_id,
            surname=row.surname,
            given_name=row.given_name,
            name_pinyin=row.pinyin,
            name_initials=row.initials,
            id_number=row.id_number,
            id_number_index=row.id_index,
            passport_number=row.passport_number,
            passport_index=row.passport_index,
            source="import",
            import_batch_id=self.batch.pk,
        )
        return values

    @staticmethod
    def _contacts(row: CleanRow, person_id: int, existing_kinds) -> list[dict]:
        contacts = []
        for position, (raw, e164, _region) in enumerate(row.phones):
            contacts.append(
                {
                    "person_id": person_id,
                    "kind": ContactKind.PHONE,
                    "value": raw[:120],
                    "normalized": e164,
                    "is_primary": position == 0 and ContactKind.PHONE not in existing_kinds,
                }
            )
        for position, (raw, email) in enumerate(row.emails):
            contacts.append(
                {
                    "person_id": person_id,
                    "kind": ContactKind.EMAIL,
                    "value": raw[:120],
                    "normalized": email,
                    "is_primary": position == 0 and ContactKind.EMAIL not in existing_kinds,
                }
            )
        return contacts

    def _update(self, row: CleanRow, person_id: int | None, mode: str) -> dict:
        """Update (file values win) or merge (file values fill blanks) one existing person."""
        skipped = {"action": RowAction.SKIPPED}
        current = Person.objects.select_for_update().filter(pk=person_id).first()
        if current is None or not (
            Person.objects.restrict(self.actor, Action.CHANGE).filter(pk=person_id).exists()
        ):
            return skipped
        changes: dict[str, list[Any]] = {}
        before: dict[str, Any] = {}
        for name, value in row.values.items():
            if name == "time_zone" and current.time_zone:
                continue
            old = _plain(getattr(current, name))
            blank = old in ("", None) or (name == "gender" and old == "u")
            if old == _plain(value) or (mode == "merge" and not blank):
                continue
            before[name] = old
            changes[name] = [old, _plain(value)]
            setattr(current, name, value)
        for name, index_name in (
            ("id_number", "id_number_index"),
            ("passport_number", "passport_index"),
        ):
            value = getattr(row, name)
            old = getattr(current, name) or ""
            if (
                value
                and blind_index(value) != getattr(current, index_name)
                and (mode == "update" or not old)
            ):
                before[name] = {"encrypted": encrypt(old)} if old else ""
                changes[name] = [mask_sensitive(name, old), mask_sensitive(name, value)]
                setattr(current, name, value)
                setattr(current, index_name, blind_index(value))
        existing = list(current.contacts.values_list("kind", "normalized"))
        known = {normalized for _kind, normalized in existing}
        fresh = CleanRow(index=row.index, number=row.number)
        fresh.phones = [p for p in row.phones if p[1] not in known]
        fresh.emails = [e for e in row.emails if e[1] not in known]
        if not changes and not fresh.phones and not fresh.emails:
            skipped["problems"] = []
            return skipped
        current.full_clean(exclude=["import_batch", "merged_into", "hometown_unit"])
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        added = self._contacts(fresh, current.pk, existing_kinds={kind for kind, _n in existing})
        contact_ids = [
            contact.pk
            for contact in PersonContact.objects.bulk_create(
                [PersonContact(**contact) for contact in added]
            )
        ]
        if added:
            changes["contacts"] = [sorted(known), sorted(known | {c["normalized"] for c in added})]
        _index(current)
        audit.record(
            actor=self.actor,
            action="person.update",
            obj=current,
            changes=changes,
            message=f"import {self.batch.public_id} row {row.number}",
        )
        return {
            "action": RowAction.UPDATED if mode == "update" else RowAction.MERGED,
            "person_id": current.pk,
            "before": {"fields": before, "contacts": contact_ids},
            "version_after": current.version,
        }


def _plain(value: Any) -> Any:
    if hasattr(value, "code") and not isinstance(value, str):  # django-countries' Country
        return value.code or ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _index(person: Person) -> None:
    from qiaolian.people.search import index_person

    index_person(person)


# --- undo ---------------------------------------------------------------------------------


def undo_batch(*, actor, batch: ImportBatch) -> Counter:
    """Remove the people the batch created and restore those it updated, all or nothing.

    Refused (UndoRefused, naming the rows) when any of them changed since the import — a
    newer version, or records that now point at a created person (family links, posts,
    group memberships …) — so undo never destroys later work."""
    require_unit(actor, PEOPLE.DELETE, batch.unit)
    counts: Counter = Counter()
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.COMMITTED:
            raise ValidationError(_("Only a committed import can be undone."))
        records = list(
            ImportRow.objects.filter(batch=batch, action__in=DONE, person__isnull=False).order_by(
                "row"
            )
        )
        person_ids = [record.person_id for record in records]
        locked = {}
        for ids in chunks(person_ids):
            for person in Person.objects.select_for_update().filter(pk__in=ids):
                locked[person.pk] = person
        allowed = set()
        for ids in chunks(person_ids):
            allowed.update(
                Person.objects.restrict(actor, Action.CHANGE)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
        created = [r for r in records if r.action == RowAction.CREATED and r.person_id in locked]
        dependants = _dependants([r.person_id for r in created])
        changed = [
            r
            for r in records
            if r.person_id in locked
            and (
                locked[r.person_id].version != (r.version_after or 1)
                or r.person_id in dependants
                or r.person_id not in allowed
            )
        ]
        if changed:
            shown = changed[:20]
            rows = "、".join(f"{r.row}（{r.label}）" for r in shown)
            more = len(changed) - len(shown)
            message = _(
                "The import cannot be undone: rows %(rows)s were changed or linked to other "
                "records after the import. Undo those changes first, or edit the people by hand."
            ) % {"rows": rows + (_(" and %(count)s more") % {"count": more} if more else "")}
            raise UndoRefused(message, [r.row for r in changed])
        for ids in chunks([r.person_id for r in created], 1000):
            Person.objects.filter(pk__in=ids, import_batch=batch).delete()
        counts["removed"] = len(created)
        for record in records:
            if record.action in (RowAction.UPDATED, RowAction.MERGED):
                _restore(actor=actor, batch=batch, person=locked[record.person_id], record=record)
                counts["restored"] += 1
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.save(update_fields=["status", "undone_at"])
        audit.record(actor=actor, action="import.undo", obj=batch, changes=dict(counts))
    return counts


def _dependants(person_ids: list[int]) -> set[int]:
    """People among `person_ids` that other records now point at (beyond what the import
    itself wrote — contacts, import rows — and derived rows: search tokens, duplicate
    candidates of a scan)."""
    own = {PersonContact, ImportRow}
    found: set[int] = set()
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if model in own or model._meta.model_name in DERIVED:
            continue
        if relation.many_to_many or not hasattr(relation, "field"):
            continue
        name = relation.field.name
        for ids in chunks(person_ids):
            found.update(
                model._base_manager.filter(**{f"{name}__in": ids}).values_list(name, flat=True)
            )
    return found


def _restore(*, actor, batch: ImportBatch, person: Person, record: ImportRow) -> None:
    before = record.before or {}
    changes = {}
    for name, old in (before.get("fields") or {}).items():
        if name in SENSITIVE:
            value = decrypt(old["encrypted"]) if isinstance(old, dict) else ""
            changes[name] = [
                mask_sensitive(name, getattr(person, name) or ""),
                mask_sensitive(name, value),
            ]
            setattr(person, name, value)
            index_name = "id_number_index" if name == "id_number" else "passport_index"
            setattr(person, index_name, blind_index(value))
            continue
        field = Person._meta.get_field(name)
        value = field.to_python(old) if old not in ("", None) else old
        changes[name] = [_plain(getattr(person, name)), old]
        setattr(person, name, value if value is not None else ("" if not field.null else None))
    contact_ids = before.get("contacts") or []
    if contact_ids:
        removed = list(
            PersonContact.objects.filter(pk__in=contact_ids, person=person).values_list(
                "normalized", flat=True
            )
        )
        PersonContact.objects.filter(pk__in=contact_ids, person=person).delete()
        changes["contacts"] = [removed, []]
    person.version = F("version") + 1
    person.save()
    person.refresh_from_db()
    _index(person)
    audit.record(
        actor=actor,
        action="person.update",
        obj=person,
        changes=changes,
        message=f"undo import {batch.public_id} row {record.row}",
    )
