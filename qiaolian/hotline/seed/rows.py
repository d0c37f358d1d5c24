"""One row of each model the hotline seed writes in bulk, built as its service would build it.

The seeder calls these for every row, and `hotline/tests/test_seed_parity.py` calls them on
a tiny input and compares the result, field by field, with what the services write for the
same input (`open_case`, `assign`, `comment`, `change_status`, `log_call`, `order_create`,
`order_fulfil`, `answer_survey`, `answer_create`, `shift_create`, `next_number`). No
randomness here: the seeder draws the inputs.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from django.utils.translation import gettext as _

from qiaolian.core.models import Unit, User
from qiaolian.core.phones import normalize_phone
from qiaolian.hotline.models import (
    Answer,
    Call,
    Case,
    CaseCounter,
    CaseEvent,
    Channel,
    EventKind,
    Priority,
    Shift,
    SlaPolicy,
    Status,
    Survey,
    TombStatus,
    TombSweepingOrder,
    Volunteer,
    month_key,
)
from qiaolian.hotline.services import sla
from qiaolian.hotline.services.answers import build_search_text
from qiaolian.hotline.services.surveys import SURVEY_DAYS
from qiaolian.people.normalize import time_zone_for

# --- cases --------------------------------------------------------------------------------


def case_number(year: int, serial: int) -> str:
    """The case number `next_number` issues: RX-YYYY-NNNNNN."""
    return f"RX-{year}-{serial:06d}"


def counters_raise(numbers: dict[int, int]) -> None:
    """Each year's counter to the last serial the seed issued, so `next_number` goes on."""
    for year, last in numbers.items():
        counter, _ = CaseCounter.objects.get_or_create(year=year)
        counter.last = max(counter.last, last)
        counter.save(update_fields=["last"])


def policy_for(
    policies: dict[tuple[str, str], SlaPolicy], category: str, priority: str
) -> SlaPolicy | None:
    """`sla.policy_for` over the active policies read once: the most specific one wins."""
    for key in ((category, priority), (category, ""), ("", priority), ("", "")):
        if key in policies:
            return policies[key]
    return None


def case_row(
    *,
    number: str,
    unit: Unit,
    channel: str,
    requester: tuple[Any, str, str, str],
    category: str,
    priority: str,
    subject: str,
    description: str,
    opened_at: datetime,
    policy: SlaPolicy | None,
) -> Case:
    """A case as opened: `requester` is (person id or None, name, phone, the person's stored
    time zone). Like `open_case`: the phone normalised (empty when invalid), and the zone of
    a quick contact the phone's own."""
    person_id, name, phone, tz = requester
    e164 = normalize_phone(phone) or "" if phone else ""
    if not person_id:
        tz = time_zone_for(phone_e164=e164) if e164 else ""
    first_minutes, resolve_minutes = (
        (policy.first_response_minutes, policy.resolution_minutes)
        if policy
        else ({Priority.URGENT: 15, Priority.HIGH: 30}.get(priority, 60), 3 * 24 * 60)
    )
    return Case(
        number=number,
        unit=unit,
        channel=channel,
        requester_id=person_id,
        contact_name="" if person_id else name,
        contact_phone=phone,
        contact_phone_e164=e164,
        requester_time_zone=tz or "",
        category=category,
        priority=priority,
        subject=subject,
        description=description,
        opened_at=opened_at,
        opened_month=month_key(opened_at),
        sla_policy=policy,
        first_response_due=due(opened_at, first_minutes, policy),
        resolution_due=due(opened_at, resolve_minutes, policy),
    )


def case_stopped(
    case: Case,
    *,
    assignee: User | None,
    first_response_at: datetime,
    resolved_at: datetime,
    closed_at: datetime | None,
) -> None:
    """Assigned, answered, resolved and (with `closed_at`) closed; the SLA flags as the clock
    sets them when the case stops (`sla.on_first_response`, `sla._stop`): a tomb-sweeping
    case resolved on its service day, weeks after it was opened, is late like any other."""
    case.assignee = assignee
    case.first_response_at = first_response_at
    case.resolved_at = resolved_at
    case.status = Status.CLOSED if closed_at else Status.RESOLVED
    if closed_at:
        case.closed_at = closed_at
    case.first_response_breached = first_response_at > case.first_response_due
    case.resolution_breached = resolved_at > case.resolution_due


def case_queued(
    case: Case,
    *,
    status: str,
    assignee: User | None,
    first_response_at: datetime | None,
    now: datetime,
) -> None:
    """An open case in one of the queues, with the SLA flags as the checker sets them `now`."""
    case.status = status
    if status != Status.NEW:
        case.assignee = assignee
        case.first_response_at = first_response_at
    if status == Status.WAITING:
        case.paused_since = case.first_response_at + timedelta(hours=2)
    case.first_response_breached = (case.first_response_at or now) > case.first_response_due
    case.resolution_breached = now > case.resolution_due and status != Status.WAITING


def case_events(case: Case) -> list[CaseEvent]:
    """The case's timeline as the services write it: opened (`open_case`), assigned
    (`assign`), first reply (`comment` to the requester), in progress, waiting, resolved and
    closed (`change_status`), each versioned change numbered as `_bump` numbers it. The
    case's `version` is the last of them (`case_version`)."""
    actor = case.created_by
    worker = case.assignee or actor
    rows = [_event(case, EventKind.CREATED, actor, case.opened_at, case.subject, 1)]
    rows[0].data["channel"] = case.channel
    version = 1
    status = Status.NEW
    if case.assignee_id:
        version += 1
        changes = {"assignee": [None, str(case.assignee)], "status": [status, Status.ASSIGNED]}
        at = case.opened_at + timedelta(minutes=1)
        rows.append(_event(case, EventKind.ASSIGN, actor, at, str(case.assignee), version))
        rows[-1].data["changes"] = changes
        status = Status.ASSIGNED
    if case.first_response_at:
        reply = _event(case, EventKind.REPLY, worker, case.first_response_at, REPLY, None)
        reply.internal = False
        rows.append(reply)

    def move(to: str, by: User | None, at: datetime) -> None:
        nonlocal version, status
        version += 1
        event = _event(case, EventKind.STATUS, by, at, "", version)
        event.data.update(changes={"status": [status, to]}, **{"from": status, "to": to})
        rows.append(event)
        status = to

    if case.status not in (Status.NEW, Status.ASSIGNED):
        move(Status.IN_PROGRESS, worker, case.first_response_at or case.opened_at)
    if case.status == Status.WAITING:
        move(Status.WAITING, worker, case.paused_since)
    if case.resolved_at:
        move(Status.RESOLVED, worker, case.resolved_at)
    if case.closed_at:
        move(Status.CLOSED, actor, case.closed_at)
    return rows


def case_version(case: Case) -> int:
    """The version the services' changes leave the case at (see `case_events`)."""
    return max(e.data.get("version", 1) for e in case_events(case))


REPLY = "您好，已收到您的诉求，我们正在处理。"


def _event(
    case: Case, kind: str, actor: User | None, at: datetime, text: str, version: int | None
) -> CaseEvent:
    data: dict[str, Any] = {} if version is None else {"version": version}
    return CaseEvent(case=case, kind=kind, actor=actor, at=at, text=text, data=data)


def due(start: datetime, minutes: int, policy: SlaPolicy | None) -> datetime:
    """Due times by the policy's calendar (business calendars skip nights and holidays);
    plain minutes without a policy."""
    if policy is not None:
        return sla.due_time(start, minutes, policy.calendar)
    return start + timedelta(minutes=minutes)


def via(channel: str) -> str:
    return {
        Channel.CALL: "来电",
        Channel.WECHAT: "微信留言",
        Channel.PORTAL: "门户提交",
        Channel.WALK_IN: "来访",
        Channel.LETTER: "来信",
        Channel.EMAIL: "来邮",
    }.get(channel, "来电")


# --- calls --------------------------------------------------------------------------------


def call_row(
    *,
    unit: Unit,
    direction: str,
    phone_e164: str,
    person_id: Any,
    case: Case | None,
    started_at: datetime,
    duration_seconds: int,
    outcome: str,
    notes: str,
    taken_by: User | None,
) -> Call:
    return Call(
        unit=unit,
        direction=direction,
        number=typed(phone_e164),
        number_e164=phone_e164,
        person_id=person_id,
        case=case,
        started_at=started_at,
        duration_seconds=duration_seconds,
        outcome=outcome,
        notes=notes,
        taken_by=taken_by,
    )


def call_event(call: Call) -> CaseEvent:
    """The CALL line `log_call` adds to the timeline of the case the call is on."""
    return CaseEvent(
        case=call.case,
        kind=EventKind.CALL,
        actor=call.taken_by,
        at=call.started_at,
        text=call.notes,
        data={
            "call": str(call.public_id),
            "direction": call.direction,
            "outcome": call.outcome,
            "duration_seconds": call.duration_seconds,
            "number": call.number,
        },
    )


def mark_called(calls: list[Call]) -> None:
    """`Case.has_call` for the cases the calls are on (what `Call.save` keeps, which
    bulk_create skips)."""
    linked = {call.case_id for call in calls if call.case_id}
    Case.objects.filter(pk__in=linked).update(has_call=True)


def typed(e164: str) -> str:
    """The number as a clerk types it: international format, spaces."""
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return e164


# --- tomb-sweeping, surveys, answers, shifts ----------------------------------------------


def tomb_order_row(
    *,
    case: Case,
    kind: str,
    deceased_name: str,
    cemetery: str,
    grave_location: str,
    service_date,
    rites: str,
    done: bool,
    fulfilled_at: datetime | None,
) -> TombSweepingOrder:
    return TombSweepingOrder(
        unit=case.unit,
        case=case,
        kind=kind,
        deceased_name=deceased_name,
        cemetery=cemetery,
        grave_location=grave_location,
        service_date=service_date,
        rites=rites,
        performer=case.assignee,
        status=TombStatus.DONE if done else TombStatus.SCHEDULED,
        fulfilled_at=fulfilled_at,
        created_at=case.opened_at,
    )


def tomb_order_event(order: TombSweepingOrder) -> CaseEvent:
    """The line `order_create` adds to the case's timeline when the order is opened with it.
    (The seed stores no proof files, so no "done, N proof files" line follows.)"""
    return CaseEvent(
        case=order.case,
        kind=EventKind.EDIT,
        actor=order.case.created_by,
        at=order.case.opened_at,
        text=_("Tomb-sweeping order created: %(cemetery)s, %(date)s")
        % {"cemetery": order.cemetery, "date": order.service_date},
        data={"tomb_order": str(order.public_id)},
    )


def survey_row(
    *, case: Case, token: bytes, rating: int, comment: str, answered_at: datetime
) -> Survey:
    """An answered satisfaction survey sent when the case was resolved (`token`: random)."""
    return Survey(
        case=case,
        token_hash=hashlib.sha256(token).hexdigest(),
        sent_at=case.resolved_at,
        expires_at=case.resolved_at + timedelta(days=SURVEY_DAYS),
        rating=rating,
        comment=comment,
        answered_at=answered_at,
    )


def survey_events(survey: Survey, *, emailed: bool) -> list[CaseEvent]:
    """The lines `send_survey` (at the resolution) and `answer_survey` add to the timeline;
    `emailed`: the requester has an e-mail address the survey went to."""
    sent = (
        _("Satisfaction survey sent by e-mail.")
        if emailed
        else _("Satisfaction survey ready: send the link to the requester by WeChat.")
    )
    rows = [
        CaseEvent(
            case=survey.case,
            kind=EventKind.SURVEY,
            at=survey.sent_at,
            text=sent,
            data={"survey": survey.pk, "email": emailed},
        )
    ]
    if survey.answered_at is not None:
        rows.append(
            CaseEvent(
                case=survey.case,
                kind=EventKind.SURVEY,
                at=survey.answered_at,
                text=_("The requester rated the service %(rating)d/5.") % {"rating": survey.rating},
                data={
                    "survey": survey.pk,
                    "rating": survey.rating,
                    "comment": survey.comment[:500],
                },
            )
        )
    return rows


def answer_row(
    *,
    unit: Unit,
    category: str,
    status: str,
    title_zh: str,
    title_en: str,
    body_zh: str,
    body_en: str,
    keywords: str,
    created_by: User | None,
) -> Answer:
    answer = Answer(
        unit=unit,
        category=category,
        status=status,
        title_zh=title_zh,
        title_en=title_en,
        body_zh=body_zh,
        body_en=body_en,
        keywords=keywords,
        created_by=created_by,
    )
    # The same text the answers service indexes on every save.
    answer.search_text = build_search_text(answer)
    return answer


def shift_row(
    *, volunteer: Volunteer, starts_at: datetime, ends_at: datetime, note: str = ""
) -> Shift:
    return Shift(
        unit=volunteer.unit, volunteer=volunteer, starts_at=starts_at, ends_at=ends_at, note=note
    )
