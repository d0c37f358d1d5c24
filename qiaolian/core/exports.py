"""Tabular exports (CSV and xlsx), once for every list. `core.export_jobs.export_view(view,
fmt)` is the one entry point a list calls: it checks EXPORT, writes the audit row, and either
answers the file at once or, above `EXPORT_BACKGROUND_ROWS` rows, hands the work to a worker
(`ExportJob`, a progress page polled by HTMX, and a download only its owner can open, until it
expires).

A list view that exports declares:

- `export_name`: the file name's stem and the audit action (`export.<name>`);
- `export_permission()`: the qualified action the export needs ("people.export");
- `export_queryset()`: its rows under EXPORT, with the page's filters and sort;
- `export_header()`, `export_rows(queryset)`: the header and the rows (the view masks what
  the reader may not see; `export_rows` stops at `export_limit`);
- `export_title()` (optional): the sheet's name, in the reader's language.

`ExportableListView` (core/views/generic.py) gives all of that from `queryset_for()`. The worker
builds the same view again with the owner, the page's query string and the unit in the header,
so a background export reads exactly what the page would have, with the rights the owner holds
when it runs.

Spreadsheet formulas (CSV/formula injection). A cell whose text starts with "=", "+", "-",
"@", a tab or a carriage return could run as a formula when the file is opened:

- xlsx: every text is written as a text cell, which Excel and WPS show and never evaluate.
  Phone numbers with their country code, one or several ("+39 347 123 9876; +86 138 …"), stay
  as typed; any other text that starts like a formula also gets a leading quote, so that
  editing the cell in Excel (which parses it again) does not turn it into one.
- CSV: a cell has no type, and Excel evaluates "+39…" as it opens the file, so every text that
  starts like a formula gets the leading quote, phone numbers included. That is the OWASP
  advice and the safe side; the xlsx export is the one for reading in a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("xlsx", "csv")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
_PHONE = r"\+[0-9]{1,4}(?:[ .\-]?\(?[0-9]+\)?)+"
# "+" and a country code, then digits with the separators people type; no letters, no
# operators other than the dash between digit groups, nothing a formula needs.
INTERNATIONAL_PHONE = re.compile(_PHONE, re.ASCII)
# One phone or several, as a list cell joins them ("; ", ", ", "/", "、").
PHONE_LIST = re.compile(rf"{_PHONE}(?:\s*[;,/、，；]\s*{_PHONE})*")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
PROGRESS_EVERY = 500  # rows between two progress reports of a background export


def neutralise(value) -> object:
    """Prefix text that a spreadsheet would evaluate (CSV/formula injection) with a quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def is_phone_list(value: str) -> bool:
    return bool(PHONE_LIST.fullmatch(value))


def sheet_title(title: Any, suffix: str = "") -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, the suffix (a period,
    say) kept whole and the title shortened instead."""
    title = _SHEET_FORBIDDEN.sub(" ", str(title)).strip() or "Sheet"
    suffix = _SHEET_FORBIDDEN.sub(" ", suffix).strip()
    if suffix:
        room = SHEET_TITLE_MAX - len(suffix) - 1
        return f"{title[: max(room, 1)].rstrip()} {suffix}"[:SHEET_TITLE_MAX]
    return title[:SHEET_TITLE_MAX]


# --- writers --------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: Sequence, rows: Iterable[Sequence]) -> Iterable[str]:
    """UTF-8 with a BOM, which Chinese Excel needs to read the file as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(v) for v in header])
    for row in rows:
        yield writer.writerow([neutralise(_plain(v)) for v in row])


def _plain(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if value is not None and not isinstance(value, str | int | float | Decimal | datetime.date):
        return str(value)
    return value


def write_xlsx(target, header: Sequence, rows: Iterable[Sequence], *, title: Any = "") -> None:
    """Stream the rows into an xlsx at `target` (a path or a binary file): openpyxl's
    write-only mode keeps one row in memory at a time."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title or "Sheet"))
    sheet.append([_cell(sheet, v) for v in header])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
    workbook.save(target)


XLSX_TYPES = (str, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)


def _cell(sheet, value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is not None and not isinstance(value, XLSX_TYPES):
        value = str(value)  # UUIDs, lazy translations, countries: openpyxl refuses them
    if not isinstance(value, str):
        return "" if value is None else value
    # Control characters (pasted from other programs) cannot be stored in xlsx and would fail
    # the whole export. Removed before neutralising, so "\x00=…" is caught too.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_PREFIXES) and not is_phone_list(value):
        value = neutralise(value)
    if value.startswith("="):  # pragma: no cover - neutralised above; kept as the guarantee
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    # openpyxl writes any other text as a text cell (only a leading "=" makes a formula); a
    # plain value is several times faster to write than a cell object.
    return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence], *, title: Any = ""
) -> HttpResponse:
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, title=title or filename)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def file_stem(filename: str) -> str:
    return f"{filename}-{timezone.localtime().strftime('%Y%m%d-%H%M')}"


def export_response(
    fmt: str, filename: str, header: Sequence[str], rows: Iterable[Sequence], *, title: Any = ""
):
    """The file at once. `title` names the sheet (in the reader's language)."""
    name = file_stem(filename)
    if fmt == "xlsx":
        return xlsx_response(name, header, rows, title=title or filename)
    return csv_response(name, header, rows)


def write_file(
    path,
    fmt: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    title: Any = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a whole export to `path`, calling `progress(rows written)` every
    PROGRESS_EVERY rows. Returns the number of rows."""
    counted = [0]

    def counting(rows):
        for row in rows:
            yield row
            counted[0] += 1
            if progress is not None and counted[0] % PROGRESS_EVERY == 0:
                progress(counted[0])

    if fmt == "xlsx":
        write_xlsx(path, header, counting(rows), title=title)
    else:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(csv_lines(header, counting(rows)))
    return counted[0]


# --- the entry point ------------------------------------------------------------------------


def default_title(queryset) -> str:
    """The sheet name when the view names none: the records' plural name, translated."""
    return str(capfirst(queryset.model._meta.verbose_name_plural))


def title_of(view, queryset) -> str:
    title = getattr(view, "export_title", None)
    if callable(title):
        title = title()
    return str(title or default_title(queryset))
