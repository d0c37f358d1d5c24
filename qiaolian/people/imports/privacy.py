"""What an import keeps of the file, and for how long (issue 10, finding 1).

An ID card or passport number lives in clear only inside the encrypted fields of a person.
Everything else an import keeps is masked or goes:

- the examples the mapping page shows under each column are masked for every column that is
  sensitive: mapped (or auto-mapped by its header) to an ID or passport number, or holding a
  value shaped like one, whatever its header says; they are dropped once the mapping is saved;
- the uploaded file is deleted when the import is committed or discarded;
- `expire_abandoned()` (a daily periodic task) discards batches nobody committed or discarded
  within `IMPORT_RETENTION_DAYS`, and clears what any older batch still holds.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.crypto import mask
from qiaolian.people.models import ImportBatch, ImportRow

SENSITIVE_FIELDS = frozenset({"id_number", "passport_number"})
SAMPLES = 3
# Resident ID (18 digits, the last may be X; the old 15-digit form), a passport (one or two
# letters, then 7 to 9 digits: G12345678, E12345678, PE1234567) and Hong Kong/Macao/Taiwan
# travel permits (C/H/M/T and 8 digits). Spaces and dashes that people type are ignored.
_SENSITIVE_SHAPES = re.compile(
    r"\d{17}[\dXx]|\d{15}|[A-Za-z]{1,2}\d{7,9}",
)
_TYPED = re.compile(r"[\s\-]")
Status = ImportBatch.Status
WAITING = (Status.UPLOADED, Status.PREVIEWED, Status.FAILED, Status.REFUSED)


def looks_sensitive(value: str) -> bool:
    """Whether a cell is shaped like an ID card or passport number."""
    return bool(_SENSITIVE_SHAPES.fullmatch(_TYPED.sub("", value or "")))


def sensitive_columns(mapping: list[str], rows: list[list[str]]) -> set[int]:
    """Indexes of the columns to treat as sensitive: mapped to an ID or passport number, or
    holding at least one value shaped like one."""
    found = {index for index, key in enumerate(mapping) if key in SENSITIVE_FIELDS}
    for row in rows:
        for index, value in enumerate(row):
            if index not in found and value and looks_sensitive(value):
                found.add(index)
    return found


def masked_samples(headers: list[str], mapping: list[str], rows: list[list[str]]):
    """Up to SAMPLES examples per column from the first rows, masked where sensitive."""
    head = rows[:200]
    sensitive = sensitive_columns(mapping, head)
    samples: list[list[str]] = [[] for _header in headers]
    for row in head:
        for index, value in enumerate(row[: len(headers)]):
            if value and len(samples[index]) < SAMPLES:
                value = value.strip()[:40]
                samples[index].append(mask(value) if index in sensitive else value)
    return samples


def shown_samples(batch: ImportBatch) -> list[list[str]]:
    """The examples the mapping page shows, masked again at display (a batch stored before
    masking, or a column the user has just mapped as an ID number)."""
    samples = (batch.summary or {}).get("samples") or []
    mapping = list(batch.mapping or []) if isinstance(batch.mapping, list) else []
    columns = [list(column) for column in samples]
    width = max((len(column) for column in columns), default=0)
    rows = [[c[i] if i < len(c) else "" for c in columns] for i in range(width)]
    sensitive = sensitive_columns(mapping, rows)
    return [
        [mask(value) if index in sensitive else value for value in column]
        for index, column in enumerate(columns)
    ]


def safe_label(value: str) -> str:
    """A row's label when it has no name (its first cell): masked if shaped like a number."""
    return mask(value.strip()) if looks_sensitive(value) else value


def forget_upload(batch: ImportBatch, *, keep_file: bool = False) -> list[str]:
    """Delete the uploaded file (once the transaction commits) and the column examples;
    `keep_file` drops the examples only. Returns the fields changed; the caller saves them."""
    changed = []
    if batch.file and not keep_file:
        name, storage = batch.file.name, batch.file.storage
        transaction.on_commit(lambda: storage.delete(name))
        batch.file = ""
        changed.append("file")
    if "samples" in (batch.summary or {}):
        batch.summary = {k: v for k, v in batch.summary.items() if k != "samples"}
        changed.append("summary")
    return changed


def expire_abandoned(*, days: int | None = None) -> int:
    """Discard batches left waiting longer than `days` (IMPORT_RETENTION_DAYS): their file,
    examples and preview rows go, the batch stays as a record. Finished batches that still
    hold a file or examples (kept before this rule) are cleared whatever their age.
    Returns the number of batches changed."""
    days = settings.IMPORT_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    changed = 0
    # scoping: exempt, maintenance across every unit (no user is reading)
    old = ImportBatch.objects.filter(created_at__lt=cutoff).select_related("unit")
    for batch in old.filter(status__in=WAITING).iterator():
        with transaction.atomic():
            ImportRow.objects.filter(batch=batch).delete()  # scoping: exempt, maintenance
            fields = forget_upload(batch)
            batch.status = Status.DISCARDED
            batch.message = _("Discarded after %(days)s days without a commit.") % {"days": days}
            batch.save(update_fields=[*fields, "status", "message"])
            audit.record(actor=None, action="import.expire", obj=batch, message=f"{days}d")
        changed += 1
    # scoping: exempt, maintenance across every unit (no user is reading)
    finished = ImportBatch.objects.filter(
        status__in=(Status.COMMITTED, Status.UNDONE, Status.DISCARDED)
    )
    for batch in finished.iterator():
        if batch.file or "samples" in (batch.summary or {}):
            with transaction.atomic():
                batch.save(update_fields=forget_upload(batch))
            changed += 1
    return changed
