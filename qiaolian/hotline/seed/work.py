"""The year's work: cases (problems and tomb-sweeping), their calls and timelines, the
tomb-sweeping orders and the satisfaction surveys. The draws come from draws.py; each row is
built by rows.py."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from qiaolian.core.models import Unit, User
from qiaolian.hotline.models import (
    Call,
    Callback,
    CallDirection,
    CallOutcome,
    Case,
    CaseEvent,
    Channel,
    Priority,
    Status,
    Survey,
    TombKind,
    TombSweepingOrder,
)
from qiaolian.hotline.seed.content import (
    CATEGORY_WEIGHTS,
    CEMETERIES,
    COMMENTS,
    RITES,
    SUBJECTS,
    SURNAMES,
)
from qiaolian.hotline.seed.draws import DrawSteps
from qiaolian.hotline.seed.plan import Plan, spread
from qiaolian.hotline.seed.rows import (
    call_row,
    callback_row,
    caller,
    case_clock,
    case_queued,
    case_row,
    case_stopped,
    mark_called,
    policy_for,
    survey_row,
    tomb_order_row,
    via,
)
from qiaolian.hotline.seed.timeline import (
    call_event,
    callback_event,
    case_events,
    case_version,
    survey_events,
    tomb_order_event,
)
from qiaolian.hotline.zones import daytime_window, local_time, requester_time_zone


class WorkSteps(DrawSteps):
    plan: Plan
    rng: random.Random
    zone: Any
    units: list[Unit]
    staff: dict[int, list[User]]
    emailed: set[Any]
    shared_numbers: set[str]

    def _specs(self) -> list[tuple[str, str, str]]:
        """(kind, channel, category) of every case, in a shuffled but fixed order."""
        plan, rng = self.plan, self.rng
        specs = []
        problem_channels = plan.problem_channels()
        rng.shuffle(problem_channels)
        categories = spread(len(problem_channels), CATEGORY_WEIGHTS)
        rng.shuffle(categories)
        for index, channel in enumerate(problem_channels):
            kind = "resolved" if index < plan.resolved else "open"
            specs.append((kind, channel, categories[index]))
        tomb_channels = plan.tomb_channels()
        rng.shuffle(tomb_channels)
        for index, channel in enumerate(tomb_channels):
            kind = "tomb" if index < plan.tomb_done else "tomb_scheduled"
            specs.append((kind, channel, "tomb_sweeping"))
        return specs

    def _work(self, policies):
        plan, rng, year = self.plan, self.rng, self.year
        totals = plan.totals()
        specs = self._specs()
        open_statuses = [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING]
        cases: list[Case] = []
        extras: list[dict] = []
        open_count = scheduled_count = 0
        for kind, channel, category in specs:
            unit = self._unit()
            person_id, name, phone, tz = self._requester()
            priority = rng.choices(
                [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT], [8, 70, 17, 5]
            )[0]
            extra: dict[str, Any] = {"kind": kind}
            status = open_statuses[open_count % len(open_statuses)]
            if kind == "tomb":
                service_day = self._tomb_day()
                opened_day = max(year.start, service_day - timedelta(days=rng.randint(2, 25)))
                opened = self._moment(opened_day)
            elif kind == "tomb_scheduled":
                # Taken in the last two days, for a service in the coming two weeks.
                service_day = year.today + timedelta(
                    days=1 + scheduled_count % 13 + rng.choice([0, 1])
                )
                scheduled_count += 1
                opened = self._recent(30, 48 * 60)
            elif kind == "open":
                # Open work lies around now: the new ones mostly came in within their first
                # response time (some wait since last night, already reported as late); the
                # others were answered in time and are within their resolution time mostly.
                if status == Status.NEW:
                    fresh = rng.random() < 0.6
                    opened = self._recent(3, 25) if fresh else self._recent(60, 20 * 60)
                else:
                    opened = self._recent(180, 40 * 60)
            else:
                opened_day = self._day(year.start, year.end - timedelta(days=11))
                opened = self._moment(opened_day)
            policy = policy_for(policies, category, priority)
            number = self._number(opened)
            subject = rng.choice(SUBJECTS[category])
            said = rng.choice(SUBJECTS[category])
            case = case_row(
                number=number,
                unit=unit,
                channel=channel,
                requester=(person_id, name, phone, tz),
                category=category,
                priority=priority,
                subject=subject,
                description=f"{name}{via(channel)}：{said}。",
                opened_at=opened,
                policy=policy,
            )
            case.created_by = rng.choice(self.staff.get(unit.pk) or [None])
            if kind in ("resolved", "tomb"):
                assignee = self._assignee(unit, category)
                if channel == Channel.CALL:
                    reply = timedelta(minutes=rng.randint(0, 6))
                else:
                    reply = timedelta(minutes=min(3000, int(rng.lognormvariate(2.9, 0.9))))
                first_response_at = opened + reply
                if kind == "tomb":
                    fulfilled = self._moment(service_day, night_share=0.0)
                    extra["fulfilled"] = fulfilled
                    extra["service_day"] = service_day
                    resolved_at = fulfilled + timedelta(hours=rng.randint(1, 6))
                else:
                    hours = min(24 * 8, rng.lognormvariate(3.3, 1.1))
                    resolved_at = first_response_at + timedelta(hours=hours)
                closed_at = None
                if rng.random() < 0.6:
                    closed_at = resolved_at + timedelta(days=rng.randint(3, 7))
                case_stopped(
                    case,
                    assignee=assignee,
                    first_response_at=first_response_at,
                    resolved_at=resolved_at,
                    # Closed a few days after resolution, when those days have passed.
                    closed_at=closed_at if closed_at and closed_at < self.now else None,
                )
            elif kind == "tomb_scheduled":
                assignee = self._assignee(unit, category)
                case_queued(
                    case,
                    status=Status.IN_PROGRESS,
                    assignee=assignee,
                    first_response_at=opened + timedelta(minutes=rng.randint(2, 25)),
                    now=self.now,
                )
                extra["service_day"] = service_day
            else:  # open: every queue gets some
                open_count += 1
                assignee, first_response_at = None, None
                if status != Status.NEW:
                    assignee = self._assignee(unit, category)
                    first_response_at = opened + timedelta(minutes=rng.randint(1, 25))
                case_queued(
                    case,
                    status=status,
                    assignee=assignee,
                    first_response_at=first_response_at,
                    now=self.now,
                )
            cases.append(case)
            extras.append(extra)
        self._demo_doctor_queue(cases, extras, policies)
        for case in cases:
            case.version = case_version(case)
        Case.objects.bulk_create(cases, batch_size=1000)

        calls, events, tomb, surveys = self._calls(cases, totals), [], [], []
        for case, extra in zip(cases, extras, strict=True):
            events += case_events(case)
            if extra["kind"] in ("tomb", "tomb_scheduled"):
                tomb.append(self._tomb(case, extra))
                events.append(tomb_order_event(tomb[-1]))
            if extra["kind"] == "resolved" and rng.random() < plan.survey_share:
                surveys.append(self._survey(case))
        Call.objects.bulk_create(calls, batch_size=2000)
        mark_called(calls)
        events += [call_event(call) for call in calls if call.case is not None]
        callbacks = self._callbacks(cases)
        Callback.objects.bulk_create(callbacks)
        events += [callback_event(callback) for callback in callbacks]
        TombSweepingOrder.objects.bulk_create(tomb, batch_size=1000)
        Survey.objects.bulk_create(surveys, batch_size=1000)
        for survey in surveys:  # their timeline lines name the surveys by id
            events += survey_events(survey, emailed=survey.case.requester_id in self.emailed)
        CaseEvent.objects.bulk_create(events, batch_size=2000)
        return cases, calls, events, tomb, surveys

    def _demo_doctor_queue(self, cases: list[Case], extras: list[dict], policies) -> None:
        """The volunteer doctor's own queue: some open medical cases of 海曙区 (with the
        medical policy's clock, as if opened as such)."""
        rng = self.rng
        demo = User.objects.filter(username="volunteer_doctor").first()
        haishu = next((u for u in self.units if u.code == "330203"), None)
        if not (demo and haishu):
            return
        for case, extra in zip(cases, extras, strict=True):
            if (
                extra["kind"] == "open"
                and case.status != Status.NEW
                and case.category in ("medicine", "epidemic", "policy")
            ):
                case.unit, case.category, case.assignee = haishu, "medicine", demo
                case.subject = rng.choice(SUBJECTS["medicine"])
                case_clock(case, policy_for(policies, case.category, case.priority))
                case_queued(
                    case,
                    status=case.status,
                    assignee=demo,
                    first_response_at=case.first_response_at,
                    now=self.now,
                )
                if sum(c.assignee_id == demo.pk for c in cases if c.is_open) >= 4:
                    break

    def _callbacks(self, cases: list[Case]) -> list[Callback]:
        """Callbacks planned on one answered open case in three, for the coming hours and
        days, at a time inside the requester's daytime (no draw: the numbers stay put)."""
        callbacks = []
        answered = [c for c in cases if c.is_open and c.first_response_at and c.assignee_id]
        for index, case in enumerate(answered[::3]):
            zone = requester_time_zone(case)
            local_now = local_time(zone, self.now)
            start, _end = daytime_window()
            # Their next morning or afternoon slot, at least an hour from now.
            slot = local_now.replace(
                hour=start.hour + 1 + index % 8, minute=(index * 7) % 60, second=0, microsecond=0
            )
            while slot <= local_now + timedelta(hours=1):
                slot += timedelta(days=1)
            planned = case.first_response_at + timedelta(minutes=5)
            callbacks.append(
                callback_row(
                    case=case,
                    scheduled_for=slot.astimezone(self.zone),
                    time_zone=zone,
                    created_by=case.assignee,
                    at=min(planned, self.now),
                )
            )
        return callbacks

    def _calls(self, cases: list[Case], totals: dict[str, int]) -> list[Call]:
        rng = self.rng
        call_cases = [c for c in cases if c.channel == Channel.CALL]
        calls = [
            self._call(case.unit, case.opened_at, case, CallDirection.INBOUND)
            for case in call_cases
        ]
        for case in rng.sample(call_cases, totals["followup_calls"]):
            at = (case.first_response_at or case.opened_at) + timedelta(hours=rng.randint(2, 48))
            at = max(case.opened_at, min(at, self.now - timedelta(minutes=1)))  # not yet due
            calls.append(self._call(case.unit, at, case, CallDirection.OUTBOUND))
        calls.extend(
            self._call(self._unit(), self._moment(self._day()), None, CallDirection.INBOUND)
            for _ in range(totals["calls_without_case"])
        )
        if len(calls) != totals["calls"]:
            raise AssertionError(f"{len(calls)} calls made, {totals['calls']} planned")
        return calls

    def _call(self, unit: Unit, at: datetime, case: Case | None, direction: str) -> Call:
        rng = self.rng
        if case is not None:
            person_id, phone = case.requester_id, case.contact_phone_e164
            outcome = CallOutcome.ANSWERED
        else:
            person_id, _name, phone, _tz = self._requester()
            person_id = caller(person_id, phone, self.shared_numbers)
            outcome = rng.choices(
                [
                    CallOutcome.ANSWERED,
                    CallOutcome.MISSED,
                    CallOutcome.VOICEMAIL,
                    CallOutcome.CALLBACK,
                    CallOutcome.WRONG_NUMBER,
                ],
                [86, 5, 3, 5, 1],
            )[0]
        answered = outcome in (CallOutcome.ANSWERED, CallOutcome.CALLBACK)
        duration = int(min(3600, rng.lognormvariate(5.4, 0.7))) if answered else 0
        notes = "" if case else rng.choice(["电话解答", "政策咨询，当场答复", "已告知办理流程", ""])
        return call_row(
            unit=unit,
            direction=direction,
            phone_e164=phone,
            person_id=person_id,
            case=case,
            started_at=at,
            duration_seconds=duration,
            outcome=outcome,
            notes=notes,
            taken_by=rng.choice(self.staff.get(unit.pk) or [None]),
        )

    def _tomb(self, case: Case, extra: dict) -> TombSweepingOrder:
        rng = self.rng
        cemetery, area = rng.choice(CEMETERIES)
        kind = TombKind.PROXY if rng.random() < 0.62 else TombKind.CLOUD
        deceased = rng.choice(SURNAMES) + rng.choice(["公", "母", "老先生", "老太太"])
        grave = f"{area}{rng.randint(1, 12)}排{rng.randint(1, 30)}号"
        return tomb_order_row(
            case=case,
            kind=kind,
            deceased_name=deceased,
            cemetery=cemetery,
            grave_location=grave,
            service_date=extra["service_day"],
            rites=rng.choice(RITES),
            done=extra["kind"] == "tomb",
            fulfilled_at=extra.get("fulfilled"),
        )

    def _survey(self, case: Case) -> Survey:
        rng = self.rng
        rating = rng.choices([5, 4, 3, 2, 1], [56, 27, 10, 4, 3])[0]
        answered = case.resolved_at + timedelta(hours=rng.randint(1, 72))
        return survey_row(
            case=case,
            token=secrets.token_bytes(16),
            rating=rating,
            comment=rng.choice(COMMENTS[rating]) if rng.random() < 0.4 else "",
            answered_at=min(
                answered, timezone.make_aware(datetime.combine(self.year.end, time(23)), self.zone)
            ),
        )
