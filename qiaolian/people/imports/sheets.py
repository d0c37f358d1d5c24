"""The workbooks an import hands out: the blank template and the error sheet.

The template has the Chinese headers the automatic mapping knows, a hint on each header,
text-formatted phone and ID columns (so Excel keeps leading "+" and zeros and never writes
1.38E+10), and dropdowns for gender, category (the person_category dictionary) and country
(lists on a hidden sheet, which the importer skips). The error sheet is the user's own rows
that were not imported, with their original columns and one more column saying what to fix,
ready to correct and upload again.
"""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from qiaolian.core import countries
from qiaolian.people.imports.mapping import BY_KEY
from qiaolian.people.imports.validation import category_labels

TEMPLATE_COLUMNS = (
    "full_name", "surname", "given_name", "gender", "birth_date", "category", "nationality",
    "country", "city", "hometown", "phone", "phone", "email", "wechat_id", "address",
    "occupation", "employer", "languages", "tags", "notes", "id_number", "passport_number",
    "romanized_names",
)  # fmt: skip
TEMPLATE_HEADERS = {("phone", 1): "电话"}  # the second phone column
TEXT_COLUMNS = ("phone", "id_number", "passport_number")
TEMPLATE_ROWS = 5000  # rows that get the dropdowns
ERROR_HEADER_ZH = "错误说明"


def _hints() -> dict[str, str]:
    return {
        "full_name": _("Full name, surname first (张伟), or fill 姓 and 名 instead."),
        "gender": _("男 or 女"),
        "birth_date": _("Year-month-day, e.g. 1980-01-31."),
        "category": _("Pick from the list."),
        "nationality": _("Country name or two-letter code, e.g. 意大利 or IT."),
        "country": _("Pick from the list, or write the name or two-letter code."),
        "phone": _(
            "With the country code, e.g. +39 333 123 4567; mainland mobiles may omit +86. "
            "Several numbers: separate with ；"
        ),
        "email": _("Several addresses: separate with ；"),
        "id_number": _("Stored encrypted and shown masked."),
        "passport_number": _("Stored encrypted and shown masked."),
    }


def template_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("People")
    lists = workbook.create_sheet("lists")
    lists.sheet_state = "hidden"
    hints = _hints()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    seen: dict[str, int] = {}
    for column, key in enumerate(TEMPLATE_COLUMNS, start=1):
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        header = TEMPLATE_HEADERS.get((key, occurrence), BY_KEY[key].header)
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        if key in hints:
            cell.comment = Comment(hints[key], "侨联通")
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = 22 if key in ("address", "notes") else 14
        if key in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    english = (translation.get_language() or "").startswith("en")
    genders = ["male", "female"] if english else ["男", "女"]
    categories = [label for label, _value in category_labels()]
    country_names = [name for _code, name in countries.choices()]
    for index, values in enumerate((genders, categories, country_names), start=1):
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=index, value=value)
    for key, column_index, values in (
        ("gender", 1, genders),
        ("category", 2, categories),
        ("country", 3, country_names),
    ):
        letter = get_column_letter(column_index)
        validation = DataValidation(
            type="list",
            formula1=f"lists!${letter}$1:${letter}${max(len(values), 1)}",
            allow_blank=True,
            showErrorMessage=key != "country",  # a country may also be typed as a code
            errorTitle=_("Not in the list"),
            error=_("Pick a value from the list."),
        )
        target = get_column_letter(TEMPLATE_COLUMNS.index(key) + 1)
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    birth = get_column_letter(TEMPLATE_COLUMNS.index("birth_date") + 1)
    dates = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(1900,1,1)",
        formula2="TODAY()",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not a date"),
        error=_("Write the birth date as year-month-day, e.g. 1980-01-31."),
    )
    dates.add(f"{birth}2:{birth}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(dates)
    sheet.column_dimensions[birth].number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_workbook(headers: list[str], rows: list[tuple[list[str], str]]) -> bytes:
    """`rows`: (original cells, what to fix). Cells are written as text; a cell starting with
    "=" is kept as text, never as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rows to fix")[:31])
    header_cells = []
    for value in [*headers, _("Error notes")]:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for cells, notes in rows:
        out = []
        for value in [*cells, notes]:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            out.append(cell)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_notes(problems: list[dict], match: dict | None = None) -> str:
    parts = []
    for problem in problems:
        where = problem.get("column") or ""
        value = problem.get("value") or ""
        text = problem.get("message") or ""
        if where and value:
            parts.append(f"{where}：“{value}” {text}")
        elif where:
            parts.append(f"{where}：{text}")
        else:
            parts.append(text)
    return "；".join(parts)


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")
