"""The SLA clock on a case: which policy applies, due times, the pause while waiting for the
requester, stopping, reopening, breach flags and the "breaching soon" / "breached" queries."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from qiaolian.hotline.models import CalendarKind, Case, SlaCalendar, SlaPolicy, Status
from qiaolian.hotline.services import sla
from qiaolian.hotline.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=BJ)


@pytest.fixture
def calendars():
    always = SlaCalendar.objects.create(name="T 24x7", kind=CalendarKind.ALWAYS)
    business = SlaCalendar.objects.create(
        name="T business", kind=CalendarKind.BUSINESS, day_start=time(9), day_end=time(17, 30)
    )
    return always, business


def policy(calendar, category="", priority="", first=30, resolve=180, warn=60, **extra):
    # The built-in defaults (post_migrate) occupy some slots; tests own theirs.
    SlaPolicy.objects.filter(category=category, priority=priority).update(is_active=False)
    return SlaPolicy.objects.create(
        name=f"T {category or 'any'}/{priority or 'any'}",
        category=category,
        priority=priority,
        calendar=calendar,
        first_response_minutes=first,
        resolution_minutes=resolve,
        warn_before_minutes=warn,
        **extra,
    )


def started(unit, *, opened_at, category="supplies", priority="normal", **fields):
    case = CaseFactory.build(
        unit=unit, category=category, priority=priority, opened_at=opened_at, **fields
    )
    sla.start_clock(case)
    case.save()
    return case


def test_it_picks_the_most_specific_active_policy(calendars):
    always, business = calendars
    default = policy(always)
    urgent = policy(always, priority="urgent")
    legal = policy(business, category="legal")
    legal_urgent = policy(always, category="legal", priority="urgent", first=5)
    assert sla.policy_for("legal", "urgent") == legal_urgent
    assert sla.policy_for("legal", "normal") == legal
    assert sla.policy_for("supplies", "urgent") == urgent
    assert sla.policy_for("supplies", "low") == default
    legal_urgent.is_active = False
    legal_urgent.save()
    # An inactive policy no longer applies: the category-only one takes over.
    assert sla.policy_for("legal", "urgent") == legal


def test_it_sets_due_times_when_the_clock_starts(cast, calendars):
    _always, business = calendars
    policy(business, category="legal", first=240, resolve=5 * 510)
    case = started(cast.district_a, opened_at=bj(2026, 11, 27, 17, 0), category="legal")
    assert case.sla_policy.calendar == business
    assert case.first_response_due.astimezone(BJ) == bj(2026, 11, 30, 12, 30)
    assert case.resolution_due.astimezone(BJ) == bj(2026, 12, 4, 17, 0)


def test_a_pause_pushes_both_due_times_by_the_paused_time(cast, calendars):
    always, _business = calendars
    policy(always, first=30, resolve=180)
    opened = bj(2026, 11, 28, 10, 0)
    case = started(cast.district_a, opened_at=opened)
    first_due, resolution_due = case.first_response_due, case.resolution_due
    sla.on_status_change(case, Status.IN_PROGRESS, Status.WAITING, opened + timedelta(minutes=10))
    assert case.paused_since == opened + timedelta(minutes=10)
    sla.on_status_change(case, Status.WAITING, Status.IN_PROGRESS, opened + timedelta(minutes=55))
    assert case.paused_since is None
    assert case.paused_seconds == 45 * 60
    assert case.first_response_due == first_due + timedelta(minutes=45)
    assert case.resolution_due == resolution_due + timedelta(minutes=45)


def test_a_pause_over_a_weekend_costs_only_its_business_minutes(cast, calendars):
    _always, business = calendars
    policy(business, first=240, resolve=2 * 510)
    case = started(cast.district_a, opened_at=bj(2026, 11, 26, 9, 0))  # Thursday
    first_due = case.first_response_due
    # Waiting from Friday 16:30 to Monday 10:00: 60 + 60 business minutes.
    sla.on_status_change(case, Status.IN_PROGRESS, Status.WAITING, bj(2026, 11, 27, 16, 30))
    sla.on_status_change(case, Status.WAITING, Status.IN_PROGRESS, bj(2026, 11, 30, 10, 0))
    assert case.paused_seconds == 120 * 60
    # The first response was due Thursday 13:00, before the wait began: missed, not moved.
    assert case.first_response_due == first_due
    # Due Friday 17:30 before the pause; two business hours later is Monday 11:00.
    assert case.resolution_due.astimezone(BJ) == bj(2026, 11, 30, 11, 0)


def test_a_first_response_already_given_is_not_pushed(cast, calendars):
    always, _business = calendars
    policy(always)
    opened = bj(2026, 11, 28, 10, 0)
    case = started(cast.district_a, opened_at=opened)
    sla.on_first_response(case, opened + timedelta(minutes=5))
    first_due = case.first_response_due
    sla.on_status_change(case, Status.IN_PROGRESS, Status.WAITING, opened + timedelta(minutes=10))
    sla.on_status_change(case, Status.WAITING, Status.IN_PROGRESS, opened + timedelta(hours=1))
    assert case.first_response_due == first_due
    assert not case.first_response_breached


def test_it_flags_a_late_first_response(cast, calendars):
    always, _business = calendars
    policy(always, first=30)
    opened = bj(2026, 11, 28, 10, 0)
    case = started(cast.district_a, opened_at=opened)
    sla.on_first_response(case, opened + timedelta(minutes=31))
    assert case.first_response_breached
    sla.on_first_response(case, opened + timedelta(minutes=90))  # only the first one counts
    assert case.first_response_at == opened + timedelta(minutes=31)


def test_resolving_after_the_due_time_flags_the_breach(cast, calendars):
    always, _business = calendars
    policy(always, first=30, resolve=180)
    opened = bj(2026, 11, 28, 10, 0)
    on_time = started(cast.district_a, opened_at=opened)
    sla.on_first_response(on_time, opened + timedelta(minutes=10))
    sla.on_status_change(on_time, Status.IN_PROGRESS, Status.RESOLVED, opened + timedelta(hours=2))
    assert (on_time.resolution_breached, on_time.first_response_breached) == (False, False)
    assert on_time.resolved_at == opened + timedelta(hours=2)
    late = started(cast.district_a, opened_at=opened)
    sla.on_status_change(late, Status.IN_PROGRESS, Status.RESOLVED, opened + timedelta(hours=4))
    # Never answered before resolving, after the 30 minutes: both targets missed.
    assert (late.resolution_breached, late.first_response_breached) == (True, True)


def test_resolving_while_waiting_counts_the_pause_first(cast, calendars):
    always, _business = calendars
    policy(always, first=30, resolve=60)
    opened = bj(2026, 11, 28, 10, 0)
    case = started(cast.district_a, opened_at=opened)
    sla.on_first_response(case, opened + timedelta(minutes=5))
    sla.on_status_change(case, Status.IN_PROGRESS, Status.WAITING, opened + timedelta(minutes=20))
    # Resolved 90 minutes after opening, 60 of them waiting: only 30 minutes of clock time.
    sla.on_status_change(case, Status.WAITING, Status.RESOLVED, opened + timedelta(minutes=80))
    assert case.paused_since is None
    assert not case.resolution_breached


def test_reopening_restarts_the_resolution_clock_from_now(cast, calendars):
    always, _business = calendars
    policy(always, first=30, resolve=180)
    opened = bj(2026, 11, 28, 10, 0)
    case = started(cast.district_a, opened_at=opened)
    case.warned_at = case.breach_notified_at = opened + timedelta(hours=3)
    sla.on_status_change(case, Status.IN_PROGRESS, Status.RESOLVED, opened + timedelta(hours=4))
    reopened = opened + timedelta(days=1)
    sla.on_status_change(case, Status.RESOLVED, Status.IN_PROGRESS, reopened)
    assert case.resolution_due == reopened + timedelta(minutes=180)
    assert case.warned_at is None and case.breach_notified_at is None
    assert case.resolution_breached  # the earlier breach stays on record


def test_a_case_without_any_policy_has_no_clock(cast):
    SlaPolicy.objects.update(is_active=False)
    case = started(cast.district_a, opened_at=timezone.now())
    assert case.sla_policy is None and case.resolution_due is None
    sla.on_status_change(case, Status.IN_PROGRESS, Status.WAITING, timezone.now())
    sla.on_status_change(case, Status.WAITING, Status.RESOLVED, timezone.now())
    assert not case.resolution_breached


def test_breaching_soon_uses_each_policys_warning_window(cast, calendars):
    always, _business = calendars
    now = timezone.now()
    wide = policy(always, category="legal", warn=120)
    narrow = policy(always, category="supplies", warn=10)
    soon_wide = CaseFactory(
        unit=cast.district_a, sla_policy=wide, status=Status.IN_PROGRESS,
        first_response_at=now, resolution_due=now + timedelta(minutes=90),
    )  # fmt: skip
    not_yet = CaseFactory(
        unit=cast.district_a, sla_policy=narrow, status=Status.IN_PROGRESS,
        first_response_at=now, resolution_due=now + timedelta(minutes=90),
    )  # fmt: skip
    first_soon = CaseFactory(
        unit=cast.district_a, sla_policy=narrow, status=Status.NEW,
        first_response_due=now + timedelta(minutes=5), resolution_due=now + timedelta(days=2),
    )  # fmt: skip
    answered = CaseFactory(
        unit=cast.district_a, sla_policy=narrow, status=Status.IN_PROGRESS, first_response_at=now,
        first_response_due=now + timedelta(minutes=5), resolution_due=now + timedelta(days=2),
    )  # fmt: skip
    paused = CaseFactory(
        unit=cast.district_a, sla_policy=wide, status=Status.WAITING, paused_since=now,
        resolution_due=now + timedelta(minutes=30),
    )  # fmt: skip
    no_policy = CaseFactory(
        unit=cast.district_a, status=Status.NEW, resolution_due=now + timedelta(minutes=45)
    )
    resolved = CaseFactory(
        unit=cast.district_a, sla_policy=wide, status=Status.RESOLVED,
        resolution_due=now + timedelta(minutes=30),
    )  # fmt: skip
    past = CaseFactory(
        unit=cast.district_a, sla_policy=wide, status=Status.NEW,
        resolution_due=now - timedelta(minutes=1),
    )  # fmt: skip
    soon = set(Case.objects.filter(sla.breaching_soon_q(now)))
    assert soon == {soon_wide, first_soon, no_policy}
    assert not {not_yet, answered, paused, resolved, past} & soon
    assert set(Case.objects.filter(sla.breached_q(now))) == {past}


def test_breached_counts_a_missed_first_response_only_while_unanswered(cast, calendars):
    always, _business = calendars
    now = timezone.now()
    p = policy(always)
    missed = CaseFactory(
        unit=cast.district_a, sla_policy=p, first_response_due=now - timedelta(minutes=1),
        resolution_due=now + timedelta(days=1),
    )  # fmt: skip
    CaseFactory(
        unit=cast.district_a, sla_policy=p, first_response_at=now - timedelta(minutes=5),
        first_response_due=now - timedelta(minutes=1), resolution_due=now + timedelta(days=1),
    )  # fmt: skip
    assert list(Case.objects.filter(sla.breached_q(now))) == [missed]


def test_the_default_policies_exist_after_migrate():
    # post_migrate (hotline/apps.py) created them in the test database; running again is a no-op.
    sla.ensure_default_policies()
    always = SlaCalendar.objects.get(name=sla.ALWAYS_NAME)
    business = SlaCalendar.objects.get(name=sla.BUSINESS_NAME)
    assert (business.day_start, business.day_end) == (time(9), time(17, 30))
    assert sla.policy_for("supplies", "normal").calendar == always
    assert sla.policy_for("supplies", "urgent").first_response_minutes == 15
    assert sla.policy_for("legal", "normal").calendar == business
    assert sla.policy_for("policy", "normal").calendar == business
    assert SlaPolicy.objects.filter(category="", priority="").count() == 1


def test_the_case_services_drive_the_clock(cast, calendars):
    # Through the cases area's services (open → in progress → waiting → in progress →
    # resolved): what the pages do, with time moved by freezegun.
    from freezegun import freeze_time

    from qiaolian.hotline.services import cases

    always, _business = calendars
    policy(always, category="supplies", first=30, resolve=120)
    actor = cast.district_manager
    start = bj(2026, 11, 28, 10, 0)
    with freeze_time(start):
        case = cases.case_open(
            actor=actor,
            unit=cast.district_a,
            category="supplies",
            subject="口罩",
            contact_name="李",
        )
    assert case.resolution_due == start + timedelta(minutes=120)
    with freeze_time(start + timedelta(minutes=1)):
        case = cases.case_assign(actor=actor, case=case, assignee=actor)
        case = cases.case_change_status(actor=actor, case=case, status=Status.ASSIGNED)
        case = cases.case_change_status(actor=actor, case=case, status=Status.IN_PROGRESS)
    with freeze_time(start + timedelta(minutes=10)):
        case = cases.case_change_status(actor=actor, case=case, status=Status.WAITING)
    case.refresh_from_db()
    assert case.paused_since == start + timedelta(minutes=10)
    with freeze_time(start + timedelta(minutes=70)):
        case = cases.case_change_status(actor=actor, case=case, status=Status.IN_PROGRESS)
    case.refresh_from_db()
    assert case.paused_since is None and case.paused_seconds == 3600
    assert case.resolution_due == start + timedelta(minutes=180)
    with freeze_time(start + timedelta(minutes=170)):
        case = cases.case_change_status(
            actor=actor, case=case, status=Status.RESOLVED, note="已答复来电人"
        )
    case.refresh_from_db()
    # 170 minutes after opening, but one hour of it waiting: resolved in time.
    assert not case.resolution_breached
    assert case.first_response_breached  # nobody replied within 30 minutes


def test_a_new_priority_brings_the_new_policys_targets_minus_nothing_already_waited(
    cast, calendars
):
    from qiaolian.hotline.services import cases

    always, _business = calendars
    policy(always, first=30, resolve=3 * 24 * 60)
    policy(always, priority="urgent", first=15, resolve=24 * 60)
    opened = timezone.now() - timedelta(hours=1)
    case = started(cast.district_a, opened_at=opened, paused_seconds=600)
    assert case.resolution_due == opened + timedelta(days=3)
    edited = cases.case_update(
        actor=cast.district_manager, case=case, expected_version=case.version, priority="urgent"
    )
    edited.refresh_from_db()
    # Urgent: one day from the opening, plus the ten minutes already spent waiting.
    assert edited.sla_policy.priority == "urgent"
    assert edited.resolution_due == opened + timedelta(days=1, minutes=10)
    assert edited.first_response_due == opened + timedelta(minutes=25)
    # The subject alone leaves the targets where they are.
    again = cases.case_update(
        actor=cast.district_manager, case=edited, expected_version=edited.version, subject="新主题"
    )
    again.refresh_from_db()
    assert again.resolution_due == edited.resolution_due
