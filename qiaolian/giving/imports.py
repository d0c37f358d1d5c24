"""Import of donation lists (banks and chambers send spreadsheets): .xlsx, .xls, or CSV in
UTF-8 or GBK, read by the people import's file reading (`people.imports`: hostile-file checks,
encoding detection, the header row found under title rows). All rows or none: a row that fails
names its Excel row number and what to fix, and nothing is written."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.giving import services
from qiaolian.giving.apps import GIVING
from qiaolian.giving.models import Donation, Donor, DonorKind, PaymentMethod
from qiaolian.people.imports.errors import ImportRefused
from qiaolian.people.imports.hostile import inspect_file
from qiaolian.people.imports.reading import read_table

# Column headers as banks and chambers write them, folded to lower case.
HEADERS = {
    "donor": {"捐赠人", "捐赠单位", "捐赠者", "姓名", "名称", "donor", "name"},
    "kind": {"捐赠人类别", "类别", "kind", "donor kind"},
    "received_on": {"日期", "到账日期", "捐赠日期", "received on", "date"},
    "amount": {"金额", "捐赠金额", "amount"},
    "currency": {"币种", "货币", "currency"},
    "bank_reference": {"流水号", "银行流水号", "交易流水号", "bank reference", "reference"},
    "method": {"方式", "捐赠方式", "method"},
}
KINDS = {
    "个人": DonorKind.PERSON,
    "侨团": DonorKind.ASSOCIATION,
    "社团": DonorKind.ASSOCIATION,
    "商会": DonorKind.ASSOCIATION,
    "企业": DonorKind.ENTERPRISE,
    "单位": DonorKind.DOMESTIC,
    "匿名": DonorKind.ANONYMOUS,
    **{k.value: k.value for k in DonorKind},
}
METHODS = {"转账": "transfer", "汇款": "remittance", "现金": "cash", "支票": "cheque"}


def _field(header: str) -> str:
    text = header.strip().lower()
    for name, names in HEADERS.items():
        if text in names:
            return name
    return ""


def _day(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    raise ValueError(text)


@transaction.atomic
def import_donations(
    *, actor: Any, unit: Any, drive: Any, name: str, data: bytes
) -> list[Donation]:
    try:
        kind = inspect_file(name, data)
        table = read_table(kind, data, is_header=lambda text: bool(_field(text)))
    except ImportRefused as exc:
        raise ValidationError({"file": exc.message}) from exc
    columns = {_field(h): i for i, h in enumerate(table.headers) if _field(h)}
    missing = [c for c in ("donor", "received_on", "amount") if c not in columns]
    if missing:
        raise ValidationError(
            {"file": _("The sheet has no column for: %(cols)s.") % {"cols": ", ".join(missing)}}
        )
    donors: dict[str, Donor] = {
        d.name: d for d in Donor.objects.restrict(actor, GIVING.VIEW).filter(unit=unit)
    }
    made: list[Donation] = []
    for number, row in zip(table.numbers, table.rows, strict=True):

        def cell(field: str, row: list[str] = row) -> str:
            index = columns.get(field)
            return row[index].strip() if index is not None else ""

        donor_name = cell("donor")
        if not donor_name and not cell("amount"):
            continue
        try:
            received_on = _day(cell("received_on"))
        except ValueError:
            raise ValidationError(
                _("Row %(row)s: “%(value)s” is not a date (write 2020-02-01).")
                % {"row": number, "value": cell("received_on")}
            ) from None
        try:
            amount = Decimal(cell("amount").replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise ValidationError(
                _("Row %(row)s: “%(value)s” is not an amount.")
                % {"row": number, "value": cell("amount")}
            ) from None
        donor_kind = KINDS.get(cell("kind"), DonorKind.PERSON)
        donor = donors.get(donor_name)
        try:
            if donor is None:
                donor = services.donor_create(
                    actor=actor, unit=unit, kind=donor_kind, name=donor_name
                )
                donors[donor.name] = donor
            made.append(
                services.donation_create(
                    actor=actor,
                    unit=unit,
                    donor=donor,
                    drive=drive,
                    received_on=received_on,
                    amount=amount,
                    currency=(cell("currency") or "CNY").upper(),
                    method=METHODS.get(cell("method"), cell("method") or PaymentMethod.TRANSFER),
                    bank_reference=cell("bank_reference"),
                )
            )
        except ValidationError as exc:
            raise ValidationError(
                _("Row %(row)s: %(problem)s") % {"row": number, "problem": " ".join(exc.messages)}
            ) from None
    if not made:
        raise ValidationError({"file": _("The sheet lists no donations.")})
    audit.record(
        actor=actor,
        action="giving.import",
        unit=unit,
        message=f"{name}: {len(made)}",
    )
    return made
