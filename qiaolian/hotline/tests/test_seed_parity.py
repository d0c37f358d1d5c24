"""The hotline seed writes its rows in bulk, deriving what the services derive: each test
here builds rows with the seed's own row functions (hotline/seed/rows.py), stores them the
way the seed stores them, drives the same work through the services (the clock moved with
freezegun to the seed's moments), and compares the rows field by field.

Excluded everywhere, and only these: the primary key, `public_id` (a fresh UUID per row),
`updated_at` (the clock), and the link to the row's own parent (`case_id` …: two cases are
compared, so their children point at different ones). Other exclusions are listed per test.
"""

import tempfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import TestCase
from freezegun import freeze_time

from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.parity import row_differences
from qiaolian.hotline.models import (
    AnswerStatus,
    Call,
    Callback,
    CallDirection,
    CallOutcome,
    Case,
    CaseCounter,
    CaseEvent,
    CaseResponseRollup,
    CaseRollup,
    Channel,
    EventKind,
    Priority,
    Profession,
    Status,
    Survey,
    TombKind,
    TombSweepingOrder,
    Volunteer,
)
from qiaolian.hotline.seed import draws, rows
from qiaolian.hotline.seed import timeline as timeline_rows
from qiaolian.hotline.seed.content import ANSWERS
from qiaolian.hotline.services import cases as case_services
from qiaolian.hotline.services import rollup, sla
from qiaolian.hotline.services.answers import answer_create
from qiaolian.hotline.services.callbacks import callback_schedule
from qiaolian.hotline.services.calls import call_log, normalise_number
from qiaolian.hotline.services.surveys import survey_answer, survey_send
from qiaolian.hotline.services.tomb import order_create, order_fulfil
from qiaolian.hotline.services.volunteers import shift_create
from qiaolian.hotline.tests.support_tomb import JPEG, upload
from qiaolian.people.services import person_create

BEIJING = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 3, 10, 22, 14, 5, tzinfo=BEIJING)  # a night call from Europe
REPLY = timeline_rows.REPLY  # the seed's first reply to every requester

# A case is compared without its number (unique: the two cases cannot share one; the format
# is checked against `next_number` in its own test).
CASE_EXCLUDE = ("public_id", "updated_at", "number")


def timeline(case):
    return [
        (e.kind, e.actor_id, e.at, e.internal, e.text, e.data)
        for e in CaseEvent.objects.filter(case=case).order_by("at", "pk")
    ]


def lines(case, kind, *, without):
    """The case's timeline lines of one kind, their data without the key naming a row."""
    return [
        (*e[:5], {k: v for k, v in e[5].items() if k != without})
        for e in timeline(case)
        if e[0] == kind
    ]


class HotlineParityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        sla.ensure_default_policies()
        cls.policies = {
            (p.category, p.priority): p
            for p in sla.SlaPolicy.objects.filter(is_active=True).select_related("calendar")
        }
        cls.clerk = cls.cast.city_admin  # opens the cases (the seed's `created_by`)
        cls.helper = cls.cast.district_manager  # takes and answers them (the assignee)
        cls.unit = cls.cast.district_a
        cls.person = person_create(
            actor=cls.clerk,
            unit=cls.unit,
            surname="王",
            given_name="芳",
            country="IT",
            phones=["+39 312 345 6789"],
        )

    # --- the seed's way ------------------------------------------------------------------

    def seeded_case(
        self, serial, *, category, priority, channel, requester, opened=OPENED, unit=None
    ):
        case = rows.case_row(
            number=rows.case_number(opened.year, serial),
            unit=unit or self.unit,
            channel=channel,
            requester=requester,
            category=category,
            priority=priority,
            subject="咨询华侨回国定居办理流程",
            description="王女士来电：咨询华侨回国定居办理流程。",
            opened_at=opened,
            policy=rows.policy_for(self.policies, category, priority),
        )
        case.created_by = self.clerk
        return case

    def store(self, case):
        case.version = timeline_rows.case_version(case)  # where the timeline's changes leave it
        Case.objects.bulk_create([case])
        CaseEvent.objects.bulk_create(timeline_rows.case_events(case))
        return case

    # --- the services' way ---------------------------------------------------------------

    def opened_case(self, *, category, priority, channel, requester, opened=OPENED):
        person_id, name, phone, _tz = requester
        with freeze_time(opened):
            return case_services.case_open(
                actor=self.clerk,
                unit=self.unit,
                category=category,
                subject="咨询华侨回国定居办理流程",
                description="王女士来电：咨询华侨回国定居办理流程。",
                channel=channel,
                priority=priority,
                requester=self.person if person_id else None,
                contact_name="" if person_id else name,
                contact_phone=phone,
                opened_at=opened,
            )

    def worked(self, case, *, first_response_at, status=Status.IN_PROGRESS):
        with freeze_time(case.opened_at + timedelta(minutes=1)):
            case = case_services.case_assign(actor=self.clerk, case=case, assignee=self.helper)
        with freeze_time(first_response_at):
            case_services.case_comment(actor=self.helper, case=case, text=REPLY, to_requester=True)
            case.refresh_from_db()
            if status != Status.ASSIGNED:
                case = case_services.case_change_status(
                    actor=self.helper, case=case, status=Status.IN_PROGRESS
                )
        return case

    # --- cases ---------------------------------------------------------------------------

    def test_a_seeded_quick_contact_case_equals_one_opened_by_open_case(self):
        # One caller per country the seed draws (its zone table against the phone's zone).
        for serial, (phone, tz) in enumerate(
            [
                ("+393123456789", "Europe/Rome"),
                ("+34612345678", "Europe/Madrid"),
                ("+33612345678", "Europe/Paris"),
                ("+19172345678", "America/New_York"),
                ("+19171234567", ""),  # no such exchange (917-1xx): no E.164, no zone
            ],
            start=1,
        ):
            with self.subTest(phone=phone):
                spec = {
                    "category": "policy",  # a business-hours policy: due times skip the night
                    "priority": Priority.NORMAL,
                    "channel": Channel.CALL,
                    "requester": (None, "王女士", phone, tz),
                }
                made = self.opened_case(**spec)
                seeded = self.store(self.seeded_case(100 + serial, **spec))
                self.assertEqual(row_differences(seeded, made, exclude=CASE_EXCLUDE), {})
                self.assertEqual(timeline(seeded), timeline(made))

    def test_seeded_closed_cases_equal_ones_worked_through_the_services(self):
        requester = (self.person.pk, "王芳", "+393123456789", self.person.time_zone)
        for serial, (category, priority, late_reply, resolution) in enumerate(
            [
                # Late twice: the urgent policy wants a reply in 15 minutes, a fix in a day.
                ("medicine", Priority.URGENT, timedelta(minutes=42), timedelta(hours=30)),
                # Tomb-sweeping is resolved on its service day, weeks after the opening: the
                # clock counts it late like any case (`sla._stop`), and so must the seed.
                ("tomb_sweeping", Priority.NORMAL, timedelta(minutes=3), timedelta(days=18)),
            ]
        ):
            with self.subTest(category=category):
                spec = {
                    "category": category,
                    "priority": priority,
                    "channel": Channel.WECHAT,
                    "requester": requester,
                }
                first = OPENED + late_reply
                resolved = first + resolution
                closed = resolved + timedelta(days=4)
                made = self.worked(self.opened_case(**spec), first_response_at=first)
                with freeze_time(resolved):
                    made = case_services.case_change_status(
                        actor=self.helper,
                        case=made,
                        status=Status.RESOLVED,
                        note=timeline_rows.closing_note(made),
                    )
                with freeze_time(closed):
                    made = case_services.case_change_status(
                        actor=self.clerk, case=made, status=Status.CLOSED
                    )

                seeded = self.seeded_case(201 + serial, **spec)
                rows.case_stopped(
                    seeded,
                    assignee=self.helper,
                    first_response_at=first,
                    resolved_at=resolved,
                    closed_at=closed,
                )
                seeded = self.store(seeded)
                self.assertTrue(made.resolution_breached)
                self.assertEqual(row_differences(seeded, made, exclude=CASE_EXCLUDE), {})
                self.assertEqual(timeline(seeded), timeline(made))

    def test_seeded_open_cases_equal_ones_in_the_same_queue_through_the_services(self):
        first = OPENED + timedelta(minutes=20)
        for serial, status in enumerate((Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING)):
            with self.subTest(status=status):
                spec = {
                    "category": "legal",
                    "priority": Priority.NORMAL,
                    "channel": Channel.PORTAL,
                    "requester": (None, "李先生", "+393471234567", "Europe/Rome"),
                }
                made = self.worked(self.opened_case(**spec), first_response_at=first, status=status)
                if status == Status.WAITING:
                    with freeze_time(first + timedelta(hours=2)):
                        made = case_services.case_change_status(
                            actor=self.helper, case=made, status=Status.WAITING
                        )
                now = OPENED + timedelta(days=1)  # before any due time: no breach either way
                seeded = self.seeded_case(300 + serial, **spec)
                rows.case_queued(
                    seeded, status=status, assignee=self.helper, first_response_at=first, now=now
                )
                seeded = self.store(seeded)
                self.assertEqual(row_differences(seeded, made, exclude=CASE_EXCLUDE), {})
                self.assertEqual(timeline(seeded), timeline(made))

    def test_the_seeds_quick_contact_numbers_are_ones_log_call_accepts(self):
        # Random digits can fall in an unallocated range; the seed moves them into a valid one.
        for code, lead, digits in (("1", "917", "1234567"), ("33", "6", "91234567")):
            phone = draws.valid_mobile(code, lead, digits)
            self.assertEqual(normalise_number(phone), phone)
        self.assertEqual(draws.valid_mobile("39", "3", "123456789"), "+393123456789")

    def test_seeded_case_numbers_continue_where_next_number_goes_on(self):
        # The seed issues RX-YYYY-NNNNNN itself and leaves the year's counter at its last.
        rows.counters_raise({2031: 7})
        self.assertEqual(CaseCounter.objects.get(year=2031).last, 7)
        at = datetime(2031, 5, 1, 12, tzinfo=BEIJING)
        self.assertEqual(case_services.next_number(at), rows.case_number(2031, 8))

    # --- callbacks -----------------------------------------------------------------------

    def test_seeded_callbacks_equal_ones_scheduled_by_callback_schedule(self):
        # Issue 9, point 11: the seed plans callbacks around today, on open cases.
        spec = {
            "category": "policy",
            "priority": Priority.NORMAL,
            "channel": Channel.WECHAT,
            "requester": (None, "钱先生", "+393471234567", "Europe/Rome"),
        }
        first = OPENED + timedelta(minutes=20)
        made_case = self.worked(self.opened_case(**spec), first_response_at=first)
        seeded_case = self.seeded_case(801, **spec)
        rows.case_queued(
            seeded_case,
            status=Status.IN_PROGRESS,
            assignee=self.helper,
            first_response_at=first,
            now=OPENED + timedelta(days=1),
        )
        seeded_case = self.store(seeded_case)
        at = first + timedelta(minutes=5)
        when = datetime(2026, 3, 12, 10, 35, tzinfo=ZoneInfo("Europe/Rome"))
        seeded = rows.callback_row(
            case=seeded_case,
            scheduled_for=when,
            time_zone="Europe/Rome",
            created_by=self.helper,
            at=at,
        )
        Callback.objects.bulk_create([seeded])
        CaseEvent.objects.bulk_create([timeline_rows.callback_event(seeded)])
        with freeze_time(at):
            made = callback_schedule(actor=self.helper, case=made_case, when_local_or_utc=when)
        self.assertEqual(row_differences(seeded, made, exclude=("public_id", "case_id")), {})
        self.assertEqual(
            lines(seeded_case, EventKind.CALLBACK, without="callback"),
            lines(made_case, EventKind.CALLBACK, without="callback"),
        )

    # --- calls ---------------------------------------------------------------------------

    def test_seeded_calls_on_a_case_equal_ones_logged_by_log_call(self):
        requester = (self.person.pk, "王芳", "+393123456789", self.person.time_zone)
        spec = {
            "category": "policy",
            "priority": Priority.NORMAL,
            "channel": Channel.CALL,
            "requester": requester,
        }
        made_case = self.opened_case(**spec)
        seeded_case = self.store(self.seeded_case(401, **spec))
        for direction, at in (
            (CallDirection.INBOUND, OPENED),
            (CallDirection.OUTBOUND, OPENED + timedelta(hours=5)),
        ):
            with self.subTest(direction=direction):
                seeded = rows.call_row(
                    unit=self.unit,
                    direction=direction,
                    phone_e164=seeded_case.contact_phone_e164,
                    person_id=seeded_case.requester_id,
                    case=seeded_case,
                    started_at=at,
                    duration_seconds=312,
                    outcome=CallOutcome.ANSWERED,
                    notes="",
                    taken_by=self.clerk,
                )
                Call.objects.bulk_create([seeded])
                rows.mark_called([seeded])
                CaseEvent.objects.bulk_create([timeline_rows.call_event(seeded)])
                with freeze_time(at):
                    made = call_log(
                        actor=self.clerk,
                        case=made_case,
                        direction=direction,
                        number=seeded.number,  # as the seed has it typed
                        started_at=at,
                        duration_seconds=312,
                        outcome=CallOutcome.ANSWERED,
                    )
                self.assertEqual(
                    row_differences(seeded, made, exclude=("public_id", "case_id")), {}
                )
        # `has_call` (kept by Call.save) and the CALL lines of the timeline.
        self.assertEqual(row_differences(seeded_case, made_case, exclude=CASE_EXCLUDE), {})
        self.assertEqual(
            [e[:5] for e in timeline(seeded_case)], [e[:5] for e in timeline(made_case)]
        )

    def test_seeded_calls_without_a_case_equal_ones_logged_by_log_call(self):
        # A second record with the same number (a near-duplicate): a call from it names
        # nobody, as `call_log` cannot tell which of the two is calling.
        person_create(
            actor=self.clerk,
            unit=self.unit,
            surname="王",
            given_name="芳",
            country="IT",
            phones=["0039 312 345 6789"],
        )
        shared = {"+393123456789"}
        for serial, (person_id, phone) in enumerate(
            [(None, "+34612345678"), (self.person.pk, "+393123456789")]
        ):
            with self.subTest(phone=phone):
                at = OPENED + timedelta(days=2, minutes=serial)
                seeded = rows.call_row(
                    unit=self.unit,
                    direction=CallDirection.INBOUND,
                    phone_e164=phone,
                    person_id=rows.caller(person_id, phone, shared),
                    case=None,
                    started_at=at,
                    duration_seconds=95,
                    outcome=CallOutcome.CALLBACK,
                    notes="政策咨询，当场答复",
                    taken_by=self.clerk,
                )
                Call.objects.bulk_create([seeded])
                made = call_log(
                    actor=self.clerk,
                    unit=self.unit,
                    number=seeded.number,
                    started_at=at,
                    duration_seconds=95,
                    outcome=CallOutcome.CALLBACK,
                    notes="政策咨询，当场答复",
                )
                self.assertEqual(row_differences(seeded, made, exclude=("public_id",)), {})
        self.assertEqual(rows.caller(self.person.pk, "+34612345678", shared), self.person.pk)

    def test_the_rollup_the_seed_rebuilds_equals_the_one_the_services_keep(self):
        """The seed bulk-creates and then rebuilds the figures' rollup; the services keep it
        row by row. The same work in two sibling districts must give the same rows."""
        first, resolved = OPENED + timedelta(minutes=20), OPENED + timedelta(days=5)
        answered = resolved + timedelta(hours=3)
        spec = {
            "category": "legal",
            "priority": Priority.HIGH,
            "channel": Channel.CALL,
            "requester": (None, "周先生", "+393471234567", ""),
        }
        made = self.worked(self.opened_case(**spec), first_response_at=first)
        with freeze_time(first):
            call_log(actor=self.clerk, case=made, number="+39 347 123 4567", started_at=OPENED)
        with freeze_time(resolved):
            made = case_services.case_change_status(
                actor=self.helper,
                case=made,
                status=Status.RESOLVED,
                note=timeline_rows.closing_note(made),
            )
            token = survey_send(made)
        with freeze_time(answered):
            survey_answer(token, 5)

        sibling = self.cast.district_b
        seeded = self.seeded_case(701, unit=sibling, **spec)
        rows.case_stopped(
            seeded, assignee=None, first_response_at=first, resolved_at=resolved, closed_at=None
        )
        seeded = self.store(seeded)
        call = rows.call_row(
            unit=sibling,
            direction=CallDirection.INBOUND,
            phone_e164="+393471234567",
            person_id=None,
            case=seeded,
            started_at=OPENED,
            duration_seconds=0,
            outcome=CallOutcome.ANSWERED,
            notes="",
            taken_by=self.clerk,
        )
        Call.objects.bulk_create([call])
        rows.mark_called([call])
        survey = rows.survey_row(
            case=seeded, token=b"x" * 16, rating=5, comment="", answered_at=answered
        )
        Survey.objects.bulk_create([survey])
        rollup.rebuild(sibling)

        def figures(unit):
            return {
                model.__name__: sorted(
                    tuple(v for k, v in row.items() if k not in ("id", "unit_id"))
                    for row in model.objects.filter(unit=unit).values()
                )
                for model in (CaseRollup, CaseResponseRollup)
            }

        self.assertTrue(figures(self.unit)["CaseRollup"])
        self.assertEqual(figures(sibling), figures(self.unit))

    # --- tomb-sweeping and surveys -------------------------------------------------------

    def test_a_seeded_tomb_sweeping_order_equals_one_created_and_fulfilled_by_the_services(self):
        spec = {
            "category": "tomb_sweeping",
            "priority": Priority.NORMAL,
            "channel": Channel.WECHAT,
            "requester": (None, "陈先生", "+393123456780", "Europe/Rome"),
        }
        details = {
            "kind": TombKind.PROXY,
            "deceased_name": "陈公",
            "cemetery": "宁波福泉山公墓",
            "grave_location": "松园3排12号",
            "service_date": OPENED.date() + timedelta(days=20),
            "rites": "献花、清扫墓碑",
        }
        fulfilled = datetime(2026, 3, 30, 10, 5, tzinfo=BEIJING)
        made_case = self.worked(self.opened_case(**spec), first_response_at=OPENED)
        with freeze_time(OPENED):
            made = order_create(actor=self.clerk, case=made_case, **details)
        with tempfile.TemporaryDirectory() as media, self.settings(MEDIA_ROOT=media):
            order_fulfil(
                actor=self.helper, order=made, files=[upload("a.jpg", JPEG)], fulfilled_at=fulfilled
            )
        seeded_case = self.seeded_case(501, **spec)
        seeded_case.assignee = self.helper
        Case.objects.bulk_create([seeded_case])
        seeded = TombSweepingOrder.objects.bulk_create(
            [rows.tomb_order_row(case=seeded_case, done=True, fulfilled_at=fulfilled, **details)]
        )[0]
        self.assertEqual(row_differences(seeded, made, exclude=("public_id", "case_id")), {})
        # The "order created" line of the timeline (its data names the order by public id).
        # The seed stores no proof files, so the fulfilment's proof line is not compared.
        CaseEvent.objects.bulk_create([timeline_rows.tomb_order_event(seeded)])
        self.assertEqual(
            lines(seeded_case, "edit", without="tomb_order"),
            lines(made_case, "edit", without="tomb_order"),
        )

    def test_a_seeded_survey_equals_one_sent_and_answered_through_the_services(self):
        resolved = OPENED + timedelta(hours=6)
        answered = resolved + timedelta(hours=30)
        spec = {
            "category": "policy",
            "priority": Priority.NORMAL,
            "channel": Channel.EMAIL,
            "requester": (None, "赵女士", "+33612345670", "Europe/Paris"),
        }
        made_case = self.worked(self.opened_case(**spec), first_response_at=OPENED)
        with freeze_time(resolved):
            made_case = case_services.case_change_status(
                actor=self.helper,
                case=made_case,
                status=Status.RESOLVED,
                note=timeline_rows.closing_note(made_case),
            )
            token = survey_send(made_case)  # what the resolution queues on commit
        with freeze_time(answered):
            made = survey_answer(token, 4, "回复及时，问题基本解决。")
        seeded_case = self.seeded_case(601, **spec)
        seeded_case.resolved_at = resolved
        Case.objects.bulk_create([seeded_case])
        seeded = Survey.objects.bulk_create(
            [
                rows.survey_row(
                    case=seeded_case,
                    token=b"0123456789abcdef",
                    rating=4,
                    comment="回复及时，问题基本解决。",
                    answered_at=answered,
                )
            ]
        )[0]
        CaseEvent.objects.bulk_create(timeline_rows.survey_events(seeded, emailed=False))
        self.assertEqual(
            lines(seeded_case, "survey", without="survey"),
            lines(made_case, "survey", without="survey"),
        )
        # `token_hash`: the hash of a random token in both.
        self.assertEqual(row_differences(seeded, made, exclude=("case_id", "token_hash")), {})

    # --- the knowledge base and the rota -------------------------------------------------

    def test_seeded_answers_equal_ones_made_by_answer_create(self):
        for index, (category, title_zh, title_en, body_zh, body_en, keywords) in enumerate(
            ANSWERS[:3]
        ):
            with self.subTest(title=title_en):
                fields = {
                    "category": category,
                    "status": AnswerStatus.PUBLIC if index % 5 else AnswerStatus.INTERNAL,
                    "title_zh": title_zh,
                    "title_en": title_en,
                    "body_zh": body_zh,
                    "body_en": body_en,
                    "keywords": keywords,
                }
                seeded = rows.answer_row(unit=self.cast.city, created_by=self.clerk, **fields)
                seeded.save()  # the seed bulk-creates: no save() override on Answer
                made = answer_create(actor=self.clerk, unit=self.cast.city, **fields)
                # `search_text`: derived from the texts, as the answers service indexes it.
                self.assertEqual(
                    row_differences(seeded, made, exclude=("public_id", "updated_at")), {}
                )

    def test_seeded_shifts_equal_ones_made_by_shift_create(self):
        volunteer = Volunteer.objects.create(
            unit=self.unit, user=self.helper, profession=Profession.DOCTOR
        )
        start = datetime(2026, 12, 1, 8, tzinfo=BEIJING)
        seeded = rows.shift_row(
            volunteer=volunteer,
            starts_at=start,
            ends_at=start + timedelta(hours=8),
            note="医生值班",
        )
        seeded.save()
        made = shift_create(
            actor=self.clerk,
            volunteer=volunteer,
            starts_at=start + timedelta(hours=8),
            ends_at=start + timedelta(hours=16),
            note="医生值班",
        )
        # The times differ by necessity (a volunteer's shifts cannot overlap).
        self.assertEqual(
            row_differences(seeded, made, exclude=("public_id", "starts_at", "ends_at")), {}
        )
