"""A money donation in a real Chromium: recorded through the form, its receipt opened, its PDF
downloaded, and the address its QR code holds opened without a login: the public verification
page shows the amount and the masked name only. Screenshots in Chinese and English."""

import base64
import re
import zlib
from datetime import date

import pytest
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.giving.tests.factories import DonorFactory, DriveFactory

from .screens import shoot
from .test_flows import log_in, switch

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots_giving"


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def _pdf_text(data: bytes) -> str:
    """The uncompressed content streams of a PDF, as Latin-1 text."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):  # ReportLab writes /ASCII85Decode /FlateDecode streams
            raw = (
                base64.a85decode(raw, adobe=True)
                if raw.startswith(b"<~")
                else (base64.a85decode(raw[:-2]))
            )
        try:
            out.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(out)


def test_a_money_donation_yields_a_pdf_receipt_whose_qr_opens_the_public_check(
    page, browser, live_server, cast
):
    DriveFactory(unit=cast.district_a, title="关于支援抗击疫情的倡议书")
    DonorFactory(unit=cast.district_a, name="张海鸣", kind="person")
    log_in(page, "district_manager")
    page.goto("/giving/donations/new/")
    page.evaluate(
        "pk => { const s = document.querySelector('#id_unit');"
        " if (s.tomselect) { s.tomselect.setValue(String(pk)); } else { s.value = String(pk); } }",
        cast.district_a.pk,
    )
    page.select_option("#id_donor", label="张海鸣")
    page.select_option("#id_drive", label="关于支援抗击疫情的倡议书")
    page.fill("#id_received_on", date(2020, 2, 3).isoformat())
    page.fill("#id_amount", "12345")
    page.fill("#id_bank_reference", "NB20200203001")
    page.screenshot(path=f"{SHOTS}/donation-form-zh.png", full_page=True)
    with page.expect_navigation():
        page.click("#giving-save")
    expect(page.locator("#donation-value")).to_contain_text("1.2345万元")
    with page.expect_navigation():
        page.locator("#donation-receipts a").first.click()
    verify_url = page.locator("#verify-link").inner_text()
    assert "/giving/verify/" in verify_url
    page.screenshot(path=f"{SHOTS}/receipt-zh.png", full_page=True)
    shoot(page, "giving-receipt")
    pdf = page.request.get(page.locator("#receipt-pdf").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert verify_url in _pdf_text(pdf.body())  # printed beside the QR code it holds

    # A reader scans the QR code: no login, the donor's name masked, the amount shown.
    reader = browser.new_context(locale="zh-CN")
    public = reader.new_page()
    public.goto(verify_url)
    expect(public.locator("#verify-status")).to_contain_text("有效")
    expect(public.locator("#verify-donor")).to_have_text("张**")
    expect(public.locator("#verify-amount")).to_have_text("1.2345万元")
    assert "张海鸣" not in public.content()
    public.screenshot(path=f"{SHOTS}/verify-zh.png", full_page=True)
    shoot(public, "giving-verify")
    with public.expect_navigation():
        public.click("#language-switcher button[value=en]")
    expect(public.locator("#verify-status")).to_contain_text("is valid")
    expect(public.locator("#verify-amount")).to_have_text("¥12,345.00")
    public.screenshot(path=f"{SHOTS}/verify-en.png", full_page=True)
    shoot(public, "giving-verify", "en")
    reader.close()

    switch(page, "#language-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=f"{SHOTS}/receipt-en.png", full_page=True)
    shoot(page, "giving-receipt", "en")
    for path, name in (
        ("/giving/donations/", "donations"),
        ("/giving/", "drives"),
        ("/giving/fund/", "fund"),
        ("/giving/transparency/", "transparency"),
    ):
        page.goto(path)
        page.screenshot(path=f"{SHOTS}/{name}-en.png", full_page=True)
