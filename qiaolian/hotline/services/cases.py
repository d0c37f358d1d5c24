"""Writes to hotline cases: one function per use case, one transaction, one audit row, one
line on the case's timeline.

Every function takes the acting user first and checks scope inside its transaction: CHANGE on
the case for updates (a volunteer holds CHANGE narrowed to the cases assigned to them), ADD on
the unit a case is opened in or transferred to. `version` is bumped by every write to the case
row; a form carrying an older `expected_version` is refused with `EditConflict`, naming what
changed since and who changed it, so nothing anyone typed is silently overwritten. Comments and
replies do not touch the case's own fields and do not bump the version.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import audit, files
from qiaolian.core.models import Unit, User
from qiaolian.core.phones import normalize_phone
from qiaolian.core.scoping import (
    Action,
    Narrowing,
    assert_visible,
    grants_for,
    require_unit,
)
from qiaolian.core.versioning import bump, check_version
from qiaolian.hotline.access import can_manage, can_read_notes
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.categories import category_values
from qiaolian.hotline.models import (
    OPEN_STATUSES,
    Attachment,
    Case,
    CaseCounter,
    CaseEvent,
    Channel,
    ConfidentialNote,
    EventKind,
    Priority,
    Status,
    TombSweepingOrder,
)
from qiaolian.hotline.services import notify, sla, surveys
from qiaolian.hotline.timeline import add_event
from qiaolian.hotline.zones import zone_for_person
from qiaolian.people.models import Person
from qiaolian.people.normalize import time_zone_for

EDITABLE_FIELDS = (
    "subject",
    "description",
    "category",
    "priority",
    "requester",
    "contact_name",
    "contact_phone",
)
AUDIT_FIELDS = (*EDITABLE_FIELDS, "unit", "status", "assignee", "channel", "requester_time_zone")

# The status flow. Assignment (NEW → ASSIGNED) goes through `case_assign`; reopening is
# RESOLVED/CLOSED → IN_PROGRESS.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ASSIGNED}),
    Status.ASSIGNED: frozenset({Status.IN_PROGRESS}),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.RESOLVED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
}

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


# --- scope helpers ------------------------------------------------------------------------


def _require_case(actor, case: Case, action: Action = Action.CHANGE) -> None:
    if not Case.objects.restrict(actor, action).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not change this case."))


def _require_manage(*, actor, case: Case) -> None:
    if not can_manage(actor, case):
        raise PermissionDenied(_("Only staff of the case's unit may assign or transfer it."))


def can_take_cases(user: User, unit: Unit) -> bool:
    """Whether `user` is staff (or a volunteer) who sees the cases of `unit` once assigned:
    a grant of VIEW at the unit or above, over its whole subtree or narrowed to assigned
    cases. A portal user's grant, narrowed to their own records, does not count: they follow
    their requests on the portal and never take or watch a case."""
    return user.is_active and any(
        unit.path.startswith(grant.path)
        for grant in grants_for(user, HOTLINE.VIEW)
        if grant.narrowing in (Narrowing.SUBTREE, Narrowing.ASSIGNED)
    )


def _check_assignee(case: Case, assignee: User) -> None:
    # Narrowed grants count: a volunteer granted at the unit sees the cases assigned to them.
    if not can_take_cases(assignee, case.unit):
        raise ValidationError(
            {
                "assignee": _(
                    "%(user)s cannot see cases of %(unit)s: choose a staff member or volunteer "
                    "of that unit."
                )
                % {"user": assignee, "unit": case.unit}
            }
        )


def _check_person(*, actor, person: Person) -> None:
    if not Person.objects.restrict(actor, Action.VIEW).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot link this case to that person."))


def _check_category(category: str) -> None:
    if category not in category_values():
        raise ValidationError({"category": _("Choose a category from the list.")})


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("unit").get(pk=case.pk)


def _check_version(current: Case, expected_version: int | None) -> None:
    check_version(current, expected_version=expected_version, history=changes_since)


def changes_since(case: Case, version: int) -> tuple[dict[str, list[Any]], list[str]]:
    """What changed on `case` after `version`, from the timeline, and who changed it."""
    changed: dict[str, list[Any]] = {}
    actors: list[str] = []
    events = (
        CaseEvent.objects.filter(
            case=case, data__version__gt=version
        )  # scoping: exempt, case checked
        .select_related("actor")
        .order_by("at", "id")
    )
    for event in events:
        actors.append(str(event.actor) if event.actor_id else _("the system"))
        for name, pair in (event.data.get("changes") or {}).items():
            before = changed.get(name, pair)[0]
            changed[name] = [before, pair[1]]
    if not changed:
        changed["version"] = [version, case.version]
    return changed, actors


def _save(case: Case, fields: Iterable[str]) -> None:
    case.save(update_fields=[*fields, "version", "updated_at"])


# --- numbering ----------------------------------------------------------------------------


def next_number(at: datetime | None = None) -> str:
    """Issue the next RX-YYYY-NNNNNN number of the year of `at` (local time).

    The year's counter row is locked (`SELECT … FOR UPDATE` on PostgreSQL; SQLite serialises
    writers itself), so concurrent openings never get the same number. Must run inside the
    caller's transaction, which holds the lock until it commits.
    """
    year = timezone.localtime(at or timezone.now()).year
    try:
        with transaction.atomic():
            CaseCounter.objects.get_or_create(year=year)
    except IntegrityError:  # another transaction created the row first
        pass
    counter = CaseCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"RX-{year}-{counter.last:06d}"


# --- the requester's zone -------------------------------------------------------------------


def _requester_zone(requester: Person | None, phone_e164: str) -> str:
    """Where the requester is: the hotline's rule for a registered person (stored zone, else
    their country and phone; zones.py), else the quick contact's phone; "" when unknown."""
    if requester is not None:
        return zone_for_person(requester, phone_e164, default="")
    return time_zone_for(phone_e164=phone_e164) if phone_e164 else ""


# --- open and edit ------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    actor,
    unit: Unit,
    category: str,
    subject: str,
    description: str = "",
    channel: str = Channel.CALL,
    priority: str = Priority.NORMAL,
    requester: Person | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    assignee: User | None = None,
    opened_at: datetime | None = None,
) -> Case:
    require_unit(actor, HOTLINE.ADD, unit, _("You cannot open cases in this unit."))
    if requester is not None:
        _check_person(actor=actor, person=requester)
    contact_name, contact_phone = contact_name.strip(), contact_phone.strip()
    if requester is None and not (contact_name or contact_phone):
        raise ValidationError(
            {
                "requester": _(
                    "Pick the requester from the register or enter a contact name or phone."
                )
            }
        )
    _check_category(category)
    opened_at = opened_at or timezone.now()
    e164 = normalize_phone(contact_phone) or "" if contact_phone else ""
    case = Case(
        unit=unit,
        channel=channel,
        priority=priority,
        category=category,
        subject=subject.strip(),
        description=description.strip(),
        requester=requester,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_phone_e164=e164,
        requester_time_zone=_requester_zone(requester, e164),
        opened_at=opened_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if assignee is not None:
        _check_assignee(case, assignee)
        case.assignee = assignee
        case.status = Status.ASSIGNED
    case.number = next_number(opened_at)
    sla.start_clock(case)
    case.full_clean(exclude=["sla_policy"])
    case.save()
    assert_visible(actor, case, Action.VIEW)
    add_event(
        case,
        EventKind.CREATED,
        actor,
        text=case.subject,
        data={"version": case.version, "channel": channel},
        at=opened_at,
    )
    if assignee is not None:
        add_event(
            case,
            EventKind.ASSIGN,
            actor,
            text=str(assignee),
            data={"version": case.version, "changes": {"assignee": [None, str(assignee)]}},
            at=opened_at,
        )
    audit.record(
        actor=actor,
        action="case.create",
        obj=case,
        changes=audit.diff({}, audit.snapshot(case, AUDIT_FIELDS)),
    )
    return case


@transaction.atomic
def case_update(*, actor, case: Case, expected_version: int | None = None, **fields: Any) -> Case:
    """Change the subject, description, category, priority, requester or quick contact.

    `expected_version` is the one the form was opened with: a newer save since raises
    EditConflict.
    """
    _require_case(actor, case)
    current = _lock(case)
    _check_version(current, expected_version)
    before = audit.snapshot(current, EDITABLE_FIELDS)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"case field {name!r} cannot be edited here")
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if "category" in fields:
        _check_category(current.category)
    person = current.requester
    if "requester" in fields and person is not None and person.pk != case.requester_id:
        _check_person(actor=actor, person=person)
        if person.time_zone:
            current.requester_time_zone = person.time_zone
    if "contact_phone" in fields:
        current.contact_phone_e164 = normalize_phone(current.contact_phone) or ""
        if not current.requester_id and current.contact_phone_e164:
            current.requester_time_zone = _requester_zone(None, current.contact_phone_e164)
    if not current.requester_id and not (current.contact_name or current.contact_phone):
        raise ValidationError(
            {
                "contact_name": _(
                    "A case without a registered requester needs a contact name or phone."
                )
            }
        )
    current.full_clean(exclude=["sla_policy"])
    changes = audit.diff(before, audit.snapshot(current, EDITABLE_FIELDS))
    if not changes:
        return current
    retimed: tuple[str, ...] = ()
    if "category" in changes or "priority" in changes:
        sla.reapply_policy(current)
        retimed = sla.SLA_FIELDS
    bump(current)
    _save(current, [*fields, "contact_phone_e164", "requester_time_zone", *retimed])
    add_event(
        current,
        EventKind.EDIT,
        actor,
        text=", ".join(audit.field_label(Case, name) for name in changes),
        data={"version": current.version, "changes": changes},
    )
    audit.record(actor=actor, action="case.update", obj=current, changes=changes)
    return current


@transaction.atomic
def case_link_requester(
    *, actor, case: Case, person: Person, expected_version: int | None = None
) -> Case:
    """Link the quick contact captured during a call to a person of the register. The contact
    name and phone are kept on the case as they were typed."""
    _require_case(actor, case)
    _check_person(actor=actor, person=person)
    current = _lock(case)
    _check_version(current, expected_version)
    before = str(current.requester) if current.requester_id else None
    current.requester = person
    if person.time_zone:
        current.requester_time_zone = person.time_zone
    bump(current)
    _save(current, ["requester", "requester_time_zone"])
    changes = {"requester": [before, str(person)]}
    add_event(
        current,
        EventKind.EDIT,
        actor,
        text=audit.field_label(Case, "requester"),
        data={"version": current.version, "changes": changes, "person": str(person.public_id)},
    )
    audit.record(actor=actor, action="case.link_requester", obj=current, changes=changes)
    return current


# --- assignment and status ----------------------------------------------------------------


def _assign_locked(*, actor, current: Case, assignee: User | None) -> Case:
    before = str(current.assignee) if current.assignee_id else None
    if assignee is not None:
        _check_assignee(current, assignee)
    if (assignee.pk if assignee else None) == current.assignee_id:
        return current
    current.assignee = assignee
    changes: dict[str, list[Any]] = {"assignee": [before, str(assignee) if assignee else None]}
    update = ["assignee"]
    if assignee is not None and current.status == Status.NEW:
        current.status = Status.ASSIGNED
        changes["status"] = [Status.NEW, Status.ASSIGNED]
        update.append("status")
    elif assignee is None and current.status == Status.ASSIGNED:
        current.status = Status.NEW
        changes["status"] = [Status.ASSIGNED, Status.NEW]
        update.append("status")
    bump(current)
    _save(current, update)
    add_event(
        current,
        EventKind.ASSIGN,
        actor,
        text=str(assignee) if assignee else "",
        data={"version": current.version, "changes": changes},
    )
    audit.record(actor=actor, action="case.assign", obj=current, changes=changes)
    notify.case_assigned(actor=actor, case=current)  # the bell (after the commit)
    return current


@transaction.atomic
def case_assign(
    *, actor, case: Case, assignee: User | None, expected_version: int | None = None
) -> Case:
    """Give the case to a staff member or volunteer who can see its unit (None: unassign).
    A new case becomes ASSIGNED."""
    _require_case(actor, case)
    _require_manage(actor=actor, case=case)
    current = _lock(case)
    _check_version(current, expected_version)
    if not current.is_open:
        raise ValidationError(_("Reopen the case before assigning it."))
    return _assign_locked(actor=actor, current=current, assignee=assignee)


@transaction.atomic
def case_bulk_assign(*, actor, cases: Iterable[Case], assignee: User) -> int:
    """Assign several cases at once; all or none (one refusal rolls the batch back)."""
    count = 0
    for case in cases:
        case_assign(actor=actor, case=case, assignee=assignee)
        count += 1
    if count == 0:
        raise ValidationError(_("Tick at least one case to assign."))
    return count


def allowed_statuses(case: Case) -> list[str]:
    """The statuses `case` may move to next (for the action buttons)."""
    targets = TRANSITIONS.get(case.status, frozenset())
    order = [choice for choice, _label in Status.choices]
    return [
        s for s in order if s in targets and not (s == Status.ASSIGNED and not case.assignee_id)
    ]


@transaction.atomic
def case_change_status(
    *, actor, case: Case, status: str, expected_version: int | None = None, note: str = ""
) -> Case:
    _require_case(actor, case)
    current = _lock(case)
    _check_version(current, expected_version)
    old = current.status
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == old:
        return current
    if status not in TRANSITIONS.get(old, frozenset()):
        allowed = ", ".join(str(Status(s).label) for s in sorted(TRANSITIONS.get(old, ())))
        raise ValidationError(
            {
                "status": _(
                    "A case that is “%(old)s” cannot become “%(new)s”; next it can be: %(allowed)s."
                )
                % {"old": Status(old).label, "new": Status(status).label, "allowed": allowed or "—"}
            }
        )
    if status == Status.ASSIGNED and current.assignee_id is None:
        raise ValidationError({"status": _("Choose an assignee to assign the case.")})
    if status == Status.RESOLVED and not (note or "").strip():
        # The closing note (办结意见) is what the requester and the next colleague read.
        raise ValidationError(
            {"note": _("Write the closing note: what was done and what the requester was told.")}
        )
    at = timezone.now()
    current.status = status
    if status == Status.RESOLVED:
        current.resolved_at = at
    elif status == Status.CLOSED:
        current.closed_at = at
    elif status == Status.IN_PROGRESS and old in (Status.RESOLVED, Status.CLOSED):
        current.resolved_at = None
        current.closed_at = None
    sla.on_status_change(current, old, status, at)
    bump(current)
    current.save()  # the SLA clock may have moved any of its fields
    changes = {"status": [old, status]}
    add_event(
        current,
        EventKind.STATUS,
        actor,
        text=note.strip(),
        data={"version": current.version, "changes": changes, "from": old, "to": status},
        at=at,
    )
    audit.record(actor=actor, action="case.status", obj=current, changes=changes, message=note)
    if status == Status.RESOLVED:
        transaction.on_commit(lambda: _send_survey(current.pk))
    return current


def _send_survey(case_pk: int) -> None:
    surveys.survey_send(Case.objects.get(pk=case_pk))  # scoping: exempt, system side effect


# --- comments and replies -----------------------------------------------------------------


@transaction.atomic
def case_comment(*, actor, case: Case, text: str, to_requester: bool = False) -> CaseEvent:
    """An internal comment, or a reply to the requester (which is the first response)."""
    _require_case(actor, case)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment or reply first.")})
    at = timezone.now()
    event = add_event(
        case,
        EventKind.REPLY if to_requester else EventKind.COMMENT,
        actor,
        text=text,
        internal=not to_requester,
        at=at,
    )
    if to_requester:
        current = _lock(case)
        before = current.first_response_at
        sla.on_first_response(current, at)
        if current.first_response_at != before:
            current.save(
                update_fields=["first_response_at", "first_response_breached", "updated_at"]
            )
            case.first_response_at = current.first_response_at
    audit.record(
        actor=actor,
        action="case.reply" if to_requester else "case.comment",
        obj=case,
        changes={"text": [None, text[:200]]},
    )
    notify.case_mentions(actor=actor, case=case, text=text)  # @username: the bell
    return event


# --- transfer and watchers ----------------------------------------------------------------


@transaction.atomic
def case_transfer(*, actor, case: Case, unit: Unit, reason: str) -> Case:
    """Hand the case to another unit (e.g. the requester's hometown district). The timeline
    stays; an assignee who cannot see the new unit is cleared."""
    _require_case(actor, case)
    _require_manage(actor=actor, case=case)
    require_unit(actor, HOTLINE.ADD, unit, _("You cannot transfer cases to this unit."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case is transferred.")})
    current = _lock(case)
    if unit.pk == current.unit_id:
        raise ValidationError({"unit": _("The case already belongs to this unit.")})
    if not unit.is_active:
        raise ValidationError({"unit": _("This unit is no longer active.")})
    old_unit = current.unit
    old_assignee = current.assignee
    changes: dict[str, list[Any]] = {"unit": [str(old_unit), str(unit)]}
    current.unit = unit
    update = ["unit"]
    if current.assignee_id and not can_take_cases(current.assignee, unit):
        changes["assignee"] = [str(current.assignee), None]
        current.assignee = None
        update.append("assignee")
        if current.status == Status.ASSIGNED:
            current.status = Status.NEW
            changes["status"] = [Status.ASSIGNED, Status.NEW]
            update.append("status")
    bump(current)
    _save(current, update)
    # Records that hang off the case but carry their own unit follow it: a tomb-sweeping order
    # left behind would stay readable (and shareable) by the unit that handed the case away.
    TombSweepingOrder.objects.filter(case=current).update(  # scoping: exempt, the case's own
        unit=unit
    )
    assert_visible(actor, current, Action.VIEW)
    add_event(
        current,
        EventKind.TRANSFER,
        actor,
        text=reason,
        data={
            "version": current.version,
            "changes": changes,
            "from_unit": old_unit.code,
            "to_unit": unit.code,
        },
    )
    audit.record(actor=actor, action="case.transfer", obj=current, changes=changes, message=reason)
    notify.case_transferred(
        actor=actor, case=current, old_unit=old_unit, old_assignee=old_assignee
    )  # the bell (after the commit)
    return current


@transaction.atomic
def case_watcher_add(*, actor, case: Case, user: User) -> Case:
    _require_case(actor, case)
    # A watcher must see the case itself: staff of its unit (or above), or its assignee.
    sees = can_take_cases(user, case.unit) and (
        Case.objects.restrict(user, Action.VIEW).filter(pk=case.pk).exists()
    )
    if not sees:
        raise ValidationError({"user": _("%(user)s cannot see this case.") % {"user": user}})
    case.watchers.add(user)
    audit.record(
        actor=actor, action="case.watch", obj=case, changes={"watchers": [None, str(user)]}
    )
    return case


@transaction.atomic
def case_watcher_remove(*, actor, case: Case, user: User) -> Case:
    _require_case(actor, case)
    case.watchers.remove(user)
    audit.record(
        actor=actor, action="case.unwatch", obj=case, changes={"watchers": [str(user), None]}
    )
    return case


# --- attachments --------------------------------------------------------------------------

# The kinds a case may carry and how large: the type is told by the bytes (core.files.sniff).
ATTACHMENTS = files.register_use(
    "hotline.attachment",
    (
        *("pdf", "png", "jpeg", "gif", "webp", "docx", "xlsx"),
        *("mp3", "wav", "m4a", "mp4", "isomedia", "quicktime"),
    ),
    {"*": MAX_ATTACHMENT_BYTES},
    type_message=gettext_lazy(
        "The content of “%(name)s” is %(found)s: this kind of file cannot be attached. "
        "Allowed: %(allowed)s, up to %(limit)s."
    ),
    size_messages={
        "*": gettext_lazy(
            "“%(name)s” (%(found)s) is %(size)s; attachments may be at most %(limit)s."
        )
    },
)


@transaction.atomic
def attachment_add(*, actor, case: Case, upload: Any) -> Attachment:
    """Attach a file (≤ 10 MB; type recognised from its content)."""
    _require_case(actor, case)
    if upload is None:
        raise ValidationError({"file": _("Choose a file to attach.")})
    try:
        kind = files.check_upload(upload, ATTACHMENTS)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        case=case,
        name=name,
        size=upload.size,
        content_type=kind.content_type,
        uploaded_by=actor,
    )
    # A random stored name: the uploaded name is kept for display only.
    attachment.file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
    attachment.save()
    add_event(
        case,
        EventKind.ATTACHMENT,
        actor,
        text=name,
        data={"attachment": str(attachment.public_id), "size": upload.size},
    )
    audit.record(actor=actor, action="case.attach", obj=case, changes={"attachment": [None, name]})
    return attachment


# --- confidential notes -------------------------------------------------------------------


def _require_notes(*, actor, case: Case) -> None:
    if not case.is_confidential:
        raise ValidationError(
            _("Confidential notes are kept only on medical, psychological and legal cases.")
        )
    if not can_read_notes(actor, case):
        raise PermissionDenied(
            _("Only the assignee and the unit's administrators may read or write these notes.")
        )


@transaction.atomic
def note_add(*, actor, case: Case, text: str) -> ConfidentialNote:
    _require_notes(actor=actor, case=case)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    note = ConfidentialNote.objects.create(case=case, author=actor, text=text)
    # The timeline says a note was written, never what it says.
    add_event(case, EventKind.NOTE, actor, data={"note": str(note.public_id)})
    audit.record(actor=actor, action="case.note_add", obj=case, message="confidential note")
    return note


@transaction.atomic
def note_read(*, actor, case: Case) -> list[ConfidentialNote]:
    """The confidential notes in clear; each read is written to the audit log."""
    _require_notes(actor=actor, case=case)
    notes = list(
        ConfidentialNote.objects.restrict(actor, Action.VIEW)  # the unit or the assignee
        .filter(case=case)
        .select_related("author")
    )
    audit.record(
        actor=actor,
        action="case.note_read",
        obj=case,
        message=f"{len(notes)} confidential note(s) read",
    )
    return notes


def open_statuses() -> tuple[str, ...]:
    return tuple(str(s) for s in OPEN_STATUSES)
