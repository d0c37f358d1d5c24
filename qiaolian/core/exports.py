"""Tabular exports (CSV and xlsx) shared by every list. Cells that a spreadsheet would run as
a formula are neutralised; the caller has already restricted and masked the rows.

In xlsx a phone number typed with its country code ("+39 333 123 4567") stays as typed: it is
written as an explicit string cell, which Excel and WPS show and never evaluate, so the
quote would only spoil the number. Everything else that starts like a formula ("=", "-",
"@", "+" before anything but a phone number) is neutralised there too, and in CSV, where no
cell has a type, every such cell is."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
# "+" and a country code, then digits with the separators people type; no letters, no
# operators other than the dash between digit groups, nothing a formula needs.
INTERNATIONAL_PHONE = re.compile(r"\+[0-9]{1,4}(?:[ .\-]?\(?[0-9]+\)?)+", re.ASCII)


def neutralise(value) -> object:
    """Prefix text that a spreadsheet would evaluate (CSV/formula injection) with a quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """UTF-8 with a BOM, which Chinese Excel needs to read the file as UTF-8."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.append([_cell(sheet, v) for v in header])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


XLSX_TYPES = (str, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)


def _cell(sheet, value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is not None and not isinstance(value, XLSX_TYPES):
        value = str(value)  # UUIDs, lazy translations, countries: openpyxl refuses them
    if isinstance(value, str):
        # Control characters (pasted from other programs) cannot be stored in xlsx and would
        # fail the whole export. Removed before neutralising, so "\x00=…" is caught too.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if INTERNATIONAL_PHONE.fullmatch(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # explicitly a string cell, never a formula
            return cell
    return neutralise(value)


def export_response(fmt: str, filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{filename}-{stamp}"
    if fmt == "xlsx":
        return xlsx_response(name, header, rows)
    return csv_response(name, header, rows)
