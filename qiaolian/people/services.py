"""Writes to the register of people and associations: one function per use case, one
transaction, one audit row each (sensitive values never enter the audit row in clear)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.models import Unit
from qiaolian.core.phones import phone_error, phone_for_country
from qiaolian.core.scoping import Action, assert_visible, require_unit
from qiaolian.core.validation import check_time_zone, clean_texts
from qiaolian.core.versioning import lock_for_update
from qiaolian.people.apps import PEOPLE
from qiaolian.people.duplicates import merging
from qiaolian.people.identity import check_passport, parse_id_number
from qiaolian.people.models import (
    INVERSE_RELATION,
    Association,
    AssociationLeader,
    Consent,
    ContactKind,
    Gender,
    Person,
    PersonContact,
    Relationship,
)
from qiaolian.people.normalize import normalize_email
from qiaolian.people.records import PERSON_FIELDS, SENSITIVE_FIELDS, derive, snapshot
from qiaolian.people.search import index_person

ASSOCIATION_FIELDS = (
    "name",
    "name_local",
    "country",
    "city",
    "founded_year",
    "member_count",
    "contacts",
    "notes",
    "unit",
)


def normalized_contacts(
    phones: Iterable[str], emails: Iterable[str], *, region: str = "CN"
) -> list[PersonContact]:
    """Contacts as typed plus their normalised form, each number once; a bad one raises
    naming its value (and, for a phone, the countries it was read in: `region`, then China)."""
    contacts: list[PersonContact] = []
    seen: set[str] = set()
    phone_errors, email_errors = [], []
    for raw in (p.strip() for p in phones if p and p.strip()):
        e164 = phone_for_country(raw, region)
        if e164 is None:
            phone_errors.append(phone_error(raw, region))
        elif e164 not in seen:
            seen.add(e164)
            contacts.append(PersonContact(kind=ContactKind.PHONE, value=raw, normalized=e164))
    for raw in (e.strip() for e in emails if e and e.strip()):
        email = normalize_email(raw)
        if email is None or len(raw) > 120:
            email_errors.append(
                _("“%(value)s” is not a valid email address, e.g. name@example.com.")
                % {"value": raw}
            )
        elif email not in seen:
            seen.add(email)
            contacts.append(PersonContact(kind=ContactKind.EMAIL, value=raw, normalized=email))
    errors = {k: v for k, v in (("phones", phone_errors), ("emails", email_errors)) if v}
    if errors:
        raise ValidationError(errors)
    for kind in ContactKind:
        first = next((c for c in contacts if c.kind == kind), None)
        if first:
            first.is_primary = True
    return contacts


def clean_person_input(values: dict[str, Any]) -> dict[str, Any]:
    """The text a caller gives, refused when it carries control characters (NUL and the
    like: PostgreSQL cannot store NUL); the same check for the form, the API and the import."""
    return clean_texts(values)


def check_documents(
    person: Person, *, id_typed: bool, passport_typed: bool, dates_typed: bool = True
) -> None:
    """The time zone, the ID card number (GB 11643) and the passport number of `person`,
    checked on every path (form, API, import). An ID number fills an empty birth date and
    gender; a mismatch is an error naming both values. When the ID number was not typed in
    this change (it is stored, and the user may not see it in clear), a mismatch is refused
    without naming what the number says."""
    errors: dict[str, list[str]] = {}
    try:
        person.time_zone = check_time_zone(person.time_zone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if person.id_number and (id_typed or dates_typed):
        try:
            resident = parse_id_number(person.id_number)
        except ValidationError as exc:
            if id_typed:
                errors["id_number"] = exc.messages
            resident = None  # a stored number from before the check: left alone
        if resident is not None:
            if id_typed:
                person.id_number = resident.number
            _match_id(person, resident, id_typed=id_typed, errors=errors)
    if person.passport_number and passport_typed:
        try:
            person.passport_number = check_passport(
                person.passport_number, nationality=str(person.nationality or "")
            )
        except ValidationError as exc:
            errors["passport_number"] = exc.messages
    if errors:
        raise ValidationError(errors)


def _match_id(person: Person, resident, *, id_typed: bool, errors: dict) -> None:
    if person.birth_date is None:
        person.birth_date = resident.birth_date
    elif person.birth_date != resident.birth_date:
        if id_typed:
            message = _(
                "The birth date %(typed)s does not match the one in the ID card number "
                "(%(in_number)s); correct one of them."
            ) % {"typed": person.birth_date.isoformat(), "in_number": resident.birth_date}
        else:
            message = _("The birth date does not match the stored ID card number; check the date.")
        errors.setdefault("birth_date", []).append(message)
    if person.gender in ("", "u"):
        person.gender = resident.gender
    elif person.gender != resident.gender:
        if id_typed:
            message = _(
                "The gender “%(typed)s” does not match the ID card number, which says "
                "“%(in_number)s”; correct one of them."
            ) % {
                "typed": Gender(person.gender).label,
                "in_number": Gender(resident.gender).label,
            }
        else:
            message = _("The gender does not match the stored ID card number; check it.")
        errors.setdefault("gender", []).append(message)


def _checked(person: Person, phones, emails, **typed: bool) -> list[PersonContact] | None:
    """Contacts and documents checked together, so a form shows every error at once."""
    errors: dict[str, list[str]] = {}
    contacts = None
    try:
        if phones is not None or emails is not None:
            contacts = normalized_contacts(
                phones or (), emails or (), region=str(person.country or "")
            )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        check_documents(person, **typed)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return contacts


def _replace_contacts(person: Person, contacts: list[PersonContact]) -> None:
    person.contacts.all().delete()
    for contact in contacts:
        contact.person = person
    PersonContact.objects.bulk_create(contacts)


def _primary_phone(contacts: list[PersonContact]) -> str | None:
    return next((c.normalized for c in contacts if c.kind == ContactKind.PHONE), None)


@transaction.atomic
def person_create(
    *,
    actor,
    unit: Unit,
    surname: str,
    given_name: str = "",
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    id_number: str = "",
    passport_number: str = "",
    source: str = "form",
    **fields: Any,
) -> Person:
    require_unit(actor, PEOPLE.ADD, unit)
    cleaned = clean_person_input(
        {
            "surname": surname,
            "given_name": given_name,
            "id_number": id_number,
            "passport_number": passport_number,
            "phones": list(phones),
            "emails": list(emails),
            **fields,
        }
    )
    surname, given_name = cleaned.pop("surname"), cleaned.pop("given_name")
    id_number, passport_number = cleaned.pop("id_number"), cleaned.pop("passport_number")
    phones, emails = cleaned.pop("phones"), cleaned.pop("emails")
    fields = cleaned
    person = Person(
        unit=unit,
        surname=surname,
        given_name=given_name,
        id_number=id_number,
        passport_number=passport_number,
        source=source,
    )
    for name, value in fields.items():
        if name not in PERSON_FIELDS:
            raise ValueError(f"person field {name!r} cannot be set here")
        setattr(person, name, value)
    contacts = _checked(person, phones, emails, id_typed=True, passport_typed=True)
    derive(person, _primary_phone(contacts))
    person.full_clean(exclude=["import_batch", "merged_into"])
    person.save()
    _replace_contacts(person, contacts)
    index_person(person)
    assert_visible(actor, person, Action.VIEW)
    filled = {k: v for k, v in snapshot(person).items() if v not in ("", None)}
    audit.record(actor=actor, action="person.create", obj=person, changes=audit.diff({}, filled))
    return person


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    expected_version: int | None = None,
    phones: Iterable[str] | None = None,
    emails: Iterable[str] | None = None,
    **fields: Any,
) -> Person:
    """Update a person. With `expected_version` (the version the form was opened at) a save
    over someone else's newer save is refused with EditConflict (core.versioning), naming the
    fields where this edit differs from the saved record, and nothing is written."""
    require_unit(actor, PEOPLE.CHANGE, person.unit)
    fields = clean_person_input(fields)
    if phones is not None:
        phones = clean_person_input({"phones": list(phones)})["phones"]
    if emails is not None:
        emails = clean_person_input({"emails": list(emails)})["emails"]
    current = lock_for_update(person, expected_version=expected_version, proposed=fields)
    before = snapshot(current)
    for name, value in fields.items():
        if name not in PERSON_FIELDS + SENSITIVE_FIELDS:
            raise ValueError(f"person field {name!r} cannot be updated here")
        setattr(current, name, value)
    if "unit" in fields:
        require_unit(actor, PEOPLE.CHANGE, current.unit)
    contacts = None
    if phones is not None or emails is not None:
        old = list(current.contacts.all())
        phones = phones if phones is not None else [c.value for c in old if c.kind == "phone"]
        emails = emails if emails is not None else [c.value for c in old if c.kind == "email"]
    typed = {
        "id_typed": bool(fields.get("id_number")),
        "passport_typed": bool(fields.get("passport_number")),
        "dates_typed": "birth_date" in fields or "gender" in fields,
    }
    contacts = _checked(current, phones, emails, **typed)
    primary = (
        _primary_phone(contacts)
        if contacts is not None
        else (
            current.contacts.filter(kind=ContactKind.PHONE)
            .values_list("normalized", flat=True)
            .first()
        )
    )
    derive(current, primary)
    current.full_clean(exclude=["import_batch", "merged_into"])
    changes = audit.diff(before, snapshot(current))
    old_numbers = sorted(current.contacts.values_list("normalized", flat=True))
    if contacts is not None and sorted(c.normalized for c in contacts) != old_numbers:
        changes["contacts"] = [old_numbers, sorted(c.normalized for c in contacts)]
    if not changes:
        return current
    current.version = F("version") + 1
    current.save()
    if contacts is not None:
        _replace_contacts(current, contacts)
    current.refresh_from_db()
    index_person(current)
    assert_visible(actor, current, Action.VIEW)
    audit.record(actor=actor, action="person.update", obj=current, changes=changes)
    return current


@transaction.atomic
def person_reveal(*, actor, person: Person, field: str) -> str:
    """The clear value of a sensitive field; needs REVEAL on the person and is audited."""
    if field not in SENSITIVE_FIELDS:
        raise ValueError(f"{field!r} is not a sensitive field")
    if not Person.objects.restrict(actor, Action.REVEAL).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You may not see this field in clear."))
    audit.record(actor=actor, action="person.reveal", obj=person, message=field)
    return getattr(person, field) or ""


# --- consent and family links -------------------------------------------------------------


@transaction.atomic
def consent_grant(
    *,
    actor,
    person: Person,
    purpose: str,
    channel: str,
    legal_basis: str = "consent",
    notice_version: str = "",
) -> Consent:
    require_unit(actor, PEOPLE.CHANGE, person.unit)
    consent = Consent(
        person=person,
        purpose=purpose.strip(),
        channel=channel,
        legal_basis=legal_basis,
        notice_version=notice_version.strip(),
        granted_at=timezone.now(),
        recorded_by=actor,
    )
    consent.full_clean(exclude=["recorded_by"])
    consent.save()
    audit.record(
        actor=actor,
        action="person.consent_grant",
        obj=person,
        changes={"consent": [None, consent.purpose]},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent) -> Consent:
    require_unit(actor, PEOPLE.CHANGE, consent.person.unit)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit.record(
            actor=actor,
            action="person.consent_withdraw",
            obj=consent.person,
            changes={"consent": [consent.purpose, None]},
        )
    return consent


@transaction.atomic
def relationship_add(
    *, actor, person: Person, relative: Person, kind: str, note: str = ""
) -> Relationship:
    """Link two people; both must be visible to the actor (the relative may be in another
    unit the actor also governs)."""
    require_unit(actor, PEOPLE.CHANGE, person.unit)
    if not Person.objects.restrict(actor, Action.VIEW).filter(pk=relative.pk).exists():
        raise PermissionDenied(_("You cannot link to this person."))
    if person.pk == relative.pk:
        raise ValidationError(_("A person cannot be their own relative."))
    if Relationship.objects.filter(
        person=relative, relative=person, kind=INVERSE_RELATION[kind]
    ).exists():
        raise ValidationError(_("These two people are already linked this way."))
    link, created = Relationship.objects.get_or_create(
        person=person, relative=relative, kind=kind, defaults={"note": note.strip()}
    )
    if not created:
        raise ValidationError(_("These two people are already linked this way."))
    audit.record(
        actor=actor,
        action="person.link",
        obj=person,
        changes={"relation": [None, f"{kind}:{relative.public_id}"]},
    )
    return link


@transaction.atomic
def relationship_remove(*, actor, link: Relationship) -> None:
    require_unit(actor, PEOPLE.CHANGE, link.person.unit)
    audit.record(
        actor=actor,
        action="person.unlink",
        obj=link.person,
        changes={"relation": [f"{link.kind}:{link.relative.public_id}", None]},
    )
    link.delete()


# --- associations -------------------------------------------------------------------------


@transaction.atomic
def association_save(
    *, actor, association: Association | None = None, **fields: Any
) -> Association:
    """Create (association=None) or update an overseas association."""
    target_unit = fields.get("unit") or (association.unit if association else None)
    require_unit(actor, PEOPLE.CHANGE if association else PEOPLE.ADD, target_unit)
    if association is not None:
        require_unit(actor, PEOPLE.CHANGE, association.unit)
    before = audit.snapshot(association, ASSOCIATION_FIELDS) if association else {}
    association = association or Association()
    for name, value in fields.items():
        if name not in ASSOCIATION_FIELDS:
            raise ValueError(f"association field {name!r} cannot be set here")
        setattr(association, name, value.strip() if isinstance(value, str) else value)
    association.full_clean()
    association.save()
    assert_visible(actor, association, Action.VIEW)
    audit.record(
        actor=actor,
        action="association.save",
        obj=association,
        changes=audit.diff(before, audit.snapshot(association, ASSOCIATION_FIELDS)),
    )
    return association


@transaction.atomic
def leader_add(
    *, actor, association: Association, person: Person, post: str, since=None
) -> AssociationLeader:
    require_unit(actor, PEOPLE.CHANGE, association.unit)
    if not Person.objects.restrict(actor, Action.VIEW).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot link to this person."))
    leader, _created = AssociationLeader.objects.get_or_create(
        association=association, person=person, post=post, defaults={"since": since}
    )
    audit.record(
        actor=actor,
        action="association.leader_add",
        obj=association,
        changes={"leader": [None, f"{post}:{person}"]},
    )
    return leader


@transaction.atomic
def leader_remove(*, actor, leader: AssociationLeader) -> None:
    require_unit(actor, PEOPLE.CHANGE, leader.association.unit)
    audit.record(
        actor=actor,
        action="association.leader_remove",
        obj=leader.association,
        changes={"leader": [f"{leader.post}:{leader.person}", None]},
    )
    leader.delete()


# --- duplicates (issue 3): merge, unmerge, "not a duplicate" ----------------------------------
# The work is in people.duplicates.merging; these are the use cases views and tests call.


@transaction.atomic
def person_merge(
    *,
    actor,
    survivor: Person,
    merged: Person,
    choices: dict[str, str] | None = None,
    survivor_version: int | None = None,
    merged_version: int | None = None,
):
    """Fold `merged` into `survivor`. `choices` names, per field, whose value is kept
    ("survivor", "merged", or "both" for free-text lists); a field not named keeps the
    survivor's value unless that is blank. Related rows move to the survivor; `merged` stays,
    hidden, with `merged_into` set. With the versions the page was opened at, a record changed
    since is refused (MergeConflict) and nothing is written. Returns the PersonMerge."""
    return merging.merge(
        actor=actor,
        survivor=survivor,
        merged=merged,
        choices=choices,
        survivor_version=survivor_version,
        merged_version=merged_version,
    )


@transaction.atomic
def person_unmerge(*, actor, merge):
    """Undo a merge exactly (fields, versions, moved rows) while neither record has changed
    since; otherwise a ValidationError says what changed."""
    return merging.unmerge(actor=actor, record=merge)


@transaction.atomic
def duplicate_dismiss(*, actor, first: Person, second: Person, note: str = ""):
    """Mark two people as not the same person: the pair is not offered again."""
    return merging.dismiss(actor=actor, first=first, second=second, note=note)
