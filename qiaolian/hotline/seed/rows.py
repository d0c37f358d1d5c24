"""One row of each model the hotline seed writes in bulk, built as its service would build it.

The seeder calls these for every row, and `hotline/tests/test_seed_parity.py` calls them on
a tiny input and compares the result, field by field, with what the services write for the
same input (`case_open`, `case_assign`, `case_comment`, `case_change_status`, `call_log`,
`order_create`, `order_fulfil`, `survey_answer`, `answer_create`, `shift_create`,
`next_number`). No
randomness here: the seeder draws the inputs.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import phonenumbers

from qiaolian.core.models import Unit, User
from qiaolian.core.phones import normalize_phone
from qiaolian.hotline.models import (
    Answer,
    Call,
    Callback,
    Case,
    CaseCounter,
    Channel,
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
    time zone). Like `case_open`: the phone normalised (empty when invalid), and the zone of
    a quick contact the phone's own."""
    person_id, name, phone, tz = requester
    e164 = normalize_phone(phone) or "" if phone else ""
    if not person_id:
        tz = time_zone_for(phone_e164=e164) if e164 else ""
    case = Case(
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
    )
    case_clock(case, policy)
    return case


def case_clock(case: Case, policy: SlaPolicy | None) -> None:
    """The SLA policy (`rows.policy_for` of the category and priority) and the due times
    counted from the opening, as `sla.start_clock` sets them."""
    first_minutes, resolve_minutes = (
        (policy.first_response_minutes, policy.resolution_minutes)
        if policy
        else ({Priority.URGENT: 15, Priority.HIGH: 30}.get(case.priority, 60), 3 * 24 * 60)
    )
    case.sla_policy = policy
    case.first_response_due = due(case.opened_at, first_minutes, policy)
    case.resolution_due = due(case.opened_at, resolve_minutes, policy)


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
    if case.first_response_breached or case.resolution_breached:
        case.breach_notified_at = now  # reported, as `sla.check_sla_now` marks it


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


# --- callbacks ----------------------------------------------------------------------------


def callback_row(
    *, case: Case, scheduled_for: datetime, time_zone: str, created_by: User | None, at: datetime
) -> Callback:
    """A callback planned at `at` inside the requester's daytime, as `callback_schedule`
    stores it (no override reason: the seed plans inside the window)."""
    return Callback(
        case=case,
        scheduled_for=scheduled_for,
        time_zone=time_zone,
        override_reason="",
        created_by=created_by,
        created_at=at,
    )


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


def caller(person_id: Any, e164: str, shared: set[str]) -> Any:
    """The person `call_log` links a call without a case to: the one person with this number;
    nobody when several people (near-duplicate records) share it."""
    return None if e164 in shared else person_id


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
