"""The lines of a case's timeline the seed writes with its cases, calls, tomb-sweeping
orders and surveys: each as the service that does that work writes it (`case_open`,
`case_assign`, `case_comment`, `case_change_status`, `call_log`, `order_create`, `survey_send`,
`survey_answer`), compared by `hotline/tests/test_seed_parity.py`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from qiaolian.core.models import User
from qiaolian.core.timezones import zone_label
from qiaolian.hotline.models import (
    Call,
    Callback,
    Case,
    CaseEvent,
    EventKind,
    Status,
    Survey,
    TombSweepingOrder,
)
from qiaolian.hotline.seed.content import CLOSING_NOTE, CLOSING_NOTES
from qiaolian.hotline.zones import local_time


def case_events(case: Case) -> list[CaseEvent]:
    """The case's timeline as the services write it: opened (`case_open`), assigned
    (`case_assign`), first reply (`case_comment` to the requester), in progress, waiting,
    resolved and closed (`case_change_status`), each versioned change numbered as `_bump`
    numbers it. The case's `version` is the last of them (`case_version`)."""
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

    def move(to: str, by: User | None, at: datetime, note: str = "") -> None:
        nonlocal version, status
        version += 1
        event = _event(case, EventKind.STATUS, by, at, note, version)
        event.data.update(changes={"status": [status, to]}, **{"from": status, "to": to})
        rows.append(event)
        status = to

    if case.status not in (Status.NEW, Status.ASSIGNED):
        move(Status.IN_PROGRESS, worker, case.first_response_at or case.opened_at)
    if case.status == Status.WAITING:
        move(Status.WAITING, worker, case.paused_since)
    if case.resolved_at:
        move(Status.RESOLVED, worker, case.resolved_at, closing_note(case))
    if case.closed_at:
        move(Status.CLOSED, actor, case.closed_at)
    return rows


def closing_note(case: Case) -> str:
    """The closing note (办结意见) `case_change_status` requires to resolve the case."""
    return CLOSING_NOTES.get(case.category, CLOSING_NOTE)


def case_version(case: Case) -> int:
    """The version the services' changes leave the case at (see `case_events`)."""
    return max(e.data.get("version", 1) for e in case_events(case))


REPLY = "您好，已收到您的诉求，我们正在处理。"


def _event(
    case: Case, kind: str, actor: User | None, at: datetime, text: str, version: int | None
) -> CaseEvent:
    data: dict[str, Any] = {} if version is None else {"version": version}
    return CaseEvent(case=case, kind=kind, actor=actor, at=at, text=text, data=data)


def call_event(call: Call) -> CaseEvent:
    """The CALL line `call_log` adds to the timeline of the case the call is on."""
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


def callback_event(callback: Callback) -> CaseEvent:
    """The line `callback_schedule` adds to the case's timeline."""
    local = local_time(callback.time_zone, callback.scheduled_for)
    return CaseEvent(
        case=callback.case,
        kind=EventKind.CALLBACK,
        actor=callback.created_by,
        at=callback.created_at,
        text=_("Callback scheduled for %(local)s %(zone)s.")
        % {"local": local.strftime("%Y-%m-%d %H:%M"), "zone": zone_label(callback.time_zone)},
        data={
            "callback": str(callback.public_id),
            "scheduled_for": callback.scheduled_for.isoformat(),
        },
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


def survey_events(survey: Survey, *, emailed: bool) -> list[CaseEvent]:
    """The lines `survey_send` (at the resolution) and `survey_answer` add to the timeline;
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
