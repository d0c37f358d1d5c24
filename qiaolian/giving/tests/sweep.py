"""Leak-sweep entries for the donations app's pages and API (see core/testing/sweep.py).

Every object made here belongs to the sibling district B."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from qiaolian.core.testing.sweep import Create, Detail, Exempt, Listing, Public
from qiaolian.giving import services
from qiaolian.giving.models import Grant
from qiaolian.giving.tests.factories import DonorFactory, DriveFactory, FundFactory, give

MARKER = "乙区泄漏捐赠人"
DRIVE_MARKER = "乙区泄漏倡议"


def _donation(cast):
    donor = DonorFactory(unit=cast.district_b, name=MARKER)
    return give(cast.sibling_manager, cast.district_b, donor=donor, amount="4321")


def _listing(cast):
    _donation(cast)
    return {}, MARKER


def _drive_listing(cast):
    DriveFactory(unit=cast.district_b, title=DRIVE_MARKER)
    return {}, DRIVE_MARKER


def _drive(cast):
    return {"public_id": DriveFactory(unit=cast.district_b, title=DRIVE_MARKER).public_id}


def _donor(cast):
    return {"public_id": DonorFactory(unit=cast.district_b, name=MARKER).public_id}


def _donation_kw(cast):
    return {"public_id": _donation(cast).public_id}


def _receipt(cast):
    return {"public_id": _donation(cast).valid_receipt.public_id}


def _pledge(cast):
    pledge = services.pledge_create(
        actor=cast.sibling_manager,
        unit=cast.district_b,
        donor=DonorFactory(unit=cast.district_b, name=MARKER),
        amount=Decimal("1000"),
        pledged_on=date(2020, 3, 1),
        instalments=[],
    )
    return pledge


def _pledge_kw(cast):
    return {"public_id": _pledge(cast).public_id}


def _pledge_listing(cast):
    _pledge(cast)
    return {}, MARKER


def _fund(cast):
    return FundFactory(unit=cast.district_b, name="乙区泄漏基金")


def _fund_kw(cast):
    return {"public_id": _fund(cast).public_id}


def _fund_listing(cast):
    _fund(cast)
    return {}, "乙区泄漏基金"


def _ledger_listing(cast):
    fund = _fund(cast)
    services.fund_income(
        actor=cast.sibling_manager,
        fund=fund,
        amount=Decimal("777"),
        booked_on=date(2020, 6, 1),
        reason="乙区泄漏利息",
    )
    return {}, "乙区泄漏利息"


def _grant(cast) -> Grant:
    return services.grant_create(
        actor=cast.sibling_manager,
        fund=_fund(cast),
        applicant="乙区泄漏申请人",
        purpose="救助",
        amount_cny=Decimal("100"),
        applied_on=date(2020, 4, 1),
    )


def _grant_kw(cast):
    return {"public_id": _grant(cast).public_id}


def _grant_listing(cast):
    _grant(cast)
    return {}, "乙区泄漏申请人"


def _goods_api_line(cast):
    from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

    return {
        "item": str(ItemFactory(unit=cast.city).public_id),
        "warehouse": str(WarehouseFactory(unit=cast.district_b).public_id),
        "quantity": 100,
    }


def _verify(cast):
    donor = DonorFactory(unit=cast.district_b, name="王秀英女士")
    donation = give(cast.sibling_manager, cast.district_b, donor=donor, amount="8888")
    # The donor did not allow the name: the page shows the amount, never the name.
    return {"token": donation.valid_receipt.token}, "王秀英女士", "8,888"


def _transparency(cast):
    DriveFactory(unit=cast.district_b, title="内部未公开倡议", is_public=False)
    donor = DonorFactory(unit=cast.district_b, name="不公开姓名的捐赠人")
    drive = DriveFactory(unit=cast.district_b, title="公开的抗疫倡议", is_public=True)
    give(cast.sibling_manager, cast.district_b, donor=donor, drive=drive, amount="5000")
    return {}, "内部未公开倡议", "公开的抗疫倡议"


def _goods_post(cast):
    from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

    return {
        "unit": cast.district_b.pk,
        "donor": DonorFactory(unit=cast.district_b).public_id,
        "received_on": "2020-02-01",
        "warehouse": WarehouseFactory(unit=cast.district_b).public_id,
        "item_1": ItemFactory(unit=cast.city).public_id,
        "quantity_1": "100",
    }


SWEEP = {
    "giving:drive_list": Listing(_drive_listing),
    "giving:drive_create": Create(
        "giving.Drive",
        lambda cast: {"unit": cast.district_b.pk, "title": "新倡议", "starts_on": "2020-01-26"},
    ),
    "giving:drive_detail": Detail(_drive, methods=("GET",)),
    "giving:drive_edit": Detail(_drive),
    "giving:donor_list": Listing(_listing),
    "giving:donor_create": Create(
        "giving.Donor",
        lambda cast: {"unit": cast.district_b.pk, "kind": "person", "name": "新捐赠人"},
    ),
    "giving:donor_detail": Detail(_donor, methods=("GET",)),
    "giving:donation_list": Listing(_listing, exports=("csv", "xlsx")),
    "giving:donation_create": Create(
        "giving.Donation",
        lambda cast: {
            "unit": cast.district_b.pk,
            "donor": DonorFactory(unit=cast.district_b).public_id,
            "received_on": "2020-02-01",
            "amount": "100",
            "currency": "CNY",
            "method": "transfer",
            "show_amount": "on",
        },
    ),
    "giving:donation_create_goods": Create(
        "giving.Donation",
        lambda cast: _goods_post(cast),
    ),
    "giving:donation_import": Exempt(
        "An upload form: the unit picker offers only units where the user may add, and each "
        "row goes through donation_create (require_unit); tested in test_import."
    ),
    "giving:donation_detail": Detail(_donation_kw, methods=("GET",)),
    "giving:receipt_list": Listing(_listing, exports=("csv", "xlsx")),
    "giving:receipt_detail": Detail(_receipt, methods=("GET",)),
    "giving:receipt_pdf": Detail(_receipt, methods=("GET",)),
    "giving:receipt_reissue": Detail(_receipt),
    "giving:pledge_list": Listing(_pledge_listing),
    "giving:pledge_create": Create(
        "giving.Pledge",
        lambda cast: {
            "unit": cast.district_b.pk,
            "donor": DonorFactory(unit=cast.district_b).public_id,
            "amount": "900",
            "currency": "CNY",
            "pledged_on": "2020-03-01",
            "first_due_on": "2020-04-01",
            "instalments": "3",
            "months_between": "1",
        },
    ),
    "giving:pledge_detail": Detail(_pledge_kw, methods=("GET",)),
    "giving:instalment_pay": Detail(
        lambda cast: {"public_id": _pledge(cast).instalments.get().public_id}
    ),
    "giving:grant_list": Listing(_grant_listing),
    "giving:fund_list": Listing(_fund_listing),
    "giving:fund_ledger": Listing(_ledger_listing, exports=("csv", "xlsx")),
    "giving:fund_detail": Detail(_fund_kw, methods=("GET",)),
    "giving:fund_income": Detail(_fund_kw),
    "giving:grant_create": Detail(_fund_kw),
    "giving:grant_detail": Detail(_grant_kw, methods=("GET",)),
    "giving:grant_approve": Detail(_grant_kw, methods=("POST",)),
    "giving:grant_reject": Detail(_grant_kw),
    "giving:verify": Public(_verify),
    "giving:transparency": Public(_transparency),
    "api:giving_drive_list": Listing(_drive_listing),
    "api:giving_donation_list": Listing(_listing),
    "api:giving_donation_detail": Detail(
        lambda cast: {"donation_id": _donation(cast).public_id}, methods=("GET",)
    ),
    "api:giving_donation_create": Create(
        "giving.Donation",
        lambda cast: {
            "unit": str(cast.district_b.public_id),
            "donor": str(DonorFactory(unit=cast.district_b).public_id),
            "received_on": "2020-02-01",
            "amount": "100",
        },
    ),
    "api:giving_donation_create_goods": Create(
        "giving.Donation",
        lambda cast: {
            "unit": str(cast.district_b.public_id),
            "donor": str(DonorFactory(unit=cast.district_b).public_id),
            "received_on": "2020-02-01",
            "lines": [_goods_api_line(cast)],
        },
    ),
    "api:giving_donor_list": Listing(_listing),
    "api:giving_donor_detail": Detail(
        lambda cast: {"donor_id": _donor(cast)["public_id"]}, methods=("GET",)
    ),
    "api:giving_donor_create": Create(
        "giving.Donor",
        lambda cast: {"unit": str(cast.district_b.public_id), "kind": "person", "name": "新捐赠人"},
    ),
    "api:giving_pledge_list": Listing(_pledge_listing),
    "api:giving_pledge_detail": Detail(
        lambda cast: {"pledge_id": _pledge(cast).public_id}, methods=("GET",)
    ),
    "api:giving_grant_list": Listing(_grant_listing),
    "api:giving_grant_detail": Detail(
        lambda cast: {"grant_id": _grant(cast).public_id}, methods=("GET",)
    ),
    "api:giving_receipt_list": Listing(_listing),
    "api:giving_fund_list": Listing(_fund_listing),
}
