"""A sheet as text: headers, data rows and the row number Excel shows for each row.

.xlsx and .xls are read with python-calamine (Rust; the first visible worksheet), .csv with the
csv module after finding the encoding as Chinese Excel and WPS write it: UTF-8 with or without
a BOM, GBK/GB18030 ("CSV (逗号分隔)" on a Chinese Windows), or UTF-16 ("Unicode 文本").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from qiaolian.people.imports.errors import MAX_CELL, MAX_COLUMNS, MAX_ROWS, ImportRefused

HEADER_SEARCH_ROWS = 15


@dataclass
class Table:
    headers: list[str]
    header_row: int  # the Excel row number of the header row
    rows: list[list[str]]  # data rows, each as long as `headers`
    numbers: list[int]  # the Excel row number of each data row

    def __len__(self) -> int:
        return len(self.rows)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how Excel names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(kind: str, data: bytes, *, is_header: Callable[[str], bool] | None = None) -> Table:
    """Read a file that `hostile.inspect_file` accepted. `is_header(text)` says whether a cell
    looks like a known column header; it finds the header row under a title row or two."""
    if kind == "csv":
        raw_rows: Iterable[list] = _csv_rows(data)
        converted = ([_text(cell) for cell in row] for row in raw_rows)
    else:
        converted = (_convert_row(row) for row in _sheet_rows(data))
    return _table(converted, is_header)


def _sheet_rows(data: bytes) -> list[list]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = workbook.sheets_metadata
        if any(sheet.typ == SheetTypeEnum.MacroSheet for sheet in sheets):
            raise ImportRefused(
                _(
                    "The workbook contains macros, which are not accepted. Save it as an .xlsx "
                    "workbook (Excel drops the macros) and upload that."
                ),
                code="macros",
            )
        visible = [
            index
            for index, sheet in enumerate(sheets)
            if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible
        ]
        if not visible:
            raise ImportRefused(_("The workbook has no visible worksheet."), code="empty")
        sheet = workbook.get_sheet_by_index(visible[0])
        if sheet.height > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise _too_many_rows(sheet.height)
        if sheet.width > MAX_COLUMNS:
            raise _too_many_columns(sheet.width)
        return sheet.to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise ImportRefused(
            _("The workbook cannot be read (%(reason)s). Save it again in Excel or WPS.")
            % {"reason": str(exc)[:200]},
            code="damaged",
        ) from exc


def _csv_rows(data: bytes) -> Iterable[list[str]]:
    text = _decode(data)
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max((",", "\t", ";"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for count, row in enumerate(reader):
            if count > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _too_many_rows(count)
            if len(row) > MAX_COLUMNS:
                raise _too_many_columns(len(row))
            yield row
    except csv.Error as exc:
        raise ImportRefused(
            _("The CSV file cannot be read (%(reason)s).") % {"reason": str(exc)[:200]},
            code="damaged",
        ) from exc


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        # GB18030 is a superset of GBK and GB2312; a Chinese file that is not valid UTF-8 is
        # almost always one of these.
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        _(
            "The CSV file's text encoding is not UTF-8 or GBK. In Excel choose “CSV UTF-8” when "
            "saving, or upload the .xlsx workbook instead."
        ),
        code="encoding",
    )


def _text(value: str) -> str:
    value = value.strip()
    return value[:MAX_CELL] if len(value) > MAX_CELL else value


def _convert_row(row: list) -> list[str]:
    out = [value.strip() if type(value) is str else _convert_cell(value) for value in row]
    if out and max(map(len, out)) > MAX_CELL:
        return [value[:MAX_CELL] for value in out]
    return out


def _convert_cell(value) -> str:
    """A cell that calamine did not give as text."""
    kind = type(value)
    if kind is float:
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if kind is dt.date:
        return value.isoformat()
    if kind is dt.datetime:
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if value is None:
        return ""
    return _text(str(value))


def _table(rows: Iterable[list[str]], is_header: Callable[[str], bool] | None) -> Table:
    pending: list[tuple[int, list[str]]] = []
    iterator = iter(rows)
    header_at = None
    # The header is the first row with two known column names among the first rows (a title
    # row such as "某某侨联侨胞信息登记表" may come first), else the first non-empty row.
    for number, row in enumerate(iterator, start=1):
        pending.append((number, row))
        if is_header and sum(1 for cell in row if cell and is_header(cell)) >= 2:
            header_at = len(pending) - 1
            break
        if len(pending) >= HEADER_SEARCH_ROWS:
            break
    if header_at is None:
        header_at = next((i for i, (_n, row) in enumerate(pending) if any(row)), None)
    if header_at is None:
        raise ImportRefused(_("The sheet is empty: no header row was found."), code="empty")
    header_number, header = pending[header_at]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    if not width:
        raise ImportRefused(_("The sheet is empty: no header row was found."), code="empty")
    headers = [cell or column_letter(i) for i, cell in enumerate(header)]
    data_rows: list[list[str]] = []
    numbers: list[int] = []
    remaining = [(n, r) for n, r in pending[header_at + 1 :]]

    def take(number: int, row: list[str]) -> None:
        if not any(row):
            return
        if len(row) < width:
            row = row + [""] * (width - len(row))
        elif len(row) > width:
            row = row[:width]
        data_rows.append(row)
        numbers.append(number)

    for number, row in remaining:
        take(number, row)
    for number, row in enumerate(iterator, start=len(pending) + 1):
        take(number, row)
    if len(data_rows) > MAX_ROWS:
        raise _too_many_rows(len(data_rows))
    return Table(headers=headers, header_row=header_number, rows=data_rows, numbers=numbers)


def _too_many_rows(count: int) -> ImportRefused:
    return ImportRefused(
        _("The sheet has %(count)s rows; up to %(limit)s rows can be imported at once. Split it.")
        % {"count": f"{count:,}", "limit": f"{MAX_ROWS:,}"},
        code="rows",
    )


def _too_many_columns(count: int) -> ImportRefused:
    return ImportRefused(
        _("The sheet has %(count)s columns; up to %(limit)s are read.")
        % {"count": count, "limit": MAX_COLUMNS},
        code="columns",
    )
