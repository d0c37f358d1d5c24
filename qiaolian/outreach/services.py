"""Writes of the outreach app: each in one transaction with one audit row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.approvals import require_approver
from qiaolian.core.richtext import sanitise_html
from qiaolian.core.scoping import require_unit
from qiaolian.core.service_kit import create_scoped
from qiaolian.core.tasks import enqueue_on_commit
from qiaolian.core.versioning import bump, lock_for_update
from qiaolian.outreach import merge
from qiaolian.outreach.audiences import CRITERIA, audience_people
from qiaolian.outreach.kinds import kind_values
from qiaolian.outreach.models import (
    Audience,
    CallCampaign,
    CallTask,
    CareKit,
    CareKitItem,
    Channel,
    Delivery,
    GroupRobot,
    KitDistribution,
    Letter,
)

SENDABLE = (Channel.EMAIL, Channel.SMS, Channel.H5)


# Audiences ---------------------------------------------------------------------------------


@transaction.atomic
def audience_create(*, actor, unit, name: str, criteria: dict | None = None, people=()) -> Audience:
    criteria = {k: v for k, v in (criteria or {}).items() if k in CRITERIA and v not in ("", None)}
    audience = Audience(
        unit=unit,
        name=name.strip(),
        kind=Audience.Kind.STATIC if people else Audience.Kind.SEGMENT,
        criteria=criteria,
        created_by=actor,
    )
    create_scoped(
        actor=actor,
        obj=audience,
        audit_action="outreach.audience_create",
        fields=["name", "kind", "criteria"],
    )
    if people:
        from qiaolian.people.models import Person

        visible = Person.objects.restrict(actor, "people.view").filter(
            pk__in=[p.pk for p in people]
        )
        audience.people.set(visible)
    return audience


# Letters -----------------------------------------------------------------------------------


def _check_letter(letter: Letter) -> None:
    errors: dict[str, Any] = {}
    if letter.kind not in kind_values():
        errors["kind"] = _("Choose a letter kind from the list.")
    unknown_channels = [c for c in letter.channels if c not in SENDABLE]
    if unknown_channels or not (letter.channels or letter.to_groups):
        errors["channels"] = _("Choose at least one channel: e-mail, SMS, web page or the groups.")
    if not letter.subject_zh.strip() or not merge.FIELD.sub("", letter.body_zh).strip():
        errors["body_zh"] = _("Write the Chinese subject and text of the letter.")
    if bool(letter.subject_en.strip()) != bool(letter.body_en.strip()):
        errors["body_en"] = _("Write both the English subject and text, or neither.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def letter_create(*, actor, unit, **fields: Any) -> Letter:
    letter = Letter(unit=unit, created_by=actor, **fields)
    letter.body_zh = sanitise_html(letter.body_zh)
    letter.body_en = sanitise_html(letter.body_en)
    if (
        letter.audience_id
        and letter.audience.unit_id
        and not Audience.objects.restrict(actor, "outreach.view")
        .filter(pk=letter.audience_id)
        .exists()
    ):
        raise ValidationError({"audience": _("Choose an audience of your units.")})
    return create_scoped(
        actor=actor,
        obj=letter,
        audit_action="outreach.letter_create",
        fields=["kind", "subject_zh", "subject_en", "channels", "to_groups"],
        clean=lambda obj: _check_letter(obj),
    )


def _require_letter(actor, letter: Letter, action: str = "outreach.change") -> None:
    require_unit(actor, action, letter.unit)


EDITABLE = (
    "kind",
    "audience",
    "channels",
    "to_groups",
    "subject_zh",
    "body_zh",
    "subject_en",
    "body_en",
)


@transaction.atomic
def letter_edit(
    *, actor, letter: Letter, expected_version: int | None = None, **fields: Any
) -> Letter:
    """Change a draft. Once approved (or sent) a letter is no longer edited: what the approver
    read is what goes out. The row is locked, so an approval in between wins; a save by
    someone else since `expected_version` is an EditConflict (core.versioning)."""
    letter = lock_for_update(letter, expected_version=expected_version, proposed=fields)
    _require_letter(actor, letter)
    if letter.status != Letter.Status.DRAFT:
        raise ValidationError(_("Only a draft can be edited; this letter is already approved."))
    audience = fields.get("audience")
    if (
        audience is not None
        and not Audience.objects.restrict(actor, "outreach.view").filter(pk=audience.pk).exists()
    ):
        raise ValidationError({"audience": _("Choose an audience of your units.")})
    before = {name: getattr(letter, name) for name in EDITABLE}
    for name, value in fields.items():
        if name not in EDITABLE:
            raise ValueError(name)
        if name in ("body_zh", "body_en"):
            value = sanitise_html(value or "")
        setattr(letter, name, value)
    _check_letter(letter)
    changes = {
        name: [str(before[name]), str(getattr(letter, name))]
        for name in EDITABLE
        if name not in ("body_zh", "body_en") and before[name] != getattr(letter, name)
    }
    for name in ("body_zh", "body_en"):
        if before[name] != getattr(letter, name):
            changes[name] = ["…", "…"]
    bump(letter)
    letter.save(update_fields=[*EDITABLE, "version"])
    audit.record(actor=actor, action="outreach.letter_edit", obj=letter, changes=changes)
    return letter


@transaction.atomic
def letter_approve(*, actor, letter: Letter) -> Letter:
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != Letter.Status.DRAFT:
        raise ValidationError(_("Only a draft can be approved."))
    require_approver(actor=actor, record=letter, action="outreach.approve")
    unknown = merge.unknown_fields(
        letter.subject_zh, letter.body_zh, letter.subject_en, letter.body_en
    )
    if unknown:
        raise ValidationError(
            _("The letter names merge fields no recipient can fill: %(fields)s.")
            % {"fields": "、".join(f"{{{{{name}}}}}" for name in unknown)}
        )
    letter.status = Letter.Status.APPROVED
    letter.approved_by, letter.approved_at = actor, timezone.now()
    letter.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(actor=actor, action="outreach.letter_approve", obj=letter)
    return letter


def _key(letter: Letter, channel: str, who: str) -> str:
    return f"L{letter.pk}:{channel}:{who}"


def _contact(person, kind: str) -> str:
    contacts = [c for c in person.contacts.all() if c.kind == kind]
    contacts.sort(key=lambda c: (not c.is_primary, c.pk))
    return contacts[0].normalized if contacts else ""


def _language(person) -> str:
    spoken = (person.languages or "").lower()
    if spoken and not any(word in spoken for word in ("中", "zh", "chinese", "普通话", "粤")):
        return "en"
    return "zh-hans"


def build_deliveries(*, actor, letter: Letter) -> int:
    """The delivery rows of `letter` (one per recipient × channel), created once each: the
    idempotency key is unique, so building again adds nothing already there."""
    rows = []
    skipped: dict[str, int] = {}
    if letter.audience_id:
        people = audience_people(letter.audience, user=actor).prefetch_related("contacts")
        for person in people.iterator(chunk_size=2000):
            language = _language(person) if letter.body_en else "zh-hans"
            for channel in letter.channels:
                kind = {Channel.EMAIL: "email", Channel.SMS: "phone"}.get(channel)
                address = _contact(person, kind) if kind else ""
                if kind and not address:
                    skipped[channel] = skipped.get(channel, 0) + 1  # reported on the page
                    continue
                rows.append(
                    Delivery(
                        letter=letter,
                        person=person,
                        channel=channel,
                        address=address,
                        language=language,
                        time_zone=person.time_zone,
                        idempotency_key=_key(letter, channel, f"p{person.pk}"),
                    )
                )
    if letter.to_groups:
        robots = GroupRobot.objects.restrict(actor, "network.view").select_related("group")
        rows.extend(
            Delivery(
                letter=letter,
                group=robot.group,
                channel=Channel.ROBOT,
                address=robot.webhook_url,
                idempotency_key=_key(letter, "robot", f"g{robot.group_id}"),
            )
            for robot in robots.filter(group__unit__path__startswith=letter.unit.path)
        )
    Delivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    letter.skipped = skipped
    return len(rows)


@transaction.atomic
def letter_send(*, actor, letter: Letter, scheduled_for: datetime | None = None) -> Letter:
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _require_letter(actor, letter)
    if letter.status != Letter.Status.APPROVED:
        raise ValidationError(_("Only an approved letter can be sent."))
    if scheduled_for is not None and scheduled_for <= timezone.now():
        raise ValidationError({"scheduled_for": _("Choose a time still to come.")})
    count = build_deliveries(actor=actor, letter=letter)
    letter.status = Letter.Status.SCHEDULED if scheduled_for else Letter.Status.SENDING
    letter.scheduled_for = scheduled_for
    letter.save(update_fields=["status", "scheduled_for", "skipped"])
    audit.record(
        actor=actor,
        action="outreach.letter_send",
        obj=letter,
        changes={"deliveries": [None, count], "skipped": [None, letter.skipped]},
    )
    from qiaolian.outreach.tasks import send_letter

    if scheduled_for:
        enqueue_on_commit(send_letter.using(run_after=scheduled_for), letter.pk)
    else:
        enqueue_on_commit(send_letter, letter.pk)
    return letter


@transaction.atomic
def letter_cancel(*, actor, letter: Letter) -> int:
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _require_letter(actor, letter)
    if letter.status in (Letter.Status.SENT, Letter.Status.CANCELLED):
        raise ValidationError(_("This letter has already been sent or cancelled."))
    stopped = letter.deliveries.filter(status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.CANCELLED, claimed_until=None
    )
    letter.status, letter.cancelled_at = Letter.Status.CANCELLED, timezone.now()
    letter.save(update_fields=["status", "cancelled_at"])
    audit.record(
        actor=actor,
        action="outreach.letter_cancel",
        obj=letter,
        changes={"stopped": [None, stopped]},
    )
    return stopped


def delivery_opened(delivery: Delivery) -> bool:
    """The recipient opened their page: record the first opening (no audit row: the
    recipient is not a user; the delivery keeps the time)."""
    now = timezone.now()
    changed = Delivery.objects.filter(
        pk=delivery.pk, opened_at__isnull=True
    ).update(  # scoping: exempt, private link
        opened_at=now, status=Delivery.Status.OPENED
    )
    return bool(changed)


# Family-call campaigns ---------------------------------------------------------------------


@transaction.atomic
def campaign_create(*, actor, unit, name: str, audience: Audience, callers: list) -> CallCampaign:
    if not callers:
        raise ValidationError({"callers": _("Choose at least one caller.")})
    campaign = CallCampaign(unit=unit, name=name.strip(), audience=audience, created_by=actor)
    create_scoped(
        actor=actor, obj=campaign, audit_action="outreach.campaign_create", fields=["name"]
    )
    people = list(audience_people(audience, user=actor).order_by("pk").values_list("pk", flat=True))
    callers = sorted(callers, key=lambda u: u.pk)
    CallTask.objects.bulk_create(
        CallTask(campaign=campaign, person_id=pk, caller=callers[i % len(callers)])
        for i, pk in enumerate(people)
    )
    return campaign


def _require_task(actor, task: CallTask) -> None:
    if task.caller_id == actor.pk:
        return
    require_unit(actor, "outreach.change", task.campaign.unit)


@transaction.atomic
def call_record(
    *,
    actor,
    task: CallTask,
    outcome: str,
    notes: str = "",
    needs: str = "",
    call_back_at: datetime | None = None,
) -> CallTask:
    _require_task(actor, task)
    if outcome not in CallTask.Outcome.values or outcome == CallTask.Outcome.PENDING:
        raise ValidationError({"outcome": _("Choose how the call went.")})
    if outcome == CallTask.Outcome.CALL_BACK and call_back_at is None:
        raise ValidationError({"call_back_at": _("Give the time to call back.")})
    before = {"outcome": task.outcome}
    task.outcome, task.notes, task.needs = outcome, notes.strip(), needs.strip()
    task.call_back_at = call_back_at if outcome == CallTask.Outcome.CALL_BACK else None
    task.called_at = timezone.now()
    task.save()
    audit.record(
        actor=actor,
        action="outreach.call_record",
        obj=task,
        unit=task.campaign.unit,
        changes={"outcome": [before["outcome"], outcome]},
    )
    return task


@transaction.atomic
def call_need_to_case(*, actor, task: CallTask, category: str = "other"):
    """The need raised on a call becomes a hotline case in one step."""
    from qiaolian.hotline.models import Channel as CaseChannel
    from qiaolian.hotline.services.cases import case_open

    task = CallTask.objects.select_for_update().get(pk=task.pk)
    if task.case_id:
        raise ValidationError(_("This need is already a case."))
    if not task.needs.strip():
        raise ValidationError({"needs": _("Write down the need first.")})
    case = case_open(
        actor=actor,
        unit=task.campaign.unit,
        category=category,
        subject=task.needs.strip()[:200],
        description=task.notes,
        channel=CaseChannel.CALL,
        requester=task.person,
    )
    task.case = case
    task.save(update_fields=["case"])
    audit.record(actor=actor, action="outreach.call_to_case", obj=task, unit=task.campaign.unit)
    return case


# Care kits ---------------------------------------------------------------------------------


@transaction.atomic
def kit_create(*, actor, unit, name: str, items: list[dict], stock: int = 0) -> CareKit:
    items = [
        {"name": str(i["name"]).strip(), "quantity": int(i["quantity"])}
        for i in items
        if str(i.get("name", "")).strip()
    ]
    if not items or any(i["quantity"] <= 0 for i in items):
        raise ValidationError({"items": _("List each item of the kit with a quantity above zero.")})
    kit = CareKit(unit=unit, name=name.strip(), stock=stock)
    create_scoped(
        actor=actor, obj=kit, audit_action="outreach.kit_create", fields=["name", "stock"]
    )
    CareKitItem.objects.bulk_create(
        CareKitItem(kit=kit, name=i["name"], quantity=i["quantity"]) for i in items
    )
    return kit


@transaction.atomic
def kit_give(
    *, actor, kit: CareKit, person, given_on, method: str, delivered_by: str, quantity: int = 1
) -> KitDistribution:
    kit = CareKit.objects.select_for_update().get(pk=kit.pk)
    require_unit(actor, "outreach.add", kit.unit)
    from qiaolian.people.models import Person

    if not Person.objects.restrict(actor, "people.view").filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot reach this person."))
    if quantity <= 0:
        raise ValidationError({"quantity": _("Give at least one kit.")})
    if quantity > kit.stock:
        raise ValidationError(
            {"quantity": _("Only %(stock)s kits are in stock.") % {"stock": kit.stock}}
        )
    if method not in KitDistribution.Method.values:
        raise ValidationError({"method": _("Choose how the kit was given.")})
    kit.stock -= quantity
    kit.save(update_fields=["stock"])
    given = KitDistribution.objects.create(
        kit=kit,
        person=person,
        quantity=quantity,
        given_on=given_on,
        method=method,
        delivered_by=delivered_by.strip(),
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="outreach.kit_give",
        obj=given,
        unit=kit.unit,
        changes={"quantity": [None, quantity]},
    )
    return given
