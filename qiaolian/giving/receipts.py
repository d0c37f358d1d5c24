"""The receipt's paper (公益事业捐赠票据) and what its public verification page may show."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from qiaolian.core.money import CNY, Money, format_money
from qiaolian.core.pdf import cjk_font, qr_image, render_pdf
from qiaolian.giving.models import Receipt


def masked_name(name: str) -> str:
    """张海鸣 → 张**, 宁波甬侨实业有限公司 → 宁**********司."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    if len(name) <= 4:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def public_view(receipt: Receipt) -> dict[str, Any]:
    """What the verification page shows: only what the donor allowed."""
    donation = receipt.donation
    return {
        "code": receipt.code,
        "valid": receipt.status == Receipt.Status.VALID,
        "issued_on": receipt.issued_on,
        "issuer": receipt.unit.name,
        "received_on": donation.received_on,
        "drive": donation.drive.title if donation.drive else "",
        "kind": donation.get_kind_display(),
        "amount": format_money(Money(donation.value_cny, CNY)) if donation.show_amount else None,
        "donor": donation.donor.name if donation.show_name else masked_name(donation.donor.name),
        "replaced_by": getattr(receipt, "replaced_by", None),
    }


def receipt_pdf(receipt: Receipt, verify_url: str) -> bytes:
    donation = receipt.donation
    font = cjk_font()

    def draw(pdf: Any) -> None:
        width, height = pdf._pagesize
        top = height - 30 * mm
        pdf.setFont(font, 18)
        pdf.drawCentredString(width / 2, top, "公益事业捐赠票据")
        pdf.setFont(font, 10)
        pdf.drawCentredString(width / 2, top - 7 * mm, "Receipt for a donation to public welfare")
        pdf.setFont(font, 11)
        pdf.drawString(20 * mm, top - 18 * mm, f"票据号码 No.: {receipt.code}")
        pdf.drawRightString(
            width - 20 * mm, top - 18 * mm, f"开票日期 Issued: {receipt.issued_on:%Y-%m-%d}"
        )
        rows = [
            ("捐赠人 Donor", donation.donor.name),
            ("捐赠项目 Drive", donation.drive.title if donation.drive else "—"),
            ("捐赠类别 Kind", f"{donation.get_kind_display()}"),
            ("接收日期 Received", f"{donation.received_on:%Y-%m-%d}"),
        ]
        if donation.kind == "money" and donation.currency != CNY:
            rows.append(
                (
                    "原币金额 Amount",
                    f"{donation.currency} {donation.amount:,.2f} × {donation.rate:.4f}",
                )
            )
        rows += [
            ("金额（人民币）Value (CNY)", f"¥{donation.value_cny:,.2f}"),
            ("定向用途 Designated use", donation.designated_use or "—"),
            ("受赠单位 Recipient", receipt.unit.name),
        ]
        y = top - 32 * mm
        for label, value in rows:
            pdf.setFont(font, 10)
            pdf.drawString(20 * mm, y, label)
            pdf.setFont(font, 12)
            pdf.drawString(75 * mm, y, str(value)[:60])
            y -= 9 * mm
        if receipt.replaces_id:
            pdf.setFont(font, 9)
            pdf.drawString(
                20 * mm,
                y,
                f"本票据替代已作废票据 {receipt.replaces.code}（{receipt.replaces.void_reason}）",
            )
            y -= 8 * mm
        pdf.drawImage(qr_image(verify_url, scale=3), width - 60 * mm, y - 40 * mm, 40 * mm, 40 * mm)
        pdf.setFont(font, 8)
        pdf.drawString(20 * mm, y - 10 * mm, "扫码核验 Scan to verify:")
        pdf.setFont("Helvetica", 8)  # plain Latin: the same address the QR code holds
        pdf.drawString(20 * mm, y - 15 * mm, verify_url[:120])
        if receipt.status != Receipt.Status.VALID:
            pdf.setFont(font, 40)
            pdf.setFillColorRGB(0.8, 0.1, 0.1)
            pdf.drawCentredString(width / 2, height / 2, "作废 VOID")

    return render_pdf(
        draw, title=f"{_('Donation receipt')} {receipt.code}", author=receipt.unit.name
    )
