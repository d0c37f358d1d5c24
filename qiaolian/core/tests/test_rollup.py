"""The subtree rollup kit (core/rollup.py) on the sample app's visits.

Random sequences of writes (visits added, changed, moved between units and months, deleted),
each applying its difference to the rollup as an app's service would, must leave the rollup
equal to a recount from scratch; moving a unit with its subtree must keep it so; and the
figures read from it must equal the figures counted from the visits, for every user and for
periods cut at month ends or inside months."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiaolian.core import services as core_services
from qiaolian.core.rollup import (
    count,
    fan_out,
    local_month,
    nonzero,
    rollup_apply,
    rollup_contribution,
    rollup_difference,
    rollup_read,
    rollup_rebuild,
    rollup_recount,
    rollup_table,
    rollup_total,
    split_period,
)
from tests.sampleapp.figures import BOOKINGS, VISITS
from tests.sampleapp.models import (
    SampleBookingRollup,
    SampleVisit,
    SampleVisitRollup,
)

SPECS = (VISITS, BOOKINGS)
KINDS = ("call", "walk_in", "letter")
FIRST_DAY = date(2025, 12, 1)
PERIODS = (
    (date(2025, 12, 1), date(2026, 2, 28)),  # whole months: rollup only
    (date(2025, 12, 15), date(2026, 3, 10)),  # both ends cut: rows + rollup
    (date(2026, 1, 5), date(2026, 1, 20)),  # inside one month: rows only
)


def at(day: int, minute: int) -> datetime:
    zone = timezone.get_default_timezone()  # the federation's days and months
    start = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=zone)
    return start + timedelta(days=day, minutes=minute)


# --- what an app's services would do -----------------------------------------------------------


def contributions(visit: SampleVisit) -> dict:
    return {spec.key: rollup_contribution(spec, visit) for spec in SPECS}


def visit_create(**fields) -> SampleVisit:
    visit = SampleVisit.objects.create(**fields)
    for spec in SPECS:
        rollup_apply(spec, rollup_contribution(spec, visit))
    return visit


def visit_change(visit: SampleVisit, **fields) -> None:
    before = contributions(visit)
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.save()
    for spec in SPECS:
        rollup_apply(spec, rollup_difference(before[spec.key], rollup_contribution(spec, visit)))


def visit_delete(visit: SampleVisit) -> None:
    before = contributions(visit)
    visit.delete()
    for spec in SPECS:
        rollup_apply(spec, rollup_difference(before[spec.key], {}))


def recounted(spec) -> dict:
    return nonzero(fan_out(rollup_recount(spec)))


def assert_rollup_is_a_recount(cast, users=None, periods=PERIODS) -> None:
    for spec in SPECS:
        assert rollup_table(spec) == recounted(spec), spec.key
    users = users or (cast.city_admin, cast.district_manager, cast.sibling_manager, cast.volunteer)
    for user in users:
        for start, end in periods:
            for dims in ((), ("kind",), ("month", "kind")):
                args = {"start": start, "end": end, "dims": dims}
                assert rollup_read(VISITS, user=cast.fresh(user), **args) == rollup_read(
                    VISITS, user=cast.fresh(user), use_rollup=False, **args
                ), (user.username, start, end, dims)
    for start, end in PERIODS:
        args = {"unit": cast.district_a, "start": start, "end": end, "dims": ("month",)}
        for spec in SPECS:
            assert rollup_read(spec, user=cast.fresh(cast.city_admin), **args) == rollup_read(
                spec, user=cast.fresh(cast.city_admin), use_rollup=False, **args
            )


# --- random writes ----------------------------------------------------------------------------

add = st.tuples(
    st.just("add"),
    st.integers(0, 3),  # unit
    st.integers(0, 110),  # day
    st.integers(0, 1439),  # minute
    st.sampled_from(KINDS),
    st.integers(1, 9),  # people
)
step = st.one_of(
    add,
    st.tuples(st.just("kind"), st.integers(0, 99), st.sampled_from(KINDS)),
    st.tuples(st.just("unit"), st.integers(0, 99), st.integers(0, 3)),
    st.tuples(st.just("date"), st.integers(0, 99), st.integers(0, 110), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 99)),
    st.tuples(st.just("move"), st.integers(0, 2)),
)


def run_steps(cast, steps) -> None:
    units = [cast.city, cast.district_a, cast.township_a1, cast.district_b]
    visits: list[SampleVisit] = []
    for kind, *args in steps:
        if kind == "add":
            unit, day, minute, what, people = args
            visits.append(
                visit_create(
                    unit=units[unit],
                    happened_at=at(day, minute),
                    booked_on=FIRST_DAY + timedelta(days=day),
                    kind=what,
                    people=people,
                )
            )
        elif kind == "move":
            # The township moves with its figures (treebeard's path_updated).
            parent = (cast.district_a, cast.district_b, cast.city)[args[0]]
            parent.refresh_from_db()
            cast.township_a1.refresh_from_db()
            core_services.unit_move(actor=cast.city_admin, unit=cast.township_a1, new_parent=parent)
            for unit in units:
                unit.refresh_from_db()
        elif visits:
            visit = visits[args[0] % len(visits)]
            if kind == "kind":
                visit_change(visit, kind=args[1])
            elif kind == "unit":
                visit_change(visit, unit=units[args[1]])
            elif kind == "date":
                # A visit may lose its date: it then counts in no month.
                moment = at(args[1], 600) if args[2] else None
                visit_change(visit, happened_at=moment, booked_on=moment and moment.date())
            else:
                visit_delete(visit)
                visits.remove(visit)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=st.lists(add, min_size=2, max_size=6), then=st.lists(step, max_size=20))
def test_random_writes_keep_the_rollup_equal_to_a_recount(cast, first, then):
    run_steps(cast, [("move", 0)])  # each example starts from the cast's tree, and no rows
    SampleVisit.objects.all().delete()
    SampleVisitRollup.objects.all().delete()
    SampleBookingRollup.objects.all().delete()
    run_steps(cast, first + then)
    # Every example checks the tables; the reads of every user and period once, below.
    assert_rollup_is_a_recount(cast, users=[cast.district_manager], periods=PERIODS[1:2])


@pytest.mark.django_db
def test_the_figures_read_equal_a_count_from_the_rows_for_every_user_and_period(cast):
    run_steps(
        cast,
        [("add", n % 4, n * 7 % 110, n * 97 % 1440, KINDS[n % 3], n % 5 + 1) for n in range(40)],
    )
    run_steps(cast, [("move", 1), ("unit", 3, 2), ("date", 5, 31, True), ("delete", 7)])
    assert_rollup_is_a_recount(cast)


@pytest.mark.django_db
def test_moving_a_unit_with_its_subtree_moves_its_figures_to_its_new_ancestors(cast):
    day = at(40, 600)
    visit_create(unit=cast.township_a1, happened_at=day, kind="call", people=3)
    visit_create(unit=cast.district_a, happened_at=day, kind="call", people=2)
    core_services.unit_move(actor=cast.city_admin, unit=cast.district_a, new_parent=cast.district_b)
    for spec in SPECS:
        assert rollup_table(spec) == recounted(spec)
    january = {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}
    figures = rollup_read(VISITS, user=cast.fresh(cast.sibling_manager), **january)
    assert figures == {(): Counter(visits=2, people=5)}  # district A now lies inside B
    assert figures == rollup_read(
        VISITS, user=cast.fresh(cast.sibling_manager), use_rollup=False, **january
    )


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_reads_the_whole_months_from_the_rollup_and_the_edges_from_the_rows(cast):
    visit_create(unit=cast.township_a1, happened_at=at(40, 600), kind="call", people=4)  # Jan 10
    visit_create(unit=cast.district_a, happened_at=at(75, 60), kind="letter")  # Feb 14
    # Inflate January's row: a read of whole January follows the rollup, one of its days not.
    SampleVisitRollup.objects.filter(unit=cast.district_a, month=202601).update(visits=50)
    manager = cast.fresh(cast.district_manager)
    whole = rollup_read(VISITS, user=manager, start=date(2026, 1, 1), end=date(2026, 2, 28))
    assert whole == {(): Counter(visits=51, people=5)}
    cut = rollup_read(VISITS, user=manager, start=date(2026, 1, 2), end=date(2026, 2, 28))
    assert cut == {(): Counter(visits=2, people=5)}
    assert (
        rollup_total(
            VISITS, "people", user=manager, unit=None, start=date(2026, 1, 2), end=date(2026, 2, 28)
        )
        == 5
    )
    by_month = rollup_read(
        VISITS, user=manager, start=date(2026, 1, 2), end=date(2026, 2, 28), dims=["month"]
    )
    assert by_month == {
        (202601,): Counter(visits=1, people=4),
        (202602,): Counter(visits=1, people=1),
    }


@pytest.mark.django_db
def test_narrowed_users_are_never_served_from_the_rollup(cast):
    """A volunteer holds an assigned-only grant: the rollup counts everyone's rows."""
    visit_create(unit=cast.district_a, happened_at=at(40, 600), kind="call")
    january = {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}
    assert rollup_read(VISITS, user=cast.fresh(cast.district_manager), **january)
    assert rollup_read(VISITS, user=cast.fresh(cast.volunteer), **january) == {}
    assert rollup_read(VISITS, user=cast.fresh(cast.nobody), **january) == {}


@pytest.mark.django_db
def test_the_rows_of_a_sibling_unit_are_never_read(cast):
    visit_create(unit=cast.district_b, happened_at=at(40, 600), kind="call")
    january = {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}
    assert rollup_read(VISITS, user=cast.fresh(cast.district_manager), **january) == {}
    with pytest.raises(PermissionDenied):
        rollup_read(VISITS, user=cast.fresh(cast.district_manager), unit=cast.district_b, **january)
    with pytest.raises(ValueError, match="no dimension"):
        rollup_read(VISITS, user=cast.fresh(cast.city_admin), dims=["colour"], **january)


@pytest.mark.django_db
def test_a_date_field_counts_in_its_own_month(cast):
    visit_create(unit=cast.township_a1, booked_on=date(2026, 1, 31), kind="call")
    visit_create(unit=cast.township_a1, booked_on=date(2026, 2, 1), kind="call")
    assert rollup_table(BOOKINGS) == {
        (cast.city.pk, 202601): Counter(bookings=1),
        (cast.district_a.pk, 202601): Counter(bookings=1),
        (cast.township_a1.pk, 202601): Counter(bookings=1),
        (cast.city.pk, 202602): Counter(bookings=1),
        (cast.district_a.pk, 202602): Counter(bookings=1),
        (cast.township_a1.pk, 202602): Counter(bookings=1),
    }
    user = cast.fresh(cast.city_admin)
    assert rollup_read(BOOKINGS, user=user, start=date(2026, 1, 31), end=date(2026, 2, 28)) == {
        (): Counter(bookings=2)
    }


# --- rebuilding --------------------------------------------------------------------------------


def bulk_load(cast) -> None:
    """Writes around the services: the rollup does not know about them."""
    SampleVisit.objects.bulk_create(
        [
            SampleVisit(unit=unit, happened_at=at(n * 9, 300), kind="letter", people=n)
            for n, unit in enumerate(
                [cast.district_a, cast.township_a1, cast.district_b, cast.city]
            )
        ]
    )


@pytest.mark.django_db
def test_rebuild_recounts_everything_or_one_subtree(cast):
    visit_create(unit=cast.district_b, happened_at=at(3, 0), kind="call")
    bulk_load(cast)
    SampleVisit.objects.filter(unit=cast.district_b).delete()  # B's rows stay stale
    assert rollup_table(VISITS) != recounted(VISITS)
    rollup_rebuild(VISITS, cast.district_a)
    # A's subtree and the units above it are right again; B's own rows still are not.
    assert rollup_table(VISITS) != recounted(VISITS)
    stale_b = {k: c for k, c in rollup_table(VISITS).items() if k[0] == cast.district_b.pk}
    assert stale_b
    rollup_rebuild(VISITS, cast.district_b)
    rollup_rebuild(VISITS, cast.city)
    assert rollup_table(VISITS) == recounted(VISITS)
    SampleVisitRollup.objects.all().delete()
    assert rollup_rebuild(VISITS) == len(recounted(VISITS))
    assert rollup_table(VISITS) == recounted(VISITS)


@pytest.mark.django_db
def test_the_rebuild_command_recounts_a_named_rollup(cast):
    bulk_load(cast)
    out = StringIO()
    call_command("rollup_rebuild", "sampleapp.visits", "--unit", "DA", stdout=out)
    assert "sampleapp.visits" in out.getvalue() and "unit DA" in out.getvalue()
    call_command("rollup_rebuild", stdout=out)  # every registered rollup
    for spec in SPECS:
        assert rollup_table(spec) == recounted(spec)
    with pytest.raises(CommandError, match="No unit with code"):
        call_command("rollup_rebuild", "--unit", "NOPE")
    with pytest.raises(CommandError, match="No rollup"):
        call_command("rollup_rebuild", "nothing.here")


def test_a_period_splits_into_whole_months_and_the_days_left_over():
    assert split_period(date(2025, 11, 28), date(2026, 2, 27)) == (
        [202512, 202601],
        [(date(2025, 11, 28), date(2025, 11, 30)), (date(2026, 2, 1), date(2026, 2, 27))],
    )
    assert split_period(date(2026, 2, 3), date(2026, 2, 10)) == (
        [],
        [(date(2026, 2, 3), date(2026, 2, 10))],
    )
    with pytest.raises(ValueError, match="ends before"):
        split_period(date(2026, 2, 3), date(2026, 2, 1))


def test_months_are_those_of_the_federation():
    zone = timezone.get_default_timezone()
    moment = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    # E.g. 23:30 UTC on 31 January is already February in Beijing time.
    expected = moment.astimezone(zone)
    assert local_month(moment) == expected.year * 100 + expected.month
    assert local_month(date(2026, 3, 9)) == 202603
    assert local_month(None) == 0


def test_a_rollup_table_must_have_its_key_unique_and_not_null():
    from qiaolian.core.rollup import Rollup

    # No unique constraint on (unit, month): every write would add a row.
    with pytest.raises(ValueError, match="unique constraint"):
        Rollup(
            key="bad",
            source=SampleVisit,
            table=SampleVisitRollup,
            date_field="booked_on",
            measures={"visits": count()},
        )
    with pytest.raises(ValueError, match="NOT NULL"):
        Rollup(
            key="bad",
            source=SampleVisit,
            table=SampleVisitRollup,
            date_field="happened_at",
            dimensions=("colour",),
        )
