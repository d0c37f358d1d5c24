"""The figures' rollup (hotline/services/rollup.py) against a fresh recount from the cases.

Random runs of the real services (open, assign, status changes with reopenings, edits of
category, transfers, calls logged and cases opened from calls, first responses, surveys
answered, the SLA sweep) must leave the rollup equal to a recount from scratch, and the
figures read from it equal to the figures counted from the cases, for every user and for
periods cut at month ends or in the middle of months. Volunteers never read the rollup (it
counts cases that are not theirs)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from qiaolian.core import services as core_services
from qiaolian.hotline.models import Case, CaseResponseRollup, CaseRollup, Channel, Status
from qiaolian.hotline.selectors.stats import case_stats, split_period
from qiaolian.hotline.services import calls, cases, rollup, sla, surveys
from qiaolian.hotline.tests.factories import CaseFactory

CATEGORIES = ("policy", "legal", "medicine", "tomb_sweeping")
PERIODS = (
    (date(2025, 12, 1), date(2026, 2, 28)),  # whole months: rollup only
    (date(2025, 12, 15), date(2026, 3, 10)),  # both ends cut: cases + rollup
    (date(2026, 1, 5), date(2026, 1, 20)),  # inside one month: cases only
    (date(2025, 11, 1), date(2026, 12, 31)),  # every case, the resolutions of today
)


def at(day: date, minute: int) -> datetime:
    zone = timezone.get_default_timezone()  # the federation's days
    return datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minute)


def table() -> dict:
    """The rollup as stored, zero rows left out."""
    rows: dict = {}
    for row in CaseRollup.objects.all().values():  # scoping: exempt, test
        counts = Counter({c: row[c] for c in rollup.MAIN_COUNTERS if row[c]})
        if counts:
            key = ("main", row["unit_id"], row["month"], row["channel"], row["category"])
            rows[key] = counts
    for row in CaseResponseRollup.objects.all().values():  # scoping: exempt, test
        if row["cases"]:
            rows["resp", row["unit_id"], row["month"], row["minutes"]] = Counter(cases=row["cases"])
    return rows


def recounted() -> dict:
    return {key: +c for key, c in rollup.fan_out(rollup.recount()).items() if +c}


def assert_rollup_is_a_recount(cast) -> None:
    assert table() == recounted()
    for user in (cast.city_admin, cast.district_manager, cast.sibling_manager, cast.volunteer):
        for start, end in PERIODS:
            fresh = cast.fresh(user)
            assert case_stats(fresh, start=start, end=end) == case_stats(
                cast.fresh(user), start=start, end=end, use_rollup=False
            ), (user.username, start, end)
    for start, end in PERIODS:
        unit = cast.township_a1
        assert case_stats(cast.fresh(cast.city_admin), unit=unit, start=start, end=end) == (
            case_stats(cast.fresh(cast.city_admin), unit=unit, start=start, end=end, use_rollup=0)
        )


def random_work(cast, rng: random.Random, steps: int) -> None:
    manager = cast.city_admin
    units = [cast.city, cast.district_a, cast.township_a1, cast.district_b]

    def assignee_for(unit):  # the volunteer serves district A only
        return cast.volunteer if unit.path.startswith(cast.district_a.path) else manager

    opened: list[Case] = []
    days = [date(2025, 12, 1) + timedelta(days=n) for n in range(0, 110, 3)]
    for _ in range(steps):
        action = rng.choice(
            ("open", "open", "call", "status", "status", "edit", "transfer", "reply", "survey")
        )
        if action == "open" or not opened:
            unit = rng.choice(units)
            case = cases.case_open(
                actor=manager,
                unit=unit,
                category=rng.choice(CATEGORIES),
                channel=rng.choice((Channel.CALL, Channel.WECHAT, Channel.LETTER)),
                subject="求助",
                contact_name="王先生",
                assignee=assignee_for(unit) if rng.random() < 0.3 else None,
                opened_at=at(rng.choice(days), rng.randrange(1440)),
            )
            opened.append(case)
            continue
        case = Case.objects.get(pk=rng.choice(opened).pk)
        if action == "call":
            on_case = rng.random() < 0.5
            call = calls.call_log(
                actor=manager,
                unit=None if on_case else rng.choice(units),
                case=case if on_case else None,
                number="+39 333 123 4567",
                started_at=at(rng.choice(days), rng.randrange(1440)),
            )
            if call.case_id is None and rng.random() < 0.5:
                opened.append(
                    calls.case_open_from_call(
                        actor=manager, call=call, category="policy", subject="来电"
                    )
                )
        elif action == "status":
            moves = cases.allowed_statuses(case)
            if case.status == Status.NEW:
                cases.case_assign(actor=manager, case=case, assignee=assignee_for(case.unit))
            elif moves:
                cases.case_change_status(
                    actor=manager, case=case, status=rng.choice(moves), note="已办理"
                )
        elif action == "edit":
            cases.case_update(actor=manager, case=case, category=rng.choice(CATEGORIES))
        elif action == "transfer":
            target = rng.choice([u for u in units if u.pk != case.unit_id])
            cases.case_transfer(actor=manager, case=case, unit=target, reason="转办")
        elif action == "reply":
            cases.case_comment(actor=manager, case=case, text="您好", to_requester=True)
        elif action == "survey" and case.status in (Status.RESOLVED, Status.CLOSED):
            token = surveys.survey_send(case)
            if token:
                surveys.survey_answer(token, rng.randint(1, 5))


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_service_calls_keep_the_rollup_equal_to_a_recount(cast, seed):
    random_work(cast, random.Random(seed), steps=60)
    # The SLA sweep marks breaches through a conditional UPDATE, not Case.save().
    sla.check_sla_now(timezone.now() + timedelta(days=60))
    assert Case.objects.filter(first_response_breached=True).exists()  # the sweep had work
    assert_rollup_is_a_recount(cast)


@pytest.mark.django_db
def test_moving_a_unit_moves_its_figures_to_its_new_ancestors(cast):
    random_work(cast, random.Random(4), steps=40)
    CaseFactory(unit=cast.township_a1, opened_at=at(date(2026, 1, 10), 600))
    core_services.unit_move(
        actor=cast.city_admin, unit=cast.township_a1, new_parent=cast.district_b
    )
    cast.township_a1.refresh_from_db()
    cast.district_b.refresh_from_db()
    assert table() == recounted()
    figures = case_stats(cast.fresh(cast.sibling_manager), start=PERIODS[3][0], end=PERIODS[3][1])
    scanned = case_stats(
        cast.fresh(cast.sibling_manager), start=PERIODS[3][0], end=PERIODS[3][1], use_rollup=False
    )
    assert figures == scanned
    assert figures["cases"] >= 1  # the township's cases now count in district B


@pytest.mark.django_db
def test_volunteers_figures_never_come_from_the_rollup(cast):
    """A volunteer sees the cases assigned to them; the rollup counts everyone's."""
    day = at(date(2026, 1, 10), 600)
    mine = CaseFactory(unit=cast.district_a, assignee=cast.volunteer, opened_at=day)
    CaseFactory(unit=cast.district_a, opened_at=day)  # a colleague's
    whole_january = {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}
    assert case_stats(cast.fresh(cast.volunteer), **whole_january)["cases"] == 1
    # Inflate the rollup: the manager's figures follow it, the volunteer's do not.
    CaseRollup.objects.filter(unit=cast.district_a, month=202601, opened__gt=0).update(opened=50)
    assert case_stats(cast.fresh(cast.district_manager), **whole_january)["cases"] == 50
    volunteer = case_stats(cast.fresh(cast.volunteer), **whole_january)
    assert volunteer["cases"] == 1
    assert volunteer["by_category"] == {mine.category: 1}


@pytest.mark.django_db
def test_the_rollup_of_a_sibling_unit_is_never_read(cast):
    day = at(date(2026, 1, 10), 600)
    CaseFactory(unit=cast.district_b, opened_at=day)
    figures = case_stats(
        cast.fresh(cast.district_manager), start=date(2026, 1, 1), end=date(2026, 1, 31)
    )
    assert figures["cases"] == 0
    assert figures["by_month"] == [{"month": "2026-01", "cases": 0}]


@pytest.mark.django_db
def test_the_rebuild_command_recounts_everything_or_one_subtree(cast):
    random_work(cast, random.Random(5), steps=30)
    # Writes around the services, in district A's subtree: a bulk load and an UPDATE.
    day = at(date(2026, 1, 10), 600)
    Case.objects.bulk_create(
        [
            Case(unit=unit, number=f"RX-BULK-{n}", subject="导入", category="legal", opened_at=day)
            for n, unit in enumerate([cast.district_a, cast.township_a1, cast.township_a1])
        ]
    )
    Case.objects.filter(unit=cast.township_a1).update(status=Status.CLOSED, resolved_at=day)
    Case.objects.filter(number__startswith="RX-BULK-").update(opened_month=202601)
    assert table() != recounted()
    out = StringIO()
    call_command("hotline_rollup", "--rebuild", "--unit", "DA", stdout=out)
    assert table() == recounted()
    assert "unit DA" in out.getvalue()
    CaseRollup.objects.all().delete()
    CaseResponseRollup.objects.all().delete()
    call_command("hotline_rollup", "--rebuild", stdout=out)
    assert table() == recounted()
    assert_rollup_is_a_recount(cast)


@pytest.mark.django_db
def test_the_rebuild_command_refuses_an_unknown_unit(cast):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No unit with code"):
        call_command("hotline_rollup", "--rebuild", "--unit", "NOPE")


def test_a_period_splits_into_whole_months_and_the_days_left_over():
    assert split_period(date(2025, 11, 28), date(2026, 11, 27)) == (
        [202512, *range(202601, 202611)],
        [(date(2025, 11, 28), date(2025, 11, 30)), (date(2026, 11, 1), date(2026, 11, 27))],
    )
    assert split_period(date(2026, 1, 1), date(2026, 12, 31)) == (
        list(range(202601, 202613)),
        [],
    )
    assert split_period(date(2026, 2, 3), date(2026, 2, 10)) == (
        [],
        [(date(2026, 2, 3), date(2026, 2, 10))],
    )


def test_the_hotline_app_plugs_the_rollup_into_its_models():
    # The models sit below the rollup and reach it through what the app plugged in.
    from qiaolian.hotline import models

    assert models._rollup() is rollup


def test_a_write_without_the_rollup_plugged_in_fails_loudly(monkeypatch):
    # Figures silently out of step with the cases would be worse than an error.
    from django.core.exceptions import ImproperlyConfigured

    from qiaolian.hotline import models

    monkeypatch.setattr(models, "_rollup_keeper", None)
    with pytest.raises(ImproperlyConfigured, match="rollup is not plugged in"):
        Case().save()
