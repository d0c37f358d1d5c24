"""The analysis of an import: every row's values, problems, duplicates and planned action.

`analyse()` reads the database (the register in the user's scope, earlier imports) but writes
nothing, so the CLI's --dry-run, the preview and the commit all run the same code; the preview
keeps its result as ImportRow rows (`store_plan`), the commit re-runs it against the register
as it is then and writes (`committing.commit_plan`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qiaolian.core.scoping import Action
from qiaolian.people.imports.bulk import Inserter, gc_paused
from qiaolian.people.imports.matching import LISTED, Match, Matcher, chunks, listed
from qiaolian.people.imports.privacy import safe_label
from qiaolian.people.imports.reading import Table
from qiaolian.people.imports.validation import CleanRow, Problem, Validator
from qiaolian.people.models import ImportBatch, ImportRow, Person

RowAction = ImportRow.RowAction
ON_DUPLICATE = ("skip", "update", "merge")
DONE = (RowAction.CREATED, RowAction.UPDATED, RowAction.MERGED)
Progress = Callable[[int], None]


def reason_label(kind: str) -> str:
    return {
        "id": _("same ID card number"),
        "passport": _("same passport number"),
        "phone": _("same phone number"),
        "name_birth": _("same name and birth date"),
        "probable": _("probably the same: same pinyin and the same last 7 digits of a phone"),
    }.get(kind, kind)


@dataclass
class Plan:
    table: Table
    rows: list[CleanRow]
    actions: list[str]
    on_duplicate: str
    matches: dict[int, Match] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    people: dict[int, dict] = field(default_factory=dict)  # matched person pk → display data
    done_rows: set[int] = field(default_factory=set)  # rows this batch already committed

    def counts(self) -> dict[str, int]:
        counts = {action: 0 for action in ("create", "update", "merge", "skip", "error")}
        for action in self.actions:
            counts[action] += 1
        counts["rows"] = len(self.rows)
        counts["duplicates"] = len(self.matches)  # in the register and within the file
        return counts


@gc_paused()
def analyse(
    *,
    actor,
    table: Table,
    mapping: list[str],
    on_duplicate: str = "skip",
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> Plan:
    if on_duplicate not in ON_DUPLICATE:
        raise ValueError(f"on_duplicate must be one of {ON_DUPLICATE}")
    validator = Validator(table.headers, mapping)
    rows = []
    total = len(table.rows) or 1
    step = max(total // 20, 1)
    for index, (number, raw) in enumerate(zip(table.numbers, table.rows, strict=True)):
        rows.append(validator.check(index, number, raw))
        if progress and index % step == 0:
            progress(int(70 * index / total))
    plan = Plan(table=table, rows=rows, actions=["create"] * len(rows), on_duplicate=on_duplicate)
    matcher = Matcher(actor)
    for index, match in matcher.within_file(rows).items():
        plan.matches[index] = match
        rows[index].problems.append(
            Problem(
                "",
                "",
                _(
                    "Same person as row %(row)s of this file (%(reason)s); delete one of the two "
                    "rows or combine them into one."
                )
                % {"row": match.row, "reason": reason_label(match.via)},
            )
        )
    for row in rows:
        if row.problems:
            plan.actions[row.index] = "error"
    if progress:
        progress(75)
    _already_imported(plan, actor, batch)
    pending = [row for row in rows if plan.actions[row.index] == "create"]
    register = matcher.in_register(pending)
    if progress:
        progress(90)
    _decide(plan, actor, register)
    if progress:
        progress(100)
    return plan


def _already_imported(plan: Plan, actor, batch: ImportBatch | None) -> None:
    """Rows whose content an earlier import (or this one, resumed) already committed."""
    keys = {row.key: row for row in plan.rows if row.key and plan.actions[row.index] == "create"}
    if not keys:
        return
    committed = Q(batch__status=ImportBatch.Status.COMMITTED)
    if batch is not None and batch.pk:
        committed |= Q(batch=batch)
    earlier = ImportRow.objects.restrict(actor, Action.VIEW).filter(
        committed,
        action__in=DONE,
        person__isnull=False,
        person__in=Person.objects.restrict(actor, Action.VIEW),
    )
    for batch_keys in chunks(sorted(keys), LISTED):
        for key, batch_id, file_name, created_at, row_number in earlier.filter(
            row_key__in=listed(batch_keys)
        ).values_list("row_key", "batch_id", "batch__file_name", "batch__created_at", "row"):
            row = keys[key]
            if batch is not None and batch_id == batch.pk:
                plan.done_rows.add(row.number)
            plan.actions[row.index] = "skip"
            plan.notes[row.index] = _(
                "Already imported from “%(file)s” on %(date)s (row %(row)s); nothing new."
            ) % {"file": file_name, "date": created_at.date().isoformat(), "row": row_number}


def _decide(plan: Plan, actor, register: dict[int, Match]) -> None:
    ids = {m.person_id for m in register.values()} | {
        pk for m in register.values() for pk in m.other_ids
    }
    visible = Person.objects.restrict(actor, Action.VIEW)
    changeable: set[int] = set()
    for batch_ids in chunks(sorted(ids)):
        for pk, public_id, surname, given, unit_name in visible.filter(
            pk__in=batch_ids
        ).values_list("pk", "public_id", "surname", "given_name", "unit__name"):
            plan.people[pk] = {
                "public_id": str(public_id),
                "name": surname + given,
                "unit": unit_name,
            }
        changeable.update(
            Person.objects.restrict(actor, Action.CHANGE)
            .filter(pk__in=batch_ids)
            .values_list("pk", flat=True)
        )
    for index, match in register.items():
        plan.matches[index] = match
        row = plan.rows[index]
        person = plan.people.get(match.person_id or 0, {})
        if match.other_ids:
            names = "、".join(
                plan.people.get(pk, {}).get("name", "?")
                for pk in (match.person_id, *match.other_ids)
            )
            row.problems.append(
                Problem(
                    "",
                    "",
                    _(
                        "Matches several people in the register (%(names)s); merge them first or "
                        "correct the row."
                    )
                    % {"names": names},
                )
            )
            plan.actions[index] = "error"
        elif plan.on_duplicate == "skip":
            plan.actions[index] = "skip"
            plan.notes[index] = _(
                "Duplicate of %(name)s in the register (%(reason)s); skipped as chosen."
            ) % {"name": person.get("name", "?"), "reason": reason_label(match.kind)}
        elif match.person_id not in changeable:
            plan.actions[index] = "skip"
            plan.notes[index] = _(
                "Duplicate of %(name)s (%(reason)s), whom you may not change; skipped."
            ) % {"name": person.get("name", "?"), "reason": reason_label(match.kind)}
        else:
            plan.actions[index] = plan.on_duplicate
            plan.notes[index] = _("Duplicate of %(name)s in the register (%(reason)s).") % {
                "name": person.get("name", "?"),
                "reason": reason_label(match.kind),
            }


def describe(row: CleanRow, raw: list[str]) -> tuple[str, str]:
    """(label, detail) shown for a row in the preview."""
    # Without a name, the first cell stands in: masked when shaped like an ID or passport.
    label = row.name or safe_label(next((cell for cell in raw if cell), ""))[:60]
    parts = [raw_phone for raw_phone, _e164, _region in row.phones[:1]]
    parts += [str(row.values.get(key)) for key in ("country", "city") if row.values.get(key)]
    return label[:120], " · ".join(parts)[:200]


def match_data(plan: Plan, index: int) -> dict | None:
    match = plan.matches.get(index)
    note = plan.notes.get(index, "")
    if match is None:
        return {"note": note} if note else None
    data: dict = {"kind": match.kind, "note": note}
    if match.kind == "file":
        data["row"] = match.row
    elif match.person_id in plan.people:
        data["person"] = plan.people[match.person_id]
    return data


def store_plan(batch: ImportBatch, plan: Plan) -> None:
    """Keep the preview: one ImportRow per data row, with its planned action."""
    inserter = Inserter(ImportRow)
    with transaction.atomic():
        ImportRow.objects.filter(batch=batch).delete()
        for rows in chunks(plan.rows, 5000):
            inserter.insert(_planned(batch, plan, row) for row in rows)


def _planned(batch: ImportBatch, plan: Plan, row: CleanRow) -> dict:
    index = row.index
    action = plan.actions[index]
    label, detail = describe(row, plan.table.rows[index])
    match = plan.matches.get(index)
    return {
        "batch_id": batch.pk,
        "row": row.number,
        "action": action,
        "label": label,
        "detail": detail,
        "problems": [problem.as_dict() for problem in row.problems],
        "match": match_data(plan, index),
        "person_id": match.person_id if match and match.kind != "file" else None,
        "row_key": row.key,
        "before": None,
        "version_after": None,
    }
