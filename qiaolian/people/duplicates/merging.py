"""Merging two records of one person, undoing a merge, and "not a duplicate" marks.

Called through `people.services` (person_merge, person_unmerge, duplicate_dismiss), inside
their transaction. A merge keeps the `survivor` with, field by field, the value the user
chose; every row pointing at the `merged` record (contacts, family links, consents,
association posts, group memberships and stewardships, and rows any later app adds with a
foreign key to Person) moves to the survivor unless the survivor already has its twin; the
merged record stays, hidden (`merged_into`), unchanged. `PersonMerge` keeps both before-images
and the list of moved rows, so an unmerge restores both records exactly — fields, versions,
rows — while nothing has changed either of them since.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.scoping import Action, assert_visible, require_unit
from qiaolian.people import records
from qiaolian.people.apps import PEOPLE
from qiaolian.people.models import (
    INVERSE_RELATION,
    ContactKind,
    DuplicateCandidate,
    DuplicateDecision,
    Person,
    PersonContact,
    PersonMerge,
    Relationship,
)
from qiaolian.people.search import index_person

FIELD_CHOICES = ("survivor", "merged", "both")
# Free-text lists where keeping both sides' values (joined) is offered.
COMBINABLE = ("romanized_names", "tags", "languages", "notes")
# Rows that are history or derived data, not part of the person: they stay where they are.
NOT_MOVED = {
    "people.personsearchtoken",  # rebuilt for both records
    "people.importrow",  # which row of which file made or changed the record
}


class MergeConflict(ValidationError):
    """One of the two records changed after the merge page was opened."""


def merge_fields() -> tuple[str, ...]:
    return (*records.PERSON_FIELDS, *records.SENSITIVE_FIELDS)


# --- before-images ---------------------------------------------------------------------------


def _field(name: str):
    return Person._meta.get_field(name)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # a django-countries Country: its code


# Derived by `records.derive`; kept in the images so an unmerge restores them as they were.
DERIVED = ("name_pinyin", "name_initials", "id_number_index", "passport_index")


def image(person: Person) -> dict[str, Any]:
    """Every mergeable and derived field as stored (foreign keys by id), sensitive ones left
    out (they go to the encrypted `sensitive_before`)."""
    sensitive = records.SENSITIVE_FIELDS
    names = [name for name in merge_fields() if name not in sensitive] + list(DERIVED)
    return {_field(name).attname: _plain(getattr(person, _field(name).attname)) for name in names}


def sensitive_image(person: Person) -> dict[str, str]:
    return {name: getattr(person, name) or "" for name in records.SENSITIVE_FIELDS}


def _restore(person: Person, data: dict[str, Any]) -> None:
    for attname, value in data.items():
        field = next(f for f in Person._meta.concrete_fields if f.attname == attname)
        setattr(person, attname, None if value is None else field.to_python(value))


def _is_blank(value: Any) -> bool:
    return value in (None, "") or (hasattr(value, "code") and not value.code)


def _combined(name: str, first: str, second: str) -> str:
    if name == "notes":
        return "\n\n".join(part for part in (first.strip(), second.strip()) if part)
    parts: list[str] = []
    for text in (first, second):
        for separator in ("，", ";", "；", "、"):
            text = text.replace(separator, ",")
        parts += [p.strip() for p in text.split(",") if p.strip() and p.strip() not in parts]
    return ", ".join(parts)


def default_choice(name: str, survivor: Person, merged: Person) -> str:
    """The survivor's value, unless it is blank and the other record has one."""
    attname = _field(name).attname
    if _is_blank(getattr(survivor, attname)) and not _is_blank(getattr(merged, attname)):
        return "merged"
    return "survivor"


# --- moving related rows -----------------------------------------------------------------------


def person_relations() -> list[tuple[Any, Any]]:
    """(model, foreign key field) of every row that belongs to a person and moves in a merge."""
    found = []
    for relation in Person._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one):
            continue
        if relation.related_model._meta.label_lower in NOT_MOVED:
            continue
        found.append((relation.related_model, relation.field))
    return found


class _Mover:
    def __init__(self, survivor: Person, merged: Person):
        self.survivor = survivor
        self.merged = merged
        self.moved: list[dict[str, Any]] = []
        self.kept = Counter()  # rows left on the merged record (the survivor has their twin)

    def move(self, model, field, pk, restore: dict | None = None, **changes) -> None:
        model._base_manager.filter(pk=pk).update(**{field.attname: self.survivor.pk, **changes})
        self.moved.append(
            {
                "model": model._meta.label_lower,
                "field": field.attname,
                "pk": pk,
                "restore": restore or {},
            }
        )

    def run(self) -> list[dict[str, Any]]:
        for model, field in person_relations():
            if model is PersonContact:
                self.contacts(field)
            elif model is Relationship:
                self.relationships(field)
            else:
                self.others(model, field)
        return self.moved

    def contacts(self, field) -> None:
        mine = list(self.survivor.contacts.values_list("kind", "normalized", "is_primary"))
        have = {(kind, value) for kind, value, _primary in mine}
        primary = {kind for kind, _value, is_primary in mine if is_primary}
        for contact in PersonContact.objects.filter(person=self.merged).order_by("id"):
            if (contact.kind, contact.normalized) in have:
                self.kept["people.personcontact"] += 1
                continue
            have.add((contact.kind, contact.normalized))
            if contact.is_primary and contact.kind in primary:
                self.move(PersonContact, field, contact.pk, {"is_primary": True}, is_primary=False)
            else:
                self.move(PersonContact, field, contact.pk)
                if contact.is_primary:
                    primary.add(contact.kind)

    def relationships(self, field) -> None:
        """A link to the survivor itself, or one the survivor already has (either way round),
        stays with the merged record."""
        survivor = self.survivor
        for link in Relationship.objects.filter(**{field.attname: self.merged.pk}).order_by("id"):
            other = link.relative_id if field.name == "person" else link.person_id
            if field.name == "person":
                same = Q(person=survivor, relative_id=other, kind=link.kind)
                inverse = Q(person_id=other, relative=survivor, kind=INVERSE_RELATION[link.kind])
            else:
                same = Q(person_id=other, relative=survivor, kind=link.kind)
                inverse = Q(person=survivor, relative_id=other, kind=INVERSE_RELATION[link.kind])
            if other == survivor.pk or Relationship.objects.filter(same | inverse).exists():
                self.kept["people.relationship"] += 1
                continue
            self.move(Relationship, field, link.pk)

    def others(self, model, field) -> None:
        """Moved row by row; a row the survivor already has its twin of (a unique constraint
        says so: the same post, an active membership of the same group) stays."""
        pks = list(
            model._base_manager.filter(**{field.attname: self.merged.pk})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in pks:
            try:
                with transaction.atomic():
                    self.move(model, field, pk)
            except IntegrityError:
                self.kept[model._meta.label_lower] += 1


def moved_counts(moved: list[dict[str, Any]]) -> dict[str, int]:
    return dict(Counter(entry["model"] for entry in moved))


# --- merge, unmerge, dismiss ---------------------------------------------------------------


def _lock_pair(*, actor, first: Person, second: Person) -> tuple[Person, Person]:
    """Both people, locked, after checking the actor may change both (else PermissionDenied)."""
    if first.pk == second.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    allowed = Person.objects.restrict(actor, Action.CHANGE).filter(pk__in=[first.pk, second.pk])
    if allowed.count() != 2:
        raise PermissionDenied(_("You may only merge people of units you manage."))
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .select_related("unit")
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    return locked[first.pk], locked[second.pk]


def _check_version(person: Person, expected: int | None) -> None:
    if expected is not None and person.version != expected:
        raise MergeConflict(
            _(
                "%(name)s was changed by someone else after this page was opened. Nothing was "
                "merged: look at both records again, then merge."
            )
            % {"name": person.full_name},
            code="conflict",
        )


def merge(
    *,
    actor,
    survivor: Person,
    merged: Person,
    choices: dict[str, str] | None = None,
    survivor_version: int | None = None,
    merged_version: int | None = None,
) -> PersonMerge:
    survivor, merged = _lock_pair(actor=actor, first=survivor, second=merged)
    for person, expected in ((survivor, survivor_version), (merged, merged_version)):
        _check_version(person, expected)
        if person.merged_into_id is not None:
            raise ValidationError(
                _("%(name)s has already been merged into another record.")
                % {"name": person.full_name},
                code="merged",
            )
    choices = dict(choices or {})
    fields = merge_fields()
    for name, choice in choices.items():
        if name not in fields or choice not in FIELD_CHOICES:
            raise ValidationError(_("Choose which value to keep for every field."))
        if choice == "both" and name not in COMBINABLE:
            raise ValidationError(_("Choose which value to keep for every field."))

    before = image(survivor)
    before_audit = records.snapshot(survivor)
    record = PersonMerge(
        survivor=survivor,
        merged=merged,
        merged_by=actor,
        survivor_before=before,
        merged_before=image(merged),
        sensitive_before=json.dumps(
            {"survivor": sensitive_image(survivor), "merged": sensitive_image(merged)}
        ),
        survivor_version_before=survivor.version,
        merged_version_before=merged.version,
    )
    for name in fields:
        choice = choices.get(name) or default_choice(name, survivor, merged)
        attname = _field(name).attname
        if choice == "merged":
            setattr(survivor, attname, getattr(merged, attname))
        elif choice == "both":
            setattr(
                survivor, attname, _combined(name, getattr(survivor, name), getattr(merged, name))
            )
    require_unit(actor, PEOPLE.CHANGE, survivor.unit)

    mover = _Mover(survivor, merged)
    record.moved = mover.run()
    primary = (
        survivor.contacts.filter(kind=ContactKind.PHONE)
        .order_by("-is_primary", "id")
        .values_list("normalized", flat=True)
        .first()
    )
    records.derive(survivor, primary)
    survivor.full_clean(exclude=["import_batch", "merged_into"])
    survivor.version += 1
    survivor.save()
    merged.merged_into = survivor
    merged.version += 1
    merged.save(update_fields=["merged_into", "version", "updated_at"])
    record.survivor_version_after = survivor.version
    record.merged_version_after = merged.version
    record.save()
    index_person(survivor)
    index_person(merged)
    assert_visible(actor, survivor, Action.CHANGE)

    changes: dict[str, Any] = audit.diff(before_audit, records.snapshot(survivor))
    changes["merged"] = [None, str(merged.public_id)]
    changes["moved"] = [None, moved_counts(record.moved)]
    if mover.kept:
        changes["kept_on_merged"] = [None, dict(mover.kept)]
    audit.record(actor=actor, action="person.merge", obj=survivor, changes=changes)
    audit.record(
        actor=actor,
        action="person.merged_away",
        obj=merged,
        changes={"merged_into": [None, str(survivor.public_id)]},
    )
    return record


def unmerge_problem(record: PersonMerge) -> str | None:
    """Why `record` cannot be undone now, or None."""
    survivor, merged = record.survivor, record.merged
    if record.undone_at is not None:
        return _("This merge has already been undone.")
    if survivor.version != record.survivor_version_after:
        return _(
            "%(name)s has changed since the merge (edited, or merged again); undoing the merge "
            "would overwrite that. Undo those changes first, or correct the records by hand."
        ) % {"name": survivor.full_name}
    if merged.version != record.merged_version_after or merged.merged_into_id != survivor.pk:
        return _("The merged record has changed since the merge.")
    missing = 0
    by_model: dict[tuple[str, str], list[int]] = defaultdict(list)
    for entry in record.moved:
        by_model[(entry["model"], entry["field"])].append(entry["pk"])
    for (label, attname), pks in by_model.items():
        model = apps.get_model(label)
        still = model._base_manager.filter(pk__in=pks, **{attname: survivor.pk}).count()
        missing += len(set(pks)) - still
    if missing:
        return _(
            "%(count)s of the records the merge moved (contacts, family links, consents, posts, "
            "group memberships …) were removed or moved since; the merge cannot be undone "
            "exactly."
        ) % {"count": missing}
    return None


def unmerge(*, actor, record: PersonMerge) -> PersonMerge:
    survivor, merged = _lock_pair(actor=actor, first=record.survivor, second=record.merged)
    record = PersonMerge.objects.select_for_update().get(pk=record.pk)
    record.survivor, record.merged = survivor, merged
    if problem := unmerge_problem(record):
        raise ValidationError(problem, code="changed")

    before_audit = records.snapshot(survivor)
    for entry in reversed(record.moved):
        model = apps.get_model(entry["model"])
        model._base_manager.filter(pk=entry["pk"]).update(
            **{entry["field"]: merged.pk, **entry["restore"]}
        )
    _restore(survivor, record.survivor_before)
    sensitive = json.loads(record.sensitive_before or "{}")
    for name, value in sensitive.get("survivor", {}).items():
        setattr(survivor, name, value)
    survivor.version = record.survivor_version_before
    survivor.save()
    _restore(merged, record.merged_before)
    merged.merged_into = None
    merged.version = record.merged_version_before
    merged.save()
    record.undone_at = timezone.now()
    record.undone_by = actor
    record.save(update_fields=["undone_at", "undone_by"])
    index_person(survivor)
    index_person(merged)
    assert_visible(actor, survivor, Action.CHANGE)
    assert_visible(actor, merged, Action.CHANGE)

    changes: dict[str, Any] = audit.diff(before_audit, records.snapshot(survivor))
    changes["merged"] = [str(merged.public_id), None]
    audit.record(actor=actor, action="person.unmerge", obj=survivor, changes=changes)
    audit.record(
        actor=actor,
        action="person.restored",
        obj=merged,
        changes={"merged_into": [str(survivor.public_id), None]},
    )
    return record


def ordered(first: Person, second: Person) -> tuple[Person, Person]:
    return (first, second) if first.pk < second.pk else (second, first)


def dismiss(*, actor, first: Person, second: Person, note: str = "") -> DuplicateDecision:
    if first.pk == second.pk:
        raise ValidationError(_("Pick two different people."))
    allowed = Person.objects.restrict(actor, Action.CHANGE).filter(pk__in=[first.pk, second.pk])
    if allowed.count() != 2:
        raise PermissionDenied(_("You may only judge people of units you manage."))
    a, b = ordered(first, second)
    decision, created = DuplicateDecision.objects.get_or_create(
        person_a=a, person_b=b, defaults={"decided_by": actor, "note": note.strip()[:200]}
    )
    DuplicateCandidate.objects.filter(person_a=a, person_b=b).delete()
    if created:
        audit.record(
            actor=actor,
            action="person.duplicate_dismiss",
            obj=a,
            changes={"not_duplicate_of": [None, str(b.public_id)]},
            message=note.strip()[:200],
        )
    return decision
