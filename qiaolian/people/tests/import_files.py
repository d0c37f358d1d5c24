"""Files for the import tests, made the way Excel, WPS and attackers make them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

FIXTURES = Path(__file__).with_name("fixtures")
HEADER = ["姓名", "性别", "出生日期", "类别", "居住国家", "城市", "手机", "邮箱", "证件号码"]
# A valid 18-digit ID number (checksum digit included) for tests.
ID_NUMBER = "11010519491231002X"


def rows_people() -> list[list]:
    return [
        ["张伟", "男", "1980-01-31", "华侨", "意大利", "米兰", "+39 333 123 4567", "", ""],
        ["李娜", "女", "1990-05-06", "侨眷", "中国", "宁波", "13812345678", "lina@example.com", ""],
        ["欧阳娜娜", "女", "", "留学人员", "西班牙", "Madrid", "+34 612 345 678", "", ID_NUMBER],
    ]


def csv_bytes(rows: list[list], *, header=HEADER, encoding: str = "utf-8", sep: str = ",") -> bytes:
    """As Excel saves "CSV UTF-8" (encoding "utf-8-sig"), or "CSV" on a Chinese Windows
    ("gbk"). Cells are written plainly; a cell with the separator is quoted."""
    lines = []
    for row in [header, *rows]:
        cells = []
        for cell in row:
            text = "" if cell is None else str(cell)
            if sep in text or '"' in text:
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(sep.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list], *, header=HEADER, title: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add=None) -> bytes:
    """A copy of the xlsx `data` with parts replaced or added."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, replace.get(item.filename, source.read(item.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def zip_bomb(data: bytes) -> bytes:
    """An xlsx whose sheet part inflates to ~1 GB of zeros (about 1 MB compressed)."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            block = b"\0" * (1024 * 1024)
            for _ in range(1024):
                stream.write(block)
    return out.getvalue()


def lying_zip(data: bytes) -> bytes:
    """An xlsx whose sheet part declares a tiny size in its headers but holds much more."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
    raw = bytearray(out.getvalue())
    # Rewrite every header's "uncompressed size" of the sheet part to 10 bytes.
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (pos := raw.find(signature, start)) != -1:
            name_length = int.from_bytes(
                raw[pos + (26 if signature == b"PK\x03\x04" else 28) :][:2], "little"
            )
            header = 30 if signature == b"PK\x03\x04" else 46
            if raw[pos + header : pos + header + name_length] == name:
                raw[pos + offset : pos + offset + 4] = (10).to_bytes(4, "little")
            start = pos + 4
    return bytes(raw)


def xls_fixture() -> bytes:
    """A real .xls (BIFF8) made once with xlwt 1.3.0 (the project does not depend on xlwt;
    calamine reads .xls and there is no maintained writer)."""
    return (FIXTURES / "people.xls").read_bytes()
