"""The printable letter: one A4 page per recipient, merge fields filled, in their language."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from qiaolian.core.pdf import cjk_font, render_pdf
from qiaolian.core.richtext import plain_text
from qiaolian.outreach import merge


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        while len(paragraph) > width:
            lines.append(paragraph[:width])
            paragraph = paragraph[width:]
        lines.append(paragraph)
    return lines


def letter_pdf(letter, people) -> bytes:
    font = cjk_font()
    width, height = A4

    def page(pdf, subject: str, body: str, address: str) -> None:
        y = height - 25 * mm
        if address:
            pdf.setFont(font, 10)
            pdf.drawString(20 * mm, y, address[:60])
            y -= 12 * mm
        pdf.setFont(font, 16)
        pdf.drawCentredString(width / 2, y, subject)
        y -= 12 * mm
        pdf.setFont(font, 11)
        for line in _wrap(plain_text(body), 40):
            if y < 20 * mm:
                pdf.showPage()
                pdf.setFont(font, 11)
                y = height - 25 * mm
            pdf.drawString(20 * mm, y, line)
            y -= 6.5 * mm
        pdf.showPage()

    def draw(pdf) -> None:
        if not people:
            sample = merge.sample_values("zh")
            page(pdf, merge.fill(letter.subject_zh, sample), merge.fill(letter.body_zh, sample), "")
            return
        for person in people:
            filled = merge.values(person, "zh")
            page(
                pdf,
                merge.fill(letter.subject_zh, filled),
                merge.fill(letter.body_zh, filled),
                f"{person.address} {person.full_name}".strip(),
            )

    return render_pdf(draw, title=letter.subject_zh, author=str(letter.unit))
