"""Exports open in Chinese Excel as they should, and never run a formula a user typed in."""

import csv
import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from qiaolian.core.exports import export_response, neutralise

HEADER = ["姓名", "所在地", "备注"]


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    "dangerous",
    ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "\0=1"],
)
def test_it_neutralises_text_a_spreadsheet_would_evaluate(dangerous):
    # A name typed as "=HYPERLINK(...)" in a portal form must reach Excel as text.
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["王芳", "A=B", "note: -5", "", " =leading space"])
def test_it_leaves_ordinary_text_alone(harmless):
    assert neutralise(harmless) == harmless


def test_it_leaves_numbers_alone_and_turns_none_into_an_empty_cell():
    # Negative numbers are numbers, not formulas; only text is prefixed.
    assert neutralise(-5) == -5
    assert neutralise(Decimal("-1.5")) == Decimal("-1.5")
    assert neutralise(None) == ""


def test_its_csv_starts_with_a_bom_and_round_trips_chinese():
    response = export_response("csv", "people", HEADER, [["张伟", "意大利 米兰", "侨领，热心公益"]])
    raw = b"".join(response.streaming_content)
    # Without the BOM, Excel on a Chinese Windows reads UTF-8 as GBK and shows garbage.
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        HEADER,
        ["张伟", "意大利 米兰", "侨领，热心公益"],
    ]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="people-')
    assert response["Content-Disposition"].endswith('.csv"')


def test_its_csv_neutralises_every_cell():
    response = export_response("csv", "people", HEADER, [["=1+1", "+86 138", "@x"]])
    rows = list(csv.reader(io.StringIO(csv_text(response).lstrip("\ufeff"))))
    assert rows[1] == ["'=1+1", "'+86 138", "'@x"]


def test_its_csv_streams_rows_as_they_come():
    # Large exports must not be built in memory first.
    produced = []

    def rows():
        for n in range(3):
            produced.append(n)
            yield [f"行{n}", "", ""]

    response = export_response("csv", "big", HEADER, rows())
    assert produced == []
    csv_text(response)
    assert produced == [0, 1, 2]


def test_its_xlsx_opens_with_openpyxl_with_neutralised_values():
    when = datetime.datetime(2020, 4, 1, 1, 30, tzinfo=datetime.UTC)
    rows = [
        ["=cmd|' /C calc'!A0", "宁波", 12],
        ["李娜", "-2+3", Decimal("70037000.00")],
        [when, None, "正常"],
    ]
    response = export_response("xlsx", "people", HEADER, rows)
    assert response["Content-Type"].endswith("spreadsheetml.sheet")

    sheet = xlsx_rows(response)
    assert sheet[0] == tuple(HEADER)
    assert sheet[1] == ("'=cmd|' /C calc'!A0", "宁波", 12)
    assert sheet[2][:2] == ("李娜", "'-2+3")
    assert sheet[2][2] == 70037000
    # Times are shown in the reader's time zone (Asia/Shanghai), as on the page.
    assert sheet[3][0] == datetime.datetime(2020, 4, 1, 9, 30)  # noqa: DTZ001 - xlsx is naive
    assert sheet[3][1] is None


def test_its_xlsx_is_not_broken_by_control_characters_or_odd_types():
    # One pasted vertical tab, a UUID or a lazy label used to fail the whole download.
    ref = uuid.UUID(int=42)
    rows = [["第一行\x0b第二行", ref, "\x00=1+1"]]
    response = export_response("xlsx", "odd", [gettext_lazy("Time"), "b", "c"], rows)
    sheet = xlsx_rows(response)
    assert sheet[1] == ("第一行第二行", str(ref), "'=1+1")


def test_its_xlsx_keeps_international_phones_as_typed_in_string_cells():
    # In xlsx a typed string cell is never evaluated, so "+39 …" needs no quote; anything
    # else that starts like a formula is still neutralised, and CSV neutralises it all.
    from openpyxl import load_workbook

    rows = [["+39 333 123 4567", "+86-138-1234-5678", "+1 (212) 555-0100"],
            ["+SUM(A1:A9)", "+39 333 123 4567+1", "=1+1"],
            ["-2+3", "@x", "+393331234567"]]  # fmt: skip
    response = export_response("xlsx", "phones", HEADER, rows)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert cells[0] == [
        ("+39 333 123 4567", "s"),
        ("+86-138-1234-5678", "s"),
        ("+1 (212) 555-0100", "s"),
    ]
    assert cells[1] == [("'+SUM(A1:A9)", "s"), ("'+39 333 123 4567+1", "s"), ("'=1+1", "s")]
    assert cells[2] == [("'-2+3", "s"), ("'@x", "s"), ("+393331234567", "s")]

    csv_rows = list(
        csv.reader(
            io.StringIO(
                csv_text(export_response("csv", "phones", HEADER, rows[:1])).lstrip("\ufeff")
            )
        )
    )
    assert csv_rows[1] == ["'+39 333 123 4567", "'+86-138-1234-5678", "'+1 (212) 555-0100"]


def test_a_cell_with_several_phones_stays_as_typed_in_a_text_cell():
    # Issue 9.14: a person's phones joined in one cell started with a literal apostrophe.
    from openpyxl import load_workbook

    several = "+393471239876; +8613857420001"
    rows = [[several, "+39 347 123 9876、+86 138 5742 0001", "+39 347; =1+1"]]
    response = export_response("xlsx", "phones", HEADER, rows)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [(cell.value, cell.data_type) for cell in next(sheet.iter_rows(min_row=2))]
    assert cells[0] == (several, "s") and cells[1][0].startswith("+39")
    assert cells[2] == ("'+39 347; =1+1", "s")  # a formula after a phone is still one
    # CSV has no cell types: the quote stays there (documented in core/exports.py).
    text = csv_text(export_response("csv", "phones", HEADER, rows)).lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(text)))[1][0] == "'" + several


def test_sheet_titles_fit_excel_and_keep_their_period():
    from qiaolian.core.exports import sheet_title

    assert sheet_title("Hotline", "2025-12-01–2026-11-30") == "Hotline 2025-12-01–2026-11-30"
    long = sheet_title("Hotline figures of the federation", "2025-12-01–2026-11-30")
    assert len(long) <= 31 and long.endswith("2025-12-01–2026-11-30")
    assert sheet_title("a/b:c[d]*?") == "a b c d"
    assert len(sheet_title("人" * 40)) == 31


def test_the_xlsx_sheet_is_named_in_the_readers_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        response = export_response("xlsx", "people", HEADER, [], title=gettext_lazy("Login log"))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert sheet.title == "登录日志"
