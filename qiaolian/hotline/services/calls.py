"""Hotline calls: the number as typed and normalised, the caller looked up at once, and a new
case opened from the call in one step.

A call belongs to a unit. Logging one needs ADD in that unit, or CHANGE on the case it is
logged on (a volunteer logs calls on the cases assigned to them). Every call logged on a case,
and every case opened from a call, writes a CALL line on the case's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.models import AuditEvent
from qiaolian.core.phones import normalize_phone
from qiaolian.core.scoping import Action, assert_visible, require_unit
from qiaolian.core.timezones import WallClock, zone_label
from qiaolian.core.versioning import bump, lock_for_update
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import (
    OPEN_STATUSES,
    Call,
    Callback,
    CallDirection,
    CallOutcome,
    Case,
    Channel,
    EventKind,
    Priority,
)
from qiaolian.hotline.services import cases
from qiaolian.hotline.timeline import add_event
from qiaolian.hotline.zones import (
    HOTLINE_TIME_ZONE,
    in_daytime,
    local_time,
    zone_for_number,
    zone_for_person,
)
from qiaolian.network.models import Membership
from qiaolian.people.models import ContactKind, Person, PersonContact

# The hotline answers in Ningbo: a number typed without a country code is a mainland one.
DEFAULT_REGION = "CN"
CALL_FIELDS = (
    "unit",
    "direction",
    "number",
    "number_e164",
    "person",
    "case",
    "started_at",
    "duration_seconds",
    "outcome",
    "notes",
)


# --- numbers ------------------------------------------------------------------------------


def normalise_number(raw: str, default_region: str = DEFAULT_REGION) -> str:
    """E.164 form of a number typed in any usual way (+39 333 …, 0039 …, 00 39 …, spaces,
    dashes, a mainland mobile without +86).

    One rule for the whole project: `core.phones.normalize_phone`, the one people's contacts
    and a case's quick contact are normalised with, so a call, a case and a person with the
    same number always match. Anything it refuses raises ValidationError on `number`; the
    call itself keeps the number as typed next to this form.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError({"number": _("Type the caller's phone number.")})
    e164 = normalize_phone(text, default_region)
    if e164:
        return e164
    raise ValidationError({"number": _number_refusal(text, default_region)})


def _number_refusal(text: str, default_region: str) -> str:
    """Why `text` is not a number: a near miss (right length for a country, but no such
    number is in use there, often a mistyped digit) gets its own message."""
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return _(
            "“%(number)s” is not a number in use in %(country)s (+%(code)s): check the digits "
            "with the caller."
        ) % {
            "number": text[:40],
            "country": _country_name(parsed),
            "code": parsed.country_code,
        }
    return _(
        "“%(number)s” is not a phone number. Type the digits with the country code "
        "for a number abroad (+39 333 123 4567 or 0039 333 123 4567), or an 11-digit "
        "mainland mobile."
    ) % {"number": text[:40]}


def _country_name(parsed: phonenumbers.PhoneNumber) -> str:
    from django_countries import countries

    region = phonenumbers.region_code_for_number(parsed) or ""
    if not region:
        regions = phonenumbers.region_codes_for_country_code(parsed.country_code)
        region = regions[0] if regions else ""
    return str(countries.name(region) or region) if region else _("that country")


# --- caller lookup ------------------------------------------------------------------------


@dataclass
class CallerInfo:
    """What the console shows the moment a number is typed."""

    number: str
    e164: str
    people: list[Person] = field(default_factory=list)
    open_cases: list[Case] = field(default_factory=list)
    groups: list[Membership] = field(default_factory=list)
    recent_calls: list[Call] = field(default_factory=list)
    tz: str = ""
    local_time: datetime | None = None

    @property
    def person(self) -> Person | None:
        """The caller when exactly one visible person has this number."""
        return self.people[0] if len(self.people) == 1 else None

    @property
    def tz_label(self) -> str:
        return zone_label(self.tz, self.local_time)

    @property
    def clock(self) -> WallClock | None:
        """The caller's wall clock: text in their zone (core/timezones.py)."""
        if self.local_time is None:
            return None
        return WallClock(self.local_time, getattr(self.local_time.tzinfo, "key", self.tz))

    @property
    def is_daytime(self) -> bool:
        return self.local_time is not None and in_daytime(self.local_time)


def people_with_number(user: Any, e164: str):
    """Visible, unmerged people who have this phone number."""
    contacts = PersonContact.objects.filter(kind=ContactKind.PHONE, normalized=e164)
    return (
        Person.objects.restrict(user, Action.VIEW)
        .filter(merged_into__isnull=True, pk__in=contacts.values("person_id"))
        .order_by("surname", "given_name", "pk")
    )


def lookup_caller(user: Any, number: str, *, at: datetime | None = None) -> CallerInfo:
    """The people with this number, their open cases and groups, and their local time, all
    within the user's scope. Raises ValidationError for something that is not a number."""
    e164 = normalise_number(number)
    people = list(people_with_number(user, e164)[:10])
    cases = (
        Case.objects.restrict(user, Action.VIEW)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(requester__in=people) | Q(contact_phone_e164=e164))
        .select_related("assignee", "unit")
        .order_by("-opened_at")
    )
    groups = (
        Membership.objects.restrict(user, Action.VIEW)
        .filter(person__in=people, left_on__isnull=True)
        .select_related("group", "person")
        .order_by("group__name")
    )
    recent = (
        Call.objects.restrict(user, Action.VIEW)
        .filter(number_e164=e164)
        .select_related("taken_by", "case")
        .order_by("-started_at")
    )
    tz = zone_for_person(people[0], e164) if people else zone_for_number(e164)
    return CallerInfo(
        number=number.strip(),
        e164=e164,
        people=people,
        open_cases=list(cases[:10]),
        groups=list(groups[:20]),
        recent_calls=list(recent[:5]),
        tz=tz,
        local_time=local_time(tz, at),
    )


# --- logging calls ------------------------------------------------------------------------


def _require_case(actor: Any, case: Case) -> None:
    if not Case.objects.restrict(actor, Action.CHANGE).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not log calls on this case."))


def _check_choices(direction: str, outcome: str, duration_seconds: int) -> None:
    errors = {}
    if direction not in CallDirection.values:
        errors["direction"] = _("Choose inbound or outbound.")
    if outcome not in CallOutcome.values:
        errors["outcome"] = _("Choose how the call ended.")
    if duration_seconds is None or int(duration_seconds) < 0:
        errors["duration_seconds"] = _("The duration cannot be negative.")
    elif int(duration_seconds) > 24 * 3600:
        errors["duration_seconds"] = _("A call cannot last more than 24 hours.")
    if errors:
        raise ValidationError(errors)


def _call_event(case: Case, call: Call, actor: Any, text: str = "") -> None:
    add_event(
        case,
        EventKind.CALL,
        actor,
        text=text or call.notes,
        at=call.started_at,
        data={
            "call": str(call.public_id),
            "direction": call.direction,
            "outcome": call.outcome,
            "duration_seconds": call.duration_seconds,
            "number": call.number,
        },
    )


@transaction.atomic
def call_log(
    *,
    actor: Any,
    unit: Any = None,
    direction: str = CallDirection.INBOUND,
    number: str,
    started_at: datetime | None = None,
    duration_seconds: int = 0,
    outcome: str = CallOutcome.ANSWERED,
    notes: str = "",
    person: Person | None = None,
    case: Case | None = None,
) -> Call:
    """Log a call. On a case, the call takes the case's unit and writes a CALL event; without a
    person, the one visible person with this number (if exactly one) becomes the caller."""
    _check_choices(direction, outcome, duration_seconds)
    e164 = normalise_number(number)
    if case is not None:
        _require_case(actor, case)
        if unit is not None and unit.pk != case.unit_id:
            raise ValidationError({"unit": _("A call on a case belongs to the case's unit.")})
        unit = case.unit
    else:
        require_unit(actor, HOTLINE.ADD, unit, _("You cannot log calls for this unit."))
    if person is not None:
        if not Person.objects.restrict(actor, Action.VIEW).filter(pk=person.pk).exists():
            raise PermissionDenied(_("You cannot link to this person."))
    else:
        matches = list(people_with_number(actor, e164)[:2])
        if len(matches) == 1:
            person = matches[0]
        elif case is not None and case.requester_id:
            person = case.requester
    call = Call(
        unit=unit,
        direction=direction,
        number=number.strip()[:40],
        number_e164=e164,
        person=person,
        case=case,
        started_at=started_at or timezone.now(),
        duration_seconds=int(duration_seconds),
        outcome=outcome,
        notes=(notes or "").strip(),
        taken_by=actor,
    )
    call.full_clean()
    call.save()
    assert_visible(actor, call, Action.VIEW)
    audit.record(
        actor=actor,
        action="call.log",
        obj=call,
        changes=audit.diff({}, audit.snapshot(call, CALL_FIELDS)),
    )
    if case is not None:
        _call_event(case, call, actor)
    return call


@transaction.atomic
def case_open_from_call(
    *,
    actor: Any,
    call: Call,
    category: str,
    subject: str,
    description: str = "",
    priority: str = Priority.NORMAL,
    contact_name: str = "",
) -> Case:
    """Open a case from a logged call: the caller is the requester when known, otherwise the
    number (and a name, if given) is kept as the quick contact."""
    if not Call.objects.restrict(actor, Action.CHANGE).filter(pk=call.pk).exists():
        raise PermissionDenied(_("You may not open a case from this call."))
    if call.case_id:
        raise ValidationError(
            _("This call is already linked to case %(number)s.") % {"number": call.case.number}
        )
    tz = zone_for_person(call.person, call.number_e164) if call.person_id else ""
    case = cases.case_open(
        actor=actor,
        unit=call.unit,
        category=category,
        subject=subject,
        description=description,
        channel=Channel.CALL,
        priority=priority,
        requester=call.person,
        contact_name="" if call.person_id else contact_name.strip(),
        contact_phone="" if call.person_id else call.number,
    )
    updates: dict[str, Any] = {}
    if not case.requester_time_zone:
        updates["requester_time_zone"] = tz or zone_for_number(call.number_e164)
    if not call.person_id and not case.contact_phone_e164:
        updates["contact_phone_e164"] = call.number_e164
    if updates:
        # Derived fields the cases service may leave blank; not an edit, so no version bump.
        Case.objects.filter(pk=case.pk).update(**updates)
        for name, value in updates.items():
            setattr(case, name, value)
    call.case = case
    call.save(update_fields=["case"])
    _call_event(case, call, actor, text=_("Case opened from this call."))
    audit.record(
        actor=actor,
        action="call.new_case",
        obj=call,
        changes={"case": [None, case.number]},
    )
    return case


@transaction.atomic
def call_take(
    *,
    actor: Any,
    unit: Any,
    number: str,
    direction: str = CallDirection.INBOUND,
    duration_seconds: int = 0,
    outcome: str = CallOutcome.ANSWERED,
    notes: str = "",
    person: Person | None = None,
    case: Case | None = None,
    new_case: dict | None = None,
) -> tuple[Call, Case | None]:
    """The console's one step: log the call and, when `new_case` holds the case fields
    (category, subject, description, priority, contact_name), open the case from it."""
    call = call_log(
        actor=actor,
        unit=unit,
        direction=direction,
        number=number,
        duration_seconds=duration_seconds,
        outcome=outcome,
        notes=notes,
        person=person,
        case=case,
    )
    if new_case is None:
        return call, case
    missing = {
        name: _("Needed to open the case from this call.")
        for name in ("category", "subject")
        if not (new_case.get(name) or "").strip()
    }
    if missing:
        raise ValidationError(missing)
    opened = case_open_from_call(actor=actor, call=call, **new_case)
    return call, opened


@transaction.atomic
def call_plan_callback(
    *,
    actor: Any,
    call: Call,
    when_local_or_utc: datetime,
    subject: str,
    category: str = "other",
    override_reason: str = "",
) -> Callback:
    """A caller who asked to be called back on a call logged without a case: the case is
    opened from the call (a callback hangs on a case, its timeline and its SLA) and the
    callback scheduled in their daytime, in one step."""
    from qiaolian.hotline.services.callbacks import callback_schedule

    case = case_open_from_call(
        actor=actor, call=call, category=category, subject=subject, description=call.notes
    )
    return callback_schedule(
        actor=actor, case=case, when_local_or_utc=when_local_or_utc, override_reason=override_reason
    )


def caller_time_zone(call: Call) -> str:
    """The caller's zone (their record's, else their number's), for planning a callback."""
    if call.person_id:
        return zone_for_person(call.person, call.number_e164)
    return (zone_for_number(call.number_e164) if call.number_e164 else "") or HOTLINE_TIME_ZONE


def call_link_case(*, actor: Any, call: Call, case: Case) -> Call:
    """Attach an earlier call (logged without a case) to a case."""
    with transaction.atomic():
        if not Call.objects.restrict(actor, Action.CHANGE).filter(pk=call.pk).exists():
            raise PermissionDenied(_("You may not change this call."))
        _require_case(actor, case)
        if call.case_id:
            raise ValidationError(
                _("This call is already linked to case %(number)s.") % {"number": call.case.number}
            )
        if call.unit_id != case.unit_id:
            raise ValidationError(_("The call and the case belong to different units."))
        call.case = case
        call.save(update_fields=["case"])
        _call_event(case, call, actor)
        audit.record(
            actor=actor, action="call.link", obj=call, changes={"case": [None, case.number]}
        )
        return call


# --- editing a call -----------------------------------------------------------------------

CALL_EDIT_FIELDS = ("duration_seconds", "outcome", "notes", "person", "case")


def call_changes_since(call: Call, version: int) -> tuple[dict[str, list[Any]], list[str]]:
    """What changed on `call` after `version` and who changed it, from its audit events (each
    edit records the version it moved from)."""
    changed: dict[str, list[Any]] = {}
    actors: list[str] = []
    events = AuditEvent.objects.filter(  # scoping: exempt, the call itself is checked
        action="call.update", object_id=str(call.public_id)
    ).order_by("created_at", "id")
    for event in events:
        moved = (event.changes or {}).get("version") or [0, 0]
        if int(moved[0] or 0) < version:
            continue
        actors.append(event.actor_name or _("the system"))
        for name, pair in event.changes.items():
            if name != "version":
                changed[name] = [changed.get(name, pair)[0], pair[1]]
    if not changed:
        changed["version"] = [version, call.version]
    return changed, actors


@transaction.atomic
def call_update(*, actor: Any, call: Call, expected_version: int | None, **fields: Any) -> Call:
    """Change a call's duration, outcome or notes, or link it to a person or a case.

    `expected_version` is the one the form was opened with (required: None is refused as
    stale): a newer save since raises EditConflict naming the fields that changed and who
    changed them. A case may be set on a call that has none (it must be one the actor may
    change, of the call's unit; the case timeline gets the CALL line); a linked call stays on
    its case, whose timeline already tells of it.
    """
    if not Call.objects.restrict(actor, Action.CHANGE).filter(pk=call.pk).exists():
        raise PermissionDenied(_("You may not change this call."))
    unknown = set(fields) - set(CALL_EDIT_FIELDS)
    if unknown:
        raise ValueError(f"call fields {sorted(unknown)} cannot be edited here")
    current = lock_for_update(
        call, expected_version=int(expected_version or 0), history=call_changes_since
    )
    before = audit.snapshot(current, CALL_EDIT_FIELDS)
    _check_choices(
        current.direction,
        fields.get("outcome", current.outcome),
        fields.get("duration_seconds", current.duration_seconds),
    )
    person = fields.get("person", current.person)
    if (
        person is not None
        and person.pk != current.person_id
        and not Person.objects.restrict(actor, Action.VIEW).filter(pk=person.pk).exists()
    ):
        raise PermissionDenied(_("You cannot link to this person."))
    case = fields.get("case", current.case)
    new_case = case is not None and case.pk != current.case_id
    if current.case_id and (case is None or case.pk != current.case_id):
        raise ValidationError(
            {
                "case": _(
                    "This call is already on case %(number)s; it stays there (its timeline "
                    "tells of it)."
                )
                % {"number": current.case.number}
            }
        )
    if new_case:
        _require_case(actor, case)
        if case.unit_id != current.unit_id:
            raise ValidationError({"case": _("The call and the case belong to different units.")})
    for name, value in fields.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.duration_seconds = int(current.duration_seconds)
    changes = audit.diff(before, audit.snapshot(current, CALL_EDIT_FIELDS))
    if not changes:
        return current
    bump(current)
    current.full_clean()
    current.save(update_fields=[*CALL_EDIT_FIELDS, "version"])
    assert_visible(actor, current, Action.CHANGE)
    audit.record(
        actor=actor,
        action="call.update",
        obj=current,
        changes={**changes, "version": [current.version - 1, current.version]},
    )
    if new_case:
        _call_event(case, current, actor)
    return current
