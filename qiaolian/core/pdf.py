"""PDFs and QR codes, once for every app: receipts, printed letters, shipment papers.

ReportLab's built-in CJK font (`STSong-Light`, a CID font every PDF reader carries) sets
Chinese without embedding a font file, so a PDF made here reads the same on any machine.
`pdf_document(title)` gives a canvas-backed writer with `cjk_font()` registered;
`qr_png(text)` and `qr_svg(text)` make the QR codes that link a paper to its public page.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CJK_FONT = "STSong-Light"


def cjk_font() -> str:
    """Register (once) and name the font that sets Chinese and Latin text."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def qr_png(text: str, scale: int = 4) -> bytes:
    """A QR code of `text` as PNG bytes."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(text: str, scale: int = 4) -> str:
    """A QR code of `text` as inline SVG markup (for pages)."""
    return segno.make(text, error="m", micro=False).svg_inline(scale=scale)


def qr_image(text: str, scale: int = 4) -> ImageReader:
    """A QR code ready for `canvas.drawImage`."""
    return ImageReader(io.BytesIO(qr_png(text, scale)))


def render_pdf(draw: Callable[[canvas.Canvas], None], *, title: str, author: str = "") -> bytes:
    """Bytes of a PDF drawn by `draw(canvas)` on A4, with the CJK font registered.

    `draw` ends pages with `canvas.showPage()` as it needs; the last page is closed here.
    """
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    pdf.setFont(cjk_font(), 11)
    draw(pdf)
    pdf.save()
    return out.getvalue()
