"""Import of enterprises from an Excel sheet: the file is checked by its bytes (core.files),
every row is validated first, and nothing is saved unless every row is valid (one audit row)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from qiaolian.core import audit, files
from qiaolian.core.scoping import require_unit
from qiaolian.enterprises.codes import District, Industry, Size, normalise_uscc, validate_uscc
from qiaolian.enterprises.models import Enterprise

MAX_ROWS = 5000
SHEET = files.register_use(
    "enterprises.import",
    ("xlsx",),
    {"*": 10 * 1024 * 1024},
    type_message=gettext_lazy(
        "The content of “%(name)s” is %(found)s; choose an Excel workbook (.xlsx) up to %(limit)s."
    ),
)
YES = {"是", "yes", "y", "true", "1", "重点"}


def _lookup(choices, value: str) -> str | None:
    """A choice by its code or by its label in either language ("C", "制造业", "Manufacturing")."""
    value = (value or "").strip()
    if not value:
        return None
    for code, label in choices:
        with override("zh-hans"):
            zh = str(label)
        with override("en"):
            en = str(label)
        if value.upper() == code.upper() or value in (zh, en) or value.lower() == en.lower():
            return code
    return None


def _rows(upload) -> list[tuple]:
    from openpyxl import load_workbook

    upload.seek(0)
    sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
    rows = [
        tuple("" if c is None else str(c).strip() for c in row)
        for row in sheet.iter_rows(values_only=True)
    ]
    return [row for row in rows[1:] if any(row)]  # the first row holds the headers


def parse(upload) -> tuple[list[dict[str, Any]], list[str]]:
    """(valid rows, errors naming the row and what to fix)."""
    files.check_upload(upload, SHEET)
    rows, errors, seen = _rows(upload), [], set()
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("At most %(max)s rows at a time.") % {"max": MAX_ROWS})
    parsed = []
    for number, row in enumerate(rows, start=2):
        row = (*row, *("",) * 9)[:9]
        name, code, industry, size, district, address, year, founders, key = row
        problems = []
        if not name:
            problems.append(_("the enterprise name is empty"))
        code = normalise_uscc(code)
        try:
            validate_uscc(code)
        except ValidationError as exc:
            problems.extend(exc.messages)
        if code in seen:
            problems.append(_("credit code %(code)s appears twice in the file") % {"code": code})
        seen.add(code)
        industry_code = _lookup(Industry.choices, industry)
        if industry_code is None:
            problems.append(
                _("industry “%(value)s” is not a GB/T 4754 section") % {"value": industry}
            )
        size_code = _lookup(Size.choices, size) or (None if size else Size.SMALL)
        if size_code is None:
            problems.append(_("size “%(value)s” is unknown") % {"value": size})
        district_code = _lookup(District.choices, district)
        if district_code is None:
            problems.append(_("district “%(value)s” is unknown") % {"value": district})
        founded = None
        if year:
            try:
                founded = int(float(year))
            except ValueError:
                problems.append(_("founding year “%(value)s” is not a year") % {"value": year})
        if problems:
            errors.append(
                _("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)}
            )
            continue
        parsed.append(
            {
                "name": name,
                "credit_code": code,
                "industry": industry_code,
                "size": size_code,
                "district": district_code,
                "address": address,
                "founded_year": founded,
                "returnee_founders": founders,
                "is_key": key.lower() in YES,
            }
        )
    existing = set(
        Enterprise.objects.filter(  # scoping: exempt, uniqueness is city-wide; codes only
            credit_code__in=[row["credit_code"] for row in parsed]
        ).values_list("credit_code", flat=True)
    )
    errors.extend(
        _("Credit code %(code)s is already registered.") % {"code": row["credit_code"]}
        for row in parsed
        if row["credit_code"] in existing
    )
    if not rows:
        errors.append(_("The sheet has no rows under its header."))
    return parsed, errors


@transaction.atomic
def import_enterprises(*, actor, unit, upload) -> int:
    require_unit(actor, "enterprises.add", unit)
    rows, errors = parse(upload)
    if errors:
        raise ValidationError(errors)
    created = []
    for row in rows:
        enterprise = Enterprise(unit=unit, **row)
        enterprise.full_clean()
        created.append(enterprise)
    Enterprise.objects.bulk_create(created)
    audit.record(
        actor=actor,
        action="enterprise.import",
        unit=unit,
        changes={"enterprises": [None, len(created)]},
        message=getattr(upload, "name", ""),
    )
    return len(created)
