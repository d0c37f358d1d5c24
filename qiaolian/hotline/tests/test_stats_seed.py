"""The hotline's figures (`case_stats`), the `hotline-stats` command and the demo seed.

The selector is checked on hand-made cases in the test cast (definitions, scoping, the
volunteer narrowing); the seed on its tiny plan through the real `seed` command (the
figures it reports must be those it planned), and once at the article scale (22,486
contacts, 1,005 tomb-sweeping services, 1,236 resolved problems)."""

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from freezegun import freeze_time

from qiaolian.core.figures import compute_figures, default_period
from qiaolian.core.models import Unit, User
from qiaolian.core.testing.cast import Cast
from qiaolian.hotline import seed as hotline_seed
from qiaolian.hotline.models import (
    OPEN_STATUSES,
    Call,
    Callback,
    Case,
    CaseCounter,
    Channel,
    Status,
    Survey,
    TombStatus,
    TombSweepingOrder,
    Volunteer,
    month_key,
)
from qiaolian.hotline.selectors.stats import _median, case_stats
from qiaolian.hotline.services import sla
from qiaolian.hotline.tests.factories import CallFactory, CaseFactory, TombOrderFactory

START, END = date(2026, 1, 1), date(2026, 12, 31)


def at(day: str, hour: int = 10):
    return timezone.make_aware(datetime.fromisoformat(day) + timedelta(hours=hour))


class StatsSelectorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = c = Cast.build()
        # District A: a call that opened a case, a WeChat case (no call), a call without case.
        cls.call_case = CaseFactory(
            unit=c.district_a, channel=Channel.CALL, opened_at=at("2026-03-02")
        )
        CallFactory(unit=c.district_a, case=cls.call_case, started_at=at("2026-03-02"))
        cls.wechat = CaseFactory(
            unit=c.township_a1,
            channel=Channel.WECHAT,
            category="legal",
            opened_at=at("2026-04-03"),
            first_response_at=at("2026-04-03") + timedelta(minutes=30),
            status=Status.RESOLVED,
            resolved_at=at("2026-04-06"),
            assignee=c.volunteer,
        )
        CallFactory(unit=c.district_a, started_at=at("2026-04-10"))
        # Opened last year, resolved this year: resolved counts, the case does not.
        CaseFactory(
            unit=c.district_a,
            opened_at=at("2025-11-20"),
            status=Status.CLOSED,
            resolved_at=at("2026-01-05"),
            first_response_breached=True,
        )
        # A tomb-sweeping order done in April, and one only scheduled.
        done = TombOrderFactory(
            case__unit=c.district_a,
            case__opened_at=at("2026-03-20"),
            case__channel=Channel.PORTAL,
            case__status=Status.CLOSED,
            case__resolved_at=at("2026-04-05", 15),
            status=TombStatus.DONE,
            fulfilled_at=at("2026-04-05"),
        )
        TombOrderFactory(case__unit=c.district_a, case__opened_at=at("2026-11-20"))
        Survey.objects.create(
            case=cls.wechat,
            token_hash="a" * 64,
            expires_at=at("2026-05-01"),
            rating=5,
            answered_at=at("2026-04-07"),
        )
        Survey.objects.create(
            case=done.case,
            token_hash="b" * 64,
            expires_at=at("2026-05-01"),
            rating=3,
            answered_at=at("2026-04-07"),
        )
        # District B's work must never show in district A's figures.
        CaseFactory(unit=c.district_b, opened_at=at("2026-03-02"))
        CallFactory(unit=c.district_b, started_at=at("2026-03-02"))

    def stats(self, user, **kwargs):
        return case_stats(user, start=START, end=END, **kwargs)

    def test_contacts_are_calls_plus_cases_without_a_call(self):
        figures = self.stats(self.cast.district_manager)
        # Calls: 2 in A. Cases opened in 2026 in A: call case, WeChat, two tomb cases (one
        # portal, one default channel), none of them with a call except the first.
        self.assertEqual(figures["calls"], 2)
        self.assertEqual(figures["cases"], 4)
        self.assertEqual(figures["cases_without_call"], 3)
        self.assertEqual(figures["contacts"], 5)

    def test_resolved_counts_by_resolution_date_and_leaves_tomb_sweeping_apart(self):
        figures = self.stats(self.cast.district_manager)
        self.assertEqual(figures["resolved"], 2)  # the WeChat case and last year's case
        self.assertEqual(figures["tomb_sweeping"], 1)  # done only, not the scheduled one
        self.assertEqual(figures["tomb_sweeping_by_kind"], {"proxy": 1})

    def test_breakdowns_and_months(self):
        figures = self.stats(self.cast.district_manager)
        self.assertEqual(figures["by_category"]["tomb_sweeping"], 2)
        self.assertEqual(figures["by_category"]["legal"], 1)
        self.assertEqual(figures["by_channel"]["wechat"], 1)
        months = {row["month"]: row["cases"] for row in figures["by_month"]}
        self.assertEqual(len(months), 12)
        self.assertEqual((months["2026-03"], months["2026-04"], months["2026-11"]), (2, 1, 1))
        self.assertEqual(figures["open"], 2)  # the call case and the scheduled order's case
        self.assertEqual(figures["first_response_median_minutes"], 30.0)

    def test_csat(self):
        csat = self.stats(self.cast.district_manager)["csat"]
        self.assertEqual(csat, {"responses": 2, "mean": 4.0, "satisfied_share": 0.5})

    def test_by_unit_splits_into_the_chosen_units_children(self):
        city = self.stats(self.cast.city_admin)
        rows = {row["code"]: row["cases"] for row in city["by_unit"]}
        self.assertEqual(rows, {"DA": 4, "DB": 1})
        district = self.stats(self.cast.city_admin, unit=self.cast.district_a)
        rows = {row["code"]: row["cases"] for row in district["by_unit"]}
        self.assertEqual(rows, {"DA1": 1, "DA": 3})  # the district's own cases last
        self.assertTrue(district["by_unit"][-1]["own"])

    def test_the_sibling_district_never_leaks(self):
        self.assertEqual(self.stats(self.cast.sibling_manager)["cases"], 1)
        self.assertEqual(self.stats(self.cast.sibling_manager)["calls"], 1)
        with self.assertRaises(PermissionDenied):
            self.stats(self.cast.sibling_manager, unit=self.cast.district_a)

    def test_a_volunteer_counts_only_the_cases_assigned_to_them(self):
        figures = self.stats(self.cast.volunteer)
        self.assertEqual(figures["cases"], 1)
        self.assertEqual(figures["by_category"], {"legal": 1})
        self.assertEqual(figures["calls"], 0)
        self.assertEqual(figures["csat"]["responses"], 1)

    def test_nobody_sees_nothing(self):
        figures = self.stats(self.cast.nobody)
        self.assertEqual((figures["contacts"], figures["cases"], figures["resolved"]), (0, 0, 0))

    def test_the_period_is_local_days_with_the_end_included(self):
        one_day = case_stats(self.cast.city_admin, start=date(2026, 4, 3), end=date(2026, 4, 3))
        self.assertEqual(one_day["cases"], 1)

    def test_opened_month_is_kept_by_save(self):
        case = Case.objects.get(pk=self.call_case.pk)
        self.assertEqual(case.opened_month, 202603)
        case.opened_at = at("2026-07-31", 20)  # 20:00 Beijing time is still July
        case.save(update_fields=["opened_at"])
        case.refresh_from_db()
        self.assertEqual(case.opened_month, 202607)
        self.assertEqual(month_key(datetime(2026, 7, 31, 17, tzinfo=UTC)), 202608)


def test_median_of_a_histogram():
    assert _median({}) is None
    assert _median({5: 1}) == 5.0
    assert _median({1: 1, 3: 1}) == 2.0
    assert _median({1: 2, 10: 1}) == 1.0


class CommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = c = Cast.build()
        CaseFactory(unit=c.district_a, channel=Channel.WECHAT, opened_at=at("2026-03-02"))
        CallFactory(unit=c.district_b, started_at=at("2026-03-02"))

    def run_command(self, *args):
        out = StringIO()
        call_command("hotline_stats", *args, stdout=out)
        return out.getvalue()

    def test_json_is_one_object_with_the_required_keys(self):
        data = json.loads(self.run_command("--from", "2026-01-01", "--to", "2026-12-31", "--json"))
        for key in (
            "contacts",
            "cases",
            "resolved",
            "tomb_sweeping",
            "by_category",
            "by_channel",
            "csat",
        ):
            self.assertIn(key, data)
        self.assertEqual((data["contacts"], data["cases"]), (2, 1))

    def test_unit_and_user_narrow_the_figures(self):
        args = ("--unit", "DA", "--from", "2026-01-01", "--to", "2026-12-31", "--json")
        data = json.loads(self.run_command(*args, "--as", self.cast.district_manager.username))
        self.assertEqual((data["unit"]["code"], data["contacts"]), ("DA", 1))

    def test_errors_are_clear_and_exit_non_zero(self):
        cases = [
            (("--unit", "NOPE"), "No unit with code 'NOPE'"),
            (("--from", "2026-02-30"), "is not a date"),
            (("--from", "2026-05-01", "--to", "2026-04-01"), "before --from"),
            (("--as", "ghost"), "No active user"),
            (("--unit", "DB", "--as", self.cast.district_manager.username), "outside the scope"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaises(CommandError) as raised:
                self.run_command(*args)
            self.assertIn(message, str(raised.exception))
            self.assertEqual(raised.exception.returncode, 2)

    def test_the_table_form(self):
        text = self.run_command("--from", "2026-01-01", "--to", "2026-12-31")
        self.assertIn("contacts", text)
        self.assertIn("wechat 1", text)


# --- the demo seed ---------------------------------------------------------------------


def test_the_article_plan_holds_the_reference_texts_figures():
    totals = hotline_seed.Plan.article(1).totals()
    assert totals["contacts"] == 22_486
    assert totals["tomb_sweeping"] == 1_005
    assert totals["resolved"] >= 1_200
    assert totals["calls"] + totals["cases_without_call"] == 22_486
    assert totals["calls"] == (
        totals["call_cases"] + totals["followup_calls"] + totals["calls_without_case"]
    )
    assert hotline_seed.Plan.article(2).totals()["contacts"] == 2 * 22_486


@override_settings(SEED_NETWORK_PLAN="tiny", SEED_HOTLINE_PLAN="tiny", DEMO_DATA_ALLOWED=True)
class TinySeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed", verbosity=0)
        cls.plan = hotline_seed.Plan.tiny()
        cls.admin = User.objects.get(username="city_admin")

    def figures(self, user=None, **kwargs):
        period = default_period()  # what the figures page shows first
        return case_stats(
            user or User.objects.get(pk=self.admin.pk),
            start=period.start,
            end=period.end,
            **kwargs,
        )

    def test_the_figures_are_what_the_seed_planned(self):
        figures = self.figures()
        totals = self.plan.totals()
        for key in ("contacts", "calls", "cases", "cases_without_call", "resolved", "open"):
            self.assertEqual(figures[key], totals[key], key)
        self.assertEqual(figures["tomb_sweeping"], self.plan.tomb_done)
        self.assertGreater(figures["csat"]["responses"], 0)
        self.assertEqual(sum(r["cases"] for r in figures["by_month"]), totals["cases"])
        self.assertEqual(sum(figures["by_channel"].values()), totals["cases"])

    def test_the_work_is_spread_over_the_city_and_its_districts(self):
        units = set(Case.objects.values_list("unit__code", flat=True))
        self.assertIn("330200", units)
        self.assertGreaterEqual(len(units), 6)
        districts = {r["code"] for r in self.figures()["by_unit"] if r["cases"]}
        self.assertTrue(districts <= {u.code for u in Unit.objects.filter(depth__lte=2)})

    def test_numbers_and_counters_agree(self):
        for counter in CaseCounter.objects.all():
            numbers = Case.objects.filter(number__startswith=f"RX-{counter.year}-")
            self.assertEqual(numbers.count(), counter.last)
            self.assertTrue(numbers.filter(number=f"RX-{counter.year}-{counter.last:06d}").exists())

    def test_every_open_queue_has_cases(self):
        statuses = set(
            Case.objects.filter(
                status__in=[Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING]
            ).values_list("status", flat=True)
        )
        self.assertEqual(
            statuses, {Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING}
        )
        self.assertFalse(Case.objects.filter(status=Status.NEW, assignee__isnull=False).exists())

    def test_the_demo_doctor_is_a_volunteer_on_a_rota_covering_the_day(self):
        doctor = Volunteer.objects.get(user__username="volunteer_doctor")
        self.assertEqual(doctor.profession, "doctor")
        today = timezone.localdate()
        start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
        for hour in range(24):
            moment = start + timedelta(hours=hour, minutes=30)
            on_duty = doctor.unit.shifts.filter(
                starts_at__lte=moment, ends_at__gt=moment, volunteer__profession="doctor"
            )
            self.assertTrue(on_duty.exists(), f"no doctor on duty at {hour}:30")
        # The demo doctor sees their own cases, and only those.
        user = User.objects.get(username="volunteer_doctor")
        own = self.figures(user)["cases"]
        self.assertEqual(
            own,
            Case.objects.filter(assignee=user)
            .filter(opened_at__date__gte=default_period().start)
            .count(),
        )
        self.assertGreater(
            Case.objects.filter(
                assignee=user, status__in=["assigned", "in_progress", "waiting"]
            ).count(),
            0,
        )

    def test_requesters_come_from_the_register_and_calls_from_their_phones(self):
        linked = Call.objects.filter(case__requester__isnull=False).select_related("case")[:20]
        self.assertTrue(linked)
        for call in linked:
            self.assertEqual(call.number_e164, call.case.contact_phone_e164)

    def test_it_changes_nothing_when_run_again(self):
        counts = (Case.objects.count(), Call.objects.count(), Volunteer.objects.count())
        self.assertEqual(hotline_seed.seed_hotline(plan=self.plan), {"skipped": True})
        call_command("seed", verbosity=0)
        self.assertEqual(
            (Case.objects.count(), Call.objects.count(), Volunteer.objects.count()), counts
        )


@pytest.mark.django_db
@override_settings(SEED_NETWORK_PLAN="tiny", SEED_HOTLINE_PLAN="off", DEMO_DATA_ALLOWED=True)
def test_the_article_scale_yields_the_reference_texts_figures():
    """One real insert of the article scale (a few seconds on SQLite)."""
    call_command("seed", verbosity=0)
    # How long it takes is for bench/, not for a test: a loaded machine made this assertion
    # fail at 30–86 s.
    hotline_seed.seed_hotline(plan=hotline_seed.Plan.article(1))
    admin = User.objects.get(username="city_admin")
    figures = compute_figures(user=admin, unit=None, period=default_period())
    # The README's figures, over the figures page's default period, on the day of the seed.
    assert figures["hotline.contacts"] == 22_486
    assert figures["hotline.tomb_sweeping"] == 1_005
    assert figures["hotline.resolved"] == 1_236
    assert figures["hotline.cases"] == 2_323
    # The first SLA sweep after the seed reports no breach: the few late ones are reported.
    assert sla.check_sla_now()["breached"] == 0


# --- the seed's year ends yesterday, whatever day it runs -----------------------------------

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
@override_settings(SEED_NETWORK_PLAN="tiny", SEED_HOTLINE_PLAN="tiny", DEMO_DATA_ALLOWED=True)
@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 7, 14, 0, tzinfo=BEIJING),  # the day issue 9 was filed
        datetime(2027, 4, 5, 9, 30, tzinfo=BEIJING),  # Qingming itself: its peak at the edge
        datetime(2028, 2, 29, 22, 10, tzinfo=BEIJING),  # a leap day, late at night
    ],
)
def test_the_seed_gives_its_figures_over_the_default_period_whatever_day_it_runs(now):
    # Issue 9, point 11: the year was pinned to 2025-12-01 … 2026-11-27, so later runs
    # showed other figures by default, every open case overdue and 69 breaches at the first
    # sweep.
    with freeze_time(now):
        call_command("seed", verbosity=0)
        plan = hotline_seed.Plan.tiny()
        totals = plan.totals()
        admin = User.objects.get(username="city_admin")
        period = default_period()
        figures = compute_figures(user=admin, unit=None, period=period)
        assert {key: figures[f"hotline.{key}"] for key in ("contacts", "cases", "resolved")} == {
            key: totals[key] for key in ("contacts", "cases", "resolved")
        }
        assert figures["hotline.tomb_sweeping"] == plan.tomb_done
        year = hotline_seed.seed_year()
        assert year.end == now.date() - timedelta(days=1)
        # Nothing lies in the future or before the default period.
        for field in ("opened_at", "first_response_at", "resolved_at", "closed_at"):
            assert not Case.objects.filter(**{f"{field}__gt": now}).exists(), field
        assert not Call.objects.filter(started_at__gt=now).exists()
        assert not Case.objects.filter(opened_at__date__lt=period.start).exists()
        # The done work ends yesterday; the open work came in within the last two days.
        assert not Case.objects.filter(resolved_at__date__gt=year.end).exists()
        open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
        assert not open_cases.filter(opened_at__lt=now - timedelta(days=2)).exists()
        # Scheduled tomb-sweepings fall in the coming two weeks.
        scheduled = TombSweepingOrder.objects.exclude(status=TombStatus.DONE)
        assert scheduled.count() == plan.tomb_scheduled
        for order in scheduled:
            assert now.date() < order.service_date <= now.date() + timedelta(days=14)
        # Callbacks are planned in the coming hours or days, on open cases.
        callbacks = Callback.objects.select_related("case")
        assert callbacks.exists()
        for callback in callbacks:
            assert now < callback.scheduled_for <= now + timedelta(days=2)
            assert callback.case.is_open and callback.done_at is None
        # Mostly within their SLA; the few late ones are already reported, so the first sweep
        # right after the seed reports no breach at all.
        late = open_cases.filter(sla.breached_q(now))
        assert late.count() <= open_cases.count() // 3
        assert not late.filter(breach_notified_at__isnull=True).exists()
        assert sla.check_sla_now(now)["breached"] == 0
