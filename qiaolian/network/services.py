"""Writes to the liaison grid: one function per use case, one transaction, one audit row.

Every write re-checks scope inside its transaction: the group must be changeable by the actor,
and any person or user it links must be visible to them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.models import Unit, User
from qiaolian.core.scoping import Action, assert_visible, reaches_unit, require_unit
from qiaolian.core.service_kit import create_scoped
from qiaolian.network.apps import NETWORK
from qiaolian.network.models import (
    Group,
    MemberRole,
    Membership,
    Steward,
    StewardRole,
    active_on,
)
from qiaolian.people.models import Association, Person

GROUP_FIELDS = ("unit", "platform", "name", "association", "created_on", "notes")


def _require_group(*, actor, group: Group, action: Action = Action.CHANGE) -> None:
    if not Group.objects.restrict(actor, action).filter(pk=group.pk).exists():
        raise PermissionDenied(_("You may not change this group."))


def can_manage_group(user, group: Group) -> bool:
    """Editing a group and choosing its stewards need CHANGE over the group's unit (a whole
    subtree); a steward (a liaison officer, a volunteer) works in their group but does not
    appoint or dismiss its stewards, themselves included."""
    return reaches_unit(user, NETWORK.CHANGE, group.unit, narrowed=False)


def _require_manage(*, actor, group: Group) -> None:
    if not can_manage_group(actor, group):
        raise PermissionDenied(_("Only the managers of the group's unit may change its stewards."))


def _require_person(*, actor, person: Person) -> None:
    if not Person.objects.restrict(actor, Action.VIEW).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot link to this person."))


def _require_association(*, actor, association: Association | None) -> None:
    if association is None:
        return
    if not Association.objects.restrict(actor, Action.VIEW).filter(pk=association.pk).exists():
        raise PermissionDenied(_("You cannot link to this association."))


# --- groups -------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    actor,
    unit: Unit,
    name: str,
    platform: str = "wechat",
    association: Association | None = None,
    created_on: date | None = None,
    notes: str = "",
) -> Group:
    require_unit(actor, NETWORK.ADD, unit)  # before saying anything about the association
    _require_association(actor=actor, association=association)
    group = Group(
        unit=unit,
        name=name.strip(),
        platform=platform,
        association=association,
        created_on=created_on,
        notes=notes.strip(),
    )
    return create_scoped(
        actor=actor, obj=group, action=Action.ADD, audit_action="group.create", fields=GROUP_FIELDS
    )


@transaction.atomic
def group_update(*, actor, group: Group, **fields: Any) -> Group:
    _require_group(actor=actor, group=group)
    current = Group.objects.select_for_update().get(pk=group.pk)
    before = audit.snapshot(current, GROUP_FIELDS)
    for name, value in fields.items():
        if name not in GROUP_FIELDS:
            raise ValueError(f"group field {name!r} cannot be set here")
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if "unit" in fields:
        require_unit(actor, NETWORK.CHANGE, current.unit)
    if "association" in fields and current.association_id != group.association_id:
        _require_association(actor=actor, association=current.association)
    current.full_clean()
    changes = audit.diff(before, audit.snapshot(current, GROUP_FIELDS))
    if not changes:
        return current
    current.save()
    assert_visible(actor, current, Action.CHANGE)
    audit.record(actor=actor, action="group.update", obj=current, changes=changes)
    return current


@transaction.atomic
def group_mark_contacted(*, actor, group: Group, when: datetime | None = None) -> Group:
    """Record that someone of the federation reached the group (a post, a call, a visit).
    Stewards may do it for their own groups."""
    _require_group(actor=actor, group=group)
    when = when or timezone.now()
    before = group.last_contacted_at
    Group.objects.filter(pk=group.pk).update(last_contacted_at=when)
    group.last_contacted_at = when
    audit.record(
        actor=actor,
        action="group.contacted",
        obj=group,
        changes={"last_contacted_at": [before.isoformat() if before else None, when.isoformat()]},
    )
    return group


# --- members ------------------------------------------------------------------------------


def _add_member(*, actor, group: Group, person: Person, role: str, joined_on: date | None):
    if Membership.objects.filter(group=group, person=person, left_on__isnull=True).exists():
        raise ValidationError(
            {"person": _("%(person)s is already a member of this group.") % {"person": person}}
        )
    membership = Membership(
        group=group, person=person, role=role, joined_on=joined_on or timezone.localdate()
    )
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


@transaction.atomic
def membership_add(
    *,
    actor,
    group: Group,
    person: Person,
    role: str = MemberRole.MEMBER,
    joined_on: date | None = None,
) -> Membership:
    _require_group(actor=actor, group=group)
    _require_person(actor=actor, person=person)
    membership = _add_member(
        actor=actor, group=group, person=person, role=role, joined_on=joined_on
    )
    audit.record(
        actor=actor,
        action="group.member_add",
        obj=group,
        changes={"member": [None, f"{role}:{person.public_id}:{person}"]},
    )
    return membership


@transaction.atomic
def membership_leave(*, actor, membership: Membership, left_on: date | None = None) -> Membership:
    _require_group(actor=actor, group=membership.group)
    if membership.left_on is not None:
        raise ValidationError(_("This person has already left the group."))
    membership.left_on = left_on or timezone.localdate()
    if membership.joined_on and membership.left_on < membership.joined_on:
        raise ValidationError({"left_on": _("The leaving date is before the joining date.")})
    membership.save(update_fields=["left_on"])
    audit.record(
        actor=actor,
        action="group.member_leave",
        obj=membership.group,
        changes={
            "member": [f"{membership.role}:{membership.person.public_id}:{membership.person}", None]
        },
    )
    return membership


# --- stewards -----------------------------------------------------------------------------


@transaction.atomic
def steward_add(
    *,
    actor,
    group: Group,
    role: str,
    user: User | None = None,
    person: Person | None = None,
    since: date | None = None,
) -> Steward:
    """Embed a staff member or volunteer (a user) or a person of the register in a group."""
    _require_group(actor=actor, group=group)
    _require_manage(actor=actor, group=group)
    if (user is None) == (person is None):
        raise ValidationError(_("Choose either a user or a person, not both."))
    if (
        user is not None
        and not User.objects.restrict(actor, Action.VIEW).filter(pk=user.pk).exists()
    ):
        raise PermissionDenied(_("You cannot embed this user."))
    if person is not None:
        _require_person(actor=actor, person=person)
    holder = {"user": user} if user is not None else {"person": person}
    if Steward.objects.filter(active_on(), group=group, role=role, **holder).exists():
        raise ValidationError(
            _("%(who)s already serves this group in this role.") % {"who": user or person}
        )
    steward = Steward(
        group=group,
        role=role,
        user=user,
        person=person,
        since=since or timezone.localdate(),
    )
    steward.full_clean()
    steward.save()
    audit.record(
        actor=actor,
        action="group.steward_add",
        obj=group,
        changes={"steward": [None, f"{role}:{user or person}"]},
    )
    return steward


@transaction.atomic
def steward_remove(*, actor, steward: Steward, until: date | None = None) -> Steward:
    """End a stewardship (the row is kept for the record)."""
    _require_group(actor=actor, group=steward.group)
    _require_manage(actor=actor, group=steward.group)
    if not steward.is_active:
        raise ValidationError(_("This stewardship has already ended."))
    steward.until = until or timezone.localdate()
    steward.save(update_fields=["until"])
    audit.record(
        actor=actor,
        action="group.steward_remove",
        obj=steward.group,
        changes={"steward": [f"{steward.role}:{steward.holder}", None]},
    )
    return steward


# --- roster reconciliation ---------------------------------------------------------------


@transaction.atomic
def roster_apply(
    *,
    actor,
    group: Group,
    lines: list,
    choices: dict[int, str],
    unit_for_new: Unit | None,
    role: str = MemberRole.MEMBER,
) -> dict[str, int]:
    """Link or create the chosen roster lines and add them to the group, all or nothing.

    `lines` come from `roster.match()` (computed again on the server, never trusted from the
    form); `choices` maps a line number to "new", "skip" or the public id of one of that
    line's candidates. Every choice is checked before anything is written, and all problems
    are reported together, each naming its line.
    """
    from qiaolian.people.services import person_create

    _require_group(actor=actor, group=group)
    by_number = {line.number: line for line in lines}
    errors: list[str] = []
    plan: list[tuple[Any, str]] = []
    for number, choice in sorted(choices.items()):
        line = by_number.get(number)
        if choice == "skip":
            continue
        if line is None or not line.selectable:
            errors.append(
                _("Line %(n)s cannot be added: %(why)s")
                % {"n": number, "why": line.problem if line else _("no such line")}
            )
        elif choice == "new":
            if not line.surname:
                errors.append(_("Line %(n)s: a new person needs a name.") % {"n": number})
            plan.append((line, "new"))
        elif choice in line.candidate_ids:
            plan.append((line, choice))
        else:
            errors.append(
                _("Line %(n)s: choose one of the people offered, a new person, or skip.")
                % {"n": number}
            )
    if any(choice == "new" for _line, choice in plan):
        try:
            require_unit(actor, NETWORK.ADD, unit_for_new)
        except PermissionDenied:
            errors.append(_("Choose a unit you may add people to for the new people."))
    if errors:
        raise ValidationError(errors)
    linked = created = 0
    added: list[str] = []
    today = timezone.localdate()
    for line, choice in plan:
        if choice == "new":
            try:
                person = person_create(
                    actor=actor,
                    unit=unit_for_new,
                    surname=line.surname,
                    given_name=line.given_name,
                    phones=[line.phone_raw] if line.phone else [],
                    country=line.country,
                    romanized_names=line.name[:200] if line.name.isascii() else "",
                    source="import",
                    notes=_("From the roster of group “%(group)s”.") % {"group": group.name},
                )
            except ValidationError as exc:
                raise ValidationError(
                    _("Line %(n)s (“%(raw)s”): %(why)s")
                    % {"n": line.number, "raw": line.raw, "why": " ".join(exc.messages)}
                ) from exc
            created += 1
        else:
            person = next(c.person for c in line.candidates if str(c.person.public_id) == choice)
            _require_person(actor=actor, person=person)
            linked += 1
        if Membership.objects.filter(group=group, person=person, left_on__isnull=True).exists():
            continue  # two lines chose the same person: one membership is enough
        _add_member(actor=actor, group=group, person=person, role=role, joined_on=today)
        added.append(str(person.public_id))
    audit.record(
        actor=actor,
        action="group.roster_apply",
        obj=group,
        changes={"members": [None, added]},
        message=f"linked={linked} created={created}",
    )
    return {"linked": linked, "created": created, "added": len(added)}


__all__ = [
    "StewardRole",
    "group_create",
    "group_mark_contacted",
    "group_update",
    "membership_add",
    "membership_leave",
    "roster_apply",
    "steward_add",
    "steward_remove",
]
