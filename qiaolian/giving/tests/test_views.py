"""The pages: every list and detail renders for the unit's manager; the public verification
page shows only what the donor allowed; the PDF carries the receipt; imports read UTF-8 and GBK
CSV and Excel."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from qiaolian.giving import services
from qiaolian.giving.models import Donation, Receipt
from qiaolian.giving.tests.factories import DonorFactory, DriveFactory, FundFactory, give

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(cast):
    drive = DriveFactory(unit=cast.district_a, title="抗疫倡议书")
    fund = FundFactory(unit=cast.district_a)
    donor = DonorFactory(unit=cast.district_a, name="张海鸣")
    donation = give(
        cast.district_manager,
        cast.district_a,
        donor=donor,
        drive=drive,
        amount="12345",
        to_fund=True,
    )
    grant = services.grant_create(
        actor=cast.district_manager,
        fund=fund,
        applicant="意大利侨团",
        purpose="口罩",
        amount_cny=Decimal("100"),
        applied_on=date(2020, 4, 1),
    )
    pledge = services.pledge_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        donor=donor,
        drive=drive,
        amount=Decimal("300"),
        pledged_on=date(2020, 3, 1),
        instalments=[],
    )
    return {
        "drive": drive,
        "fund": fund,
        "donor": donor,
        "donation": donation,
        "grant": grant,
        "pledge": pledge,
    }


def test_every_page_renders_for_the_manager(client, cast, data):
    client.force_login(cast.district_manager)
    receipt = data["donation"].valid_receipt
    pages = [
        reverse("giving:drive_list"),
        reverse("giving:drive_create"),
        reverse("giving:drive_detail", args=[data["drive"].public_id]),
        reverse("giving:drive_edit", args=[data["drive"].public_id]),
        reverse("giving:donor_list"),
        reverse("giving:donor_create"),
        reverse("giving:donor_detail", args=[data["donor"].public_id]),
        reverse("giving:donation_list"),
        reverse("giving:donation_create"),
        reverse("giving:donation_import"),
        reverse("giving:donation_detail", args=[data["donation"].public_id]),
        reverse("giving:receipt_list"),
        reverse("giving:receipt_detail", args=[receipt.public_id]),
        reverse("giving:receipt_reissue", args=[receipt.public_id]),
        reverse("giving:pledge_list"),
        reverse("giving:pledge_create"),
        reverse("giving:pledge_detail", args=[data["pledge"].public_id]),
        reverse("giving:fund_list"),
        reverse("giving:fund_ledger"),
        reverse("giving:fund_detail", args=[data["fund"].public_id]),
        reverse("giving:fund_income", args=[data["fund"].public_id]),
        reverse("giving:grant_create", args=[data["fund"].public_id]),
        reverse("giving:grant_detail", args=[data["grant"].public_id]),
        reverse("giving:grant_reject", args=[data["grant"].public_id]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(reverse("giving:fund_detail", args=[data["fund"].public_id]))
    # The designated donation is the fund's balance (the pages speak Chinese: 万元).
    assert "1.2345万元" in detail.content.decode()


def test_the_pdf_receipt_and_the_public_check(client, cast, data):
    client.force_login(cast.district_manager)
    receipt = data["donation"].valid_receipt
    pdf = client.get(reverse("giving:receipt_pdf", args=[receipt.public_id]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.logout()
    page = client.get(reverse("giving:verify", args=[receipt.token])).content.decode()
    assert "张*" in page and "张海鸣" not in page  # the name is masked: not allowed
    assert "1.2345万元" in page and receipt.code in page
    assert client.get(reverse("giving:verify", args=["no-such-token"])).status_code == 404


def test_a_reissued_receipt_checks_as_void(client, cast, data):
    old = data["donation"].valid_receipt
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("giving:receipt_reissue", args=[old.public_id]), {"reason": "抬头有误"}
    )
    assert response.status_code == 302
    new = data["donation"].valid_receipt
    assert new != old and new.replaces == old
    client.logout()
    page = client.get(reverse("giving:verify", args=[old.token])).content.decode()
    assert "voided" in page or "作废" in page


def test_a_duplicate_reference_form_error_then_record_anyway(client, cast, data):
    client.force_login(cast.district_manager)
    post = {
        "unit": cast.district_a.pk,
        "donor": data["donor"].public_id,
        "received_on": "2020-02-02",
        "amount": "10",
        "currency": "CNY",
        "method": "transfer",
        "bank_reference": data["donation"].bank_reference,
    }
    refused = client.post(reverse("giving:donation_create"), post)
    assert refused.status_code == 400
    assert data["donation"].bank_reference in refused.content.decode()
    assert Donation.objects.count() == 1
    saved = client.post(reverse("giving:donation_create"), {**post, "allow_duplicate": "on"})
    assert saved.status_code == 302
    assert Donation.objects.filter(duplicate_reference=True).count() == 1


CSV_TEXT = (
    "捐赠人,到账日期,金额,币种,银行流水号\n"
    "宁波侨商甲,2020-02-01,1000,CNY,B1\n"
    '李四,2020/02/03,"2,500",CNY,B2\n'
)


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["捐赠名单"])
    sheet.append(["捐赠人", "到账日期", "金额", "银行流水号"])
    sheet.append(["宁波侨商乙", "2020-02-05", 3000, "X1"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data_bytes", "count", "total"),
    [
        ("utf8.csv", CSV_TEXT.encode("utf-8-sig"), 2, Decimal("3500")),
        ("gbk.csv", CSV_TEXT.encode("gbk"), 2, Decimal("3500")),
        ("list.xlsx", _xlsx(), 1, Decimal("3000")),
    ],
)
def test_import_reads_utf8_and_gbk_csv_and_excel(client, cast, name, data_bytes, count, total):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.district_manager)
    upload = SimpleUploadedFile(name, data_bytes)
    response = client.post(
        reverse("giving:donation_import"), {"unit": cast.district_a.pk, "file": upload}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    donations = Donation.objects.filter(unit=cast.district_a)
    assert donations.count() == count
    assert sum(d.value_cny for d in donations) == total
    assert Receipt.objects.filter(status="valid").count() == count


def test_a_bad_import_row_names_its_row_and_writes_nothing(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.district_manager)
    text = "捐赠人,到账日期,金额,币种\n甲,2020-02-01,100,CNY\n乙,2020-02-02,50,AUD\n"
    upload = SimpleUploadedFile("list.csv", text.encode())
    response = client.post(
        reverse("giving:donation_import"), {"unit": cast.district_a.pk, "file": upload}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "3" in body and "AUD" in body
    assert not Donation.objects.exists()


def test_a_goods_donation_through_the_form_is_received_and_traced(client, cast):
    from qiaolian.relief.models import Lot
    from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

    item = ItemFactory(unit=cast.city, name="医用防护服", value_cny=Decimal("45"))
    house = WarehouseFactory(unit=cast.district_a)
    donor = DonorFactory(unit=cast.district_a, name="市侨商会", kind="association")
    client.force_login(cast.district_manager)
    url = reverse("giving:donation_create_goods")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "unit": cast.district_a.pk,
            "donor": donor.public_id,
            "received_on": "2020-02-05",
            "warehouse": house.public_id,
            "item_1": item.public_id,
            "quantity_1": "2000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    donation = Donation.objects.get()
    assert donation.kind == "goods" and donation.value_cny == Decimal("90000.00")
    lot = Lot.objects.get()
    assert lot.origin_url == reverse("giving:donation_detail", args=[donation.public_id])
    page = client.get(lot.origin_url).content.decode()
    assert "医用防护服" in page and house.name in page  # where the goods are: still in stock
