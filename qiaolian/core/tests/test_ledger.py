"""The append-only ledger base (core/ledger.py), on the sample app's stock and fund ledgers."""

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiaolian.core.ledger import (
    AppendOnly,
    BalanceMismatch,
    append_only_sql,
    balance,
    balances,
    ledger_post,
    ledger_reverse,
    verify_balances,
)
from qiaolian.core.models import AuditEvent
from qiaolian.core.models.audit import AppendOnlyError
from qiaolian.core.money import Money
from tests.sampleapp.models import (
    SampleFundEntry,
    SampleStockBalance,
    SampleStockEntry,
)

STOCK = SampleStockEntry._meta.db_table


def post(cast, quantity, item="mask", unit=None, reason="收货"):
    return ledger_post(
        actor=cast.city_admin,
        model=SampleStockEntry,
        unit=unit or cast.district_a,
        reason=reason,
        item=item,
        quantity=quantity,
    )


def run_sql(sql, params=None):
    # A savepoint of its own: on PostgreSQL a failed statement spoils the whole transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_it_posts_entries_and_sums_them_per_key(cast):
    post(cast, 2000)
    post(cast, -300)
    post(cast, 50, item="gown")
    post(cast, 7, unit=cast.district_b)
    assert balances(SampleStockEntry) == {
        (cast.district_a.pk, "mask"): {"quantity": 1700},
        (cast.district_a.pk, "gown"): {"quantity": 50},
        (cast.district_b.pk, "mask"): {"quantity": 7},
    }
    assert balance(SampleStockEntry, unit=cast.district_a, item="mask") == {"quantity": 1700}
    assert balance(SampleStockEntry, item="nothing") == {"quantity": 0}
    assert AuditEvent.objects.filter(action="sampleapp.samplestockentry.post").count() == 4


@pytest.mark.django_db
def test_a_user_sums_only_the_entries_of_their_scope(cast):
    post(cast, 10)
    post(cast, 5, unit=cast.district_b)
    mine = SampleStockEntry.objects.restrict(cast.district_manager)
    assert balances(SampleStockEntry, keys=["item"], entries=mine) == {("mask",): {"quantity": 10}}


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_of_an_entry(cast):
    entry = post(cast, 100)
    q = connection.ops.quote_name
    # Whoever reaches the database around the application is refused too.
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(f"UPDATE {q(STOCK)} SET quantity = 1 WHERE id = %s", [entry.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(f"DELETE FROM {q(STOCK)} WHERE id = %s", [entry.pk])  # noqa: S608
    entry.refresh_from_db()
    assert entry.quantity == 100


@pytest.mark.django_db
def test_the_application_refuses_to_change_or_delete_an_entry(cast):
    entry = post(cast, 100)
    entry.quantity = 1
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        SampleStockEntry.objects.filter(pk=entry.pk).update(quantity=1)
    with pytest.raises(AppendOnlyError):
        SampleStockEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ValueError, match="ledger_reverse"):
        ledger_post(
            actor=cast.city_admin,
            model=SampleStockEntry,
            unit=cast.district_a,
            reason="x",
            item="mask",
            quantity=-100,
            reversal_of=entry,
        )


@pytest.mark.django_db
def test_a_mistake_is_corrected_by_a_reversing_entry(cast):
    wrong = post(cast, 500, reason="录错数量")
    reversal = ledger_reverse(actor=cast.district_manager, entry=wrong, reason="数量录错")
    assert reversal.reversal_of == wrong
    assert (reversal.quantity, reversal.item, reversal.unit, reversal.uom) == (
        -500,
        "mask",
        cast.district_a,
        "piece",
    )
    assert reversal.created_by == cast.district_manager
    assert reversal.is_reversal and not wrong.is_reversal
    assert wrong.reversed_by == reversal
    # Both stay in the ledger; the balance is as if the mistake had not been made.
    assert SampleStockEntry.objects.count() == 2
    assert balance(SampleStockEntry, item="mask") == {"quantity": 0}
    event = AuditEvent.objects.get(action="sampleapp.samplestockentry.reverse")
    assert event.changes == {"reversal_of": [None, wrong.pk]}


@pytest.mark.django_db
def test_an_entry_is_reversed_once_and_a_reversal_is_not_reversed(cast):
    wrong = post(cast, 500)
    reversal = ledger_reverse(actor=cast.city_admin, entry=wrong, reason="错")
    with pytest.raises(ValidationError) as again:
        ledger_reverse(actor=cast.city_admin, entry=wrong, reason="又错")
    assert again.value.code == "reversed"
    with pytest.raises(ValidationError) as twice:
        ledger_reverse(actor=cast.city_admin, entry=reversal, reason="撤销撤销")
    assert twice.value.code == "is_reversal"
    with pytest.raises(ValidationError) as blank:
        ledger_reverse(actor=cast.city_admin, entry=post(cast, 1), reason="  ")
    assert blank.value.error_dict["reason"][0].code == "required"
    # The database holds "once" as well (two corrections racing past the check).
    with pytest.raises(IntegrityError), transaction.atomic():
        SampleStockEntry.objects.create(
            unit=cast.district_a,
            created_by=cast.city_admin,
            reason="竞争",
            item="mask",
            quantity=-500,
            reversal_of=wrong,
        )


@pytest.mark.django_db
def test_posting_and_reversing_need_the_unit_in_scope(cast):
    with pytest.raises(PermissionDenied):  # read-only clerk
        ledger_post(
            actor=cast.district_clerk,
            model=SampleStockEntry,
            unit=cast.district_a,
            reason="x",
            item="mask",
            quantity=1,
        )
    entry = post(cast, 10)
    with pytest.raises(PermissionDenied):  # a sibling district's manager
        ledger_reverse(actor=cast.sibling_manager, entry=entry, reason="x")
    assert SampleStockEntry.objects.count() == 1


@pytest.mark.django_db
def test_a_money_ledger_sums_per_currency(cast):
    for amount, currency in (("1000.50", "CNY"), ("-200", "CNY"), ("30", "USD")):
        ledger_post(
            actor=cast.city_admin,
            model=SampleFundEntry,
            unit=cast.city,
            reason="捐款",
            amount=Decimal(amount),
            currency=currency,
        )
    assert balances(SampleFundEntry) == {
        ("CNY",): {"amount": Decimal("800.50")},
        ("USD",): {"amount": Decimal("30")},
    }
    entry = SampleFundEntry.objects.filter(currency="USD").get()
    assert entry.money == Money(30, "USD")
    assert ledger_reverse(actor=cast.city_admin, entry=entry, reason="退回").amount == -30


@pytest.mark.django_db
def test_verify_balances_finds_every_cached_balance_that_differs_from_its_ledger(cast):
    post(cast, 100)
    post(cast, -40)
    post(cast, 5, item="gown")
    cached = SampleStockBalance.objects.create(unit=cast.district_a, item="mask", quantity=60)
    SampleStockBalance.objects.create(unit=cast.district_a, item="gown", quantity=5)
    SampleStockBalance.objects.create(unit=cast.district_b, item="gown", quantity=0)
    assert verify_balances(SampleStockEntry, SampleStockBalance) == []
    cached.quantity = 61
    cached.save()
    post(cast, 3, item="glove")  # no cached row: a cached zero
    assert verify_balances(SampleStockEntry, SampleStockBalance) == [
        BalanceMismatch((cast.district_a.pk, "glove"), "quantity", 0, 3),
        BalanceMismatch((cast.district_a.pk, "mask"), "quantity", 61, 60),
    ]
    # Rows in memory check the same way (e.g. a page of cached balances).
    rows = list(SampleStockBalance.objects.all())
    assert len(verify_balances(SampleStockEntry, rows)) == 2


_items = itertools.count()


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("post"), st.integers(-500, 500), st.sampled_from("ab")),
            st.tuples(st.just("reverse"), st.integers(0, 30), st.just("")),
        ),
        max_size=30,
    )
)
def test_random_posts_and_reversals_keep_every_balance_equal_to_its_ledger(cast, steps):
    prefix = f"h{next(_items)}-"  # entries are never deleted: each example has its own items
    posted, expected = [], {}
    for kind, number, item in steps:
        if kind == "post":
            posted.append(post(cast, number, item=prefix + item))
            expected[prefix + item] = expected.get(prefix + item, 0) + number
            continue
        if not posted:
            continue
        entry = posted[number % len(posted)]
        if entry.is_reversal or hasattr(entry, "reversed_by"):
            with pytest.raises(ValidationError):
                ledger_reverse(actor=cast.city_admin, entry=entry, reason="更正")
            continue
        posted.append(ledger_reverse(actor=cast.city_admin, entry=entry, reason="更正"))
        entry.refresh_from_db()
        expected[entry.item] -= entry.quantity
    mine = SampleStockEntry.objects.filter(item__startswith=prefix)
    assert {
        key[1]: sums["quantity"]
        for key, sums in balances(SampleStockEntry, entries=mine).items()
        if sums["quantity"]
    } == {item: n for item, n in expected.items() if n}


def test_the_migration_operation_names_its_model_and_writes_sql_for_both_databases():
    operation = AppendOnly("StockEntry")
    assert operation.deconstruct() == ("AppendOnly", ["StockEntry"], {})
    assert operation.describe() == "Make StockEntry append-only"
    assert operation.migration_name_fragment == "stockentry_append_only"
    sqlite, _ = append_only_sql("relief_stockentry", "sqlite")
    assert any("BEFORE UPDATE" in s for s in sqlite) and any("BEFORE DELETE" in s for s in sqlite)
    postgres, _ = append_only_sql("relief_stockentry", "postgresql")
    assert "BEFORE UPDATE OR DELETE" in postgres[1]
    with pytest.raises(NotImplementedError):
        append_only_sql("t", "mysql")


@pytest.mark.django_db
def test_the_migration_operation_can_be_undone_and_redone(cast):
    entry = post(cast, 1)
    forward, backward = append_only_sql(STOCK, connection.vendor)
    q = connection.ops.quote_name
    update = f"UPDATE {q(STOCK)} SET reason = 'x' WHERE id = %s"  # noqa: S608
    with transaction.atomic():  # rolled back with the test
        for statement in backward:
            run_sql(statement)
        run_sql(update, [entry.pk])  # unmigrated: an ordinary table
        for statement in forward:
            run_sql(statement)
        with pytest.raises(DatabaseError, match="append-only"):
            run_sql(update, [entry.pk])


@pytest.mark.django_db(transaction=True)
def test_a_flushing_test_empties_the_ledgers_and_leaves_them_append_only():
    # What a browser test's teardown does: on SQLite the flush deletes, which the triggers
    # refuse unless the test kit lifts them for the flush (qiaolian/core/testing/ledgers.py).
    from django.core.management import call_command

    from qiaolian.core.testing.cast import Cast

    cast = Cast.build()
    post(cast, 5)
    call_command("flush", interactive=False, verbosity=0)
    assert not SampleStockEntry.objects.exists()
    cast = Cast.build()
    entry = post(cast, 7)
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(f"DELETE FROM {connection.ops.quote_name(STOCK)} WHERE id = %s", [entry.pk])  # noqa: S608
