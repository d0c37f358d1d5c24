"""Donations, receipts, pledges and the fund through the services: the rules and bad input."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from qiaolian.core.ledger import verify_balances
from qiaolian.core.models import UnitRole
from qiaolian.core.testing.factories import UserFactory
from qiaolian.giving import services
from qiaolian.giving.models import (
    Donation,
    FundEntry,
    Grant,
    Receipt,
    ReceiptCounter,
)
from qiaolian.giving.tests.factories import DonorFactory, DriveFactory, FundFactory, give, rate

pytestmark = pytest.mark.django_db


def test_money_in_a_foreign_currency_is_valued_at_the_rate_of_the_day(cast):
    rate("EUR", "7.68", date(2020, 1, 2))
    rate("EUR", "7.90", date(2020, 3, 1))
    donation = give(cast.district_manager, cast.district_a, amount="1000.55", currency="EUR")
    assert donation.rate == Decimal("7.68")
    assert donation.value_cny == Decimal("7684.22")  # 1000.55 × 7.68, to the fen
    receipt = donation.valid_receipt
    assert receipt.code == "2020-000001"
    assert "7,684.22" in receipt.thank_you


def test_a_currency_without_a_rate_is_refused_naming_it(cast):
    with pytest.raises(ValidationError) as refused:
        give(cast.district_manager, cast.district_a, amount="50", currency="AUD")
    assert "AUD" in " ".join(refused.value.messages)
    assert not Donation.objects.exists()
    assert not Receipt.objects.exists()


def test_a_duplicate_bank_reference_is_refused_then_flagged_when_confirmed(cast):
    first = give(cast.district_manager, cast.district_a, bank_reference="NB0001")
    with pytest.raises(ValidationError) as refused:
        give(cast.district_manager, cast.district_a, bank_reference="NB0001")
    message = " ".join(refused.value.messages)
    assert "NB0001" in message and first.donor.name in message
    again = give(
        cast.district_manager, cast.district_a, bank_reference="NB0001", allow_duplicate=True
    )
    assert again.duplicate_reference and not first.duplicate_reference
    # Another unit's account may use the same reference: not a repeat.
    other = give(cast.sibling_manager, cast.district_b, bank_reference="NB0001")
    assert not other.duplicate_reference


def test_receipts_are_numbered_per_unit_and_year_without_gaps(cast):
    for _ in range(3):
        give(cast.district_manager, cast.district_a, on=date(2020, 2, 1))
    give(cast.district_manager, cast.district_a, on=date(2021, 1, 5))
    give(cast.sibling_manager, cast.district_b, on=date(2020, 2, 1))
    codes = sorted(Receipt.objects.filter(unit=cast.district_a).values_list("year", "number"))
    assert codes == [(2020, 1), (2020, 2), (2020, 3), (2021, 1)]
    assert Receipt.objects.get(unit=cast.district_b).number == 1


def test_a_refused_donation_gives_its_number_back(cast):
    give(cast.district_manager, cast.district_a)
    with pytest.raises(ValidationError):
        give(cast.district_manager, cast.district_a, amount="10", currency="JPY")
    second = give(cast.district_manager, cast.district_a)
    assert second.valid_receipt.number == 2


def test_reissue_voids_keeps_the_number_and_issues_the_next(cast):
    donation = give(cast.district_manager, cast.district_a)
    give(cast.district_manager, cast.district_a)
    first = donation.valid_receipt
    with pytest.raises(ValidationError):
        services.receipt_reissue(actor=cast.district_manager, receipt=first, reason=" ")
    new = services.receipt_reissue(
        actor=cast.district_manager, receipt=first, reason="抬头有误", issued_on=date(2020, 2, 3)
    )
    first.refresh_from_db()
    assert first.status == Receipt.Status.VOID and first.void_reason == "抬头有误"
    assert new.number == 3 and new.replaces == first
    assert donation.receipts.filter(status="valid").get() == new
    with pytest.raises(ValidationError):
        services.receipt_reissue(actor=cast.district_manager, receipt=first, reason="again")
    with pytest.raises(PermissionDenied):
        services.receipt_reissue(actor=cast.sibling_manager, receipt=new, reason="x")


def test_the_database_refuses_a_reused_number_and_a_second_valid_receipt(cast):
    donation = give(cast.district_manager, cast.district_a)
    other = give(cast.district_manager, cast.district_a)
    receipt = donation.valid_receipt
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            unit=receipt.unit,
            donation=other,
            year=receipt.year,
            number=receipt.number,
            status="void",
            issued_on=receipt.issued_on,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            unit=receipt.unit, donation=donation, year=2020, number=99, issued_on=date(2020, 2, 2)
        )
    assert ReceiptCounter.objects.get(unit=cast.district_a, year=2020).last == 2


def test_a_drive_appeal_is_sanitised_and_its_period_checked(cast):
    drive = services.drive_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        title="倡议书",
        starts_on=date(2020, 1, 26),
        appeal_html='<p onclick="x()">请<script>alert(1)</script>捐赠</p>',
    )
    assert "script" not in drive.appeal_html and "onclick" not in drive.appeal_html
    with pytest.raises(ValidationError):
        services.drive_update(actor=cast.district_manager, drive=drive, ends_on=date(2020, 1, 1))


def test_soft_credit_goes_to_an_organisation(cast):
    chamber = DonorFactory(unit=cast.district_a, kind="association", name="市侨商会")
    member = services.donor_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        kind="person",
        name="张三",
        mobilised_by=chamber,
    )
    assert member.mobilised_by == chamber
    with pytest.raises(ValidationError):
        services.donor_create(
            actor=cast.district_manager,
            unit=cast.district_a,
            kind="person",
            name="李四",
            mobilised_by=member,
        )


def test_pledge_instalments_must_add_up(cast):
    donor = DonorFactory(unit=cast.district_a)
    with pytest.raises(ValidationError):
        services.pledge_create(
            actor=cast.district_manager,
            unit=cast.district_a,
            donor=donor,
            amount=Decimal("300"),
            pledged_on=date(2020, 3, 1),
            instalments=[(date(2020, 4, 1), Decimal("100"))],
        )
    pledge = services.pledge_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        donor=donor,
        amount=Decimal("300"),
        pledged_on=date(2020, 3, 1),
        instalments=[(date(2020, 4, 1), Decimal("100")), (date(2020, 5, 1), Decimal("200"))],
    )
    paid = give(cast.district_manager, cast.district_a, donor=donor, amount="100")
    instalment = pledge.instalments.first()
    services.instalment_pay(actor=cast.district_manager, instalment=instalment, donation=paid)
    with pytest.raises(ValidationError):
        services.instalment_pay(actor=cast.district_manager, instalment=instalment, donation=paid)


def test_instalment_reminders_notify_once(cast, django_capture_on_commit_callbacks):
    from qiaolian.core.models import Notification
    from qiaolian.giving.tasks import send_reminders

    donor = DonorFactory(unit=cast.district_a)
    services.pledge_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        donor=donor,
        amount=Decimal("300"),
        pledged_on=date(2020, 3, 1),
        instalments=[(date(2020, 4, 1), Decimal("100")), (date(2020, 9, 1), Decimal("200"))],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=date(2020, 3, 28)) == 1
    assert send_reminders(today=date(2020, 3, 29)) == 0
    assert (
        Notification.objects.filter(
            recipient=cast.district_manager, kind="giving.instalment_due"
        ).count()
        == 1
    )


def _staff(cast, username="clerk2"):
    user = UserFactory(username=username, home_unit=cast.district_a)
    staff = UnitRole.objects.get(user=cast.township_worker).role
    UnitRole.objects.create(user=user, unit=cast.district_a, role=staff)
    return user


def _second_approver(cast):
    user = UserFactory(username="district_treasurer", home_unit=cast.district_a)
    admin_grant = UnitRole.objects.filter(user=cast.district_manager).first()
    UnitRole.objects.create(user=user, unit=cast.district_a, role=admin_grant.role)
    return user


def test_a_large_grant_needs_two_distinct_approvers_other_than_its_author(cast):
    fund = FundFactory(unit=cast.district_a)
    give(cast.district_manager, cast.district_a, amount="200000", to_fund=True)
    entered_by = _staff(cast)
    grant = services.grant_create(
        actor=entered_by,
        fund=fund,
        applicant="意大利侨团",
        purpose="口罩",
        amount_cny=Decimal("80000"),
        applied_on=date(2020, 4, 1),
    )
    with pytest.raises(PermissionDenied):
        services.grant_approve(actor=entered_by, grant=grant)  # its author (and no APPROVE)
    services.grant_approve(actor=cast.district_manager, grant=grant)
    with pytest.raises(PermissionDenied):
        services.grant_approve(actor=cast.district_manager, grant=grant)  # not twice
    grant.refresh_from_db()
    assert grant.status == Grant.Status.PENDING
    assert services.fund_balance(fund) == Decimal("200000")
    services.grant_approve(actor=_second_approver(cast), grant=grant)
    grant.refresh_from_db()
    assert grant.status == Grant.Status.APPROVED
    assert services.fund_balance(fund) == Decimal("120000")
    assert verify_balances(FundEntry, [], keys=("fund_id",)) != []  # a ledger, no cache rows
    kinds = sorted(FundEntry.objects.values_list("kind", flat=True))
    assert kinds == ["donation", "grant"]


def test_a_grant_beyond_the_balance_is_refused_and_a_small_one_needs_one_approver(cast):
    fund = FundFactory(unit=cast.district_a)
    clerk = _staff(cast)
    services.fund_income(
        actor=cast.district_manager,
        fund=fund,
        amount=Decimal("1000"),
        booked_on=date(2020, 6, 1),
        reason="利息",
    )
    small = services.grant_create(
        actor=clerk,
        fund=fund,
        applicant="归侨",
        purpose="救助",
        amount_cny=Decimal("800"),
        applied_on=date(2020, 6, 2),
    )
    services.grant_approve(actor=cast.district_manager, grant=small)
    small.refresh_from_db()
    assert small.status == Grant.Status.APPROVED
    big = services.grant_create(
        actor=clerk,
        fund=fund,
        applicant="侨团",
        purpose="物资",
        amount_cny=Decimal("500"),
        applied_on=date(2020, 6, 2),
    )
    with pytest.raises(ValidationError) as refused:
        services.grant_approve(actor=cast.district_manager, grant=big)
    assert "200" in " ".join(refused.value.messages)
    assert services.fund_balance(fund) == Decimal("200")


def test_goods_are_received_into_stock_as_lots_pointing_at_the_donation(cast):
    from qiaolian.relief.models import Lot
    from qiaolian.relief.selectors import lot_trace
    from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

    item = ItemFactory(unit=cast.city, name="医用外科口罩", value_cny=Decimal("1.20"))
    house = WarehouseFactory(unit=cast.district_a)
    donation = services.donation_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        donor=DonorFactory(unit=cast.district_a, name="市侨商会"),
        drive=DriveFactory(unit=cast.district_a),
        kind="goods",
        received_on=date(2020, 2, 5),
        lines=[{"item": item, "warehouse": house, "quantity": 2000}],
    )
    assert donation.value_cny == Decimal("2400.00")
    lot = Lot.objects.get()
    assert lot.origin_kind == "donation" and lot.quantity_received == 2000
    assert lot.origin_url == f"/giving/donations/{donation.public_id}/"
    assert "市侨商会" in lot.origin_label
    assert donation.lines.get().lot == lot and donation.valid_receipt is not None
    trace = lot_trace(user=cast.district_manager, lot=lot)
    assert trace == [{"kind": "stock", "warehouse": house.name, "quantity": 2000}]
