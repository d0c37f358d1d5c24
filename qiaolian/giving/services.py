"""Writes of the donations app: each one transaction, each with its audit row.

Receipts are issued with the donation (every donation has exactly one valid receipt) and are
never edited: `receipt_reissue` voids one and issues its successor with a new number, in one
transaction. Numbers run per issuing unit and year without gaps: the counter row is locked
(`select_for_update`) while a number is taken, and a rolled-back issue gives its number back.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.approvals import require_approver
from qiaolian.core.ledger import balance, ledger_post
from qiaolian.core.money import CNY, Money, rate_on
from qiaolian.core.richtext import sanitise_html
from qiaolian.core.scoping import require_unit
from qiaolian.core.service_kit import create_scoped
from qiaolian.giving.apps import GIVING
from qiaolian.giving.goods import receive_lines
from qiaolian.giving.models import (
    Donation,
    DonationKind,
    Donor,
    DonorKind,
    Drive,
    Fund,
    FundEntry,
    FundEntryKind,
    Grant,
    GrantApproval,
    Instalment,
    Pledge,
    Receipt,
    ReceiptCounter,
)

DRIVE_FIELDS = (
    "title",
    "target_cny",
    "starts_on",
    "ends_on",
    "designated_use",
    "appeal_html",
    "is_public",
)


# --- drives and donors ------------------------------------------------------------------------


def _check_period(starts_on: date, ends_on: date | None) -> None:
    if ends_on and starts_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The drive cannot end before it starts.")})


@transaction.atomic
def drive_create(*, actor: Any, unit: Any, **fields: Any) -> Drive:
    fields["appeal_html"] = sanitise_html(fields.get("appeal_html") or "")
    _check_period(fields.get("starts_on"), fields.get("ends_on"))
    drive = Drive(unit=unit, **fields)
    return create_scoped(
        actor=actor, obj=drive, audit_action="giving.drive_create", fields=DRIVE_FIELDS
    )


@transaction.atomic
def drive_update(*, actor: Any, drive: Drive, **changes: Any) -> Drive:
    if "appeal_html" in changes:
        changes["appeal_html"] = sanitise_html(changes["appeal_html"] or "")
    _check_period(changes.get("starts_on", drive.starts_on), changes.get("ends_on", drive.ends_on))
    require_unit(actor, GIVING.CHANGE, drive.unit)
    drive = Drive.objects.select_for_update().get(pk=drive.pk)  # scoping: exempt, checked above
    before = audit.snapshot(drive, DRIVE_FIELDS)
    for name, value in changes.items():
        setattr(drive, name, value)
    drive.full_clean()
    drive.save()
    audit.record(
        actor=actor,
        action="giving.drive_update",
        obj=drive,
        changes=audit.diff(before, audit.snapshot(drive, DRIVE_FIELDS)),
    )
    return drive


@transaction.atomic
def donor_create(
    *,
    actor: Any,
    unit: Any,
    kind: str,
    name: str = "",
    country: str = "",
    person: Any = None,
    association: Any = None,
    mobilised_by: Donor | None = None,
    contact: str = "",
) -> Donor:
    name = (name or "").strip()
    if kind == DonorKind.ANONYMOUS and not name:
        name = str(_("Anonymous donor"))
    if not name and person is not None:
        name = str(person)
    if not name and association is not None:
        name = association.name
    if not name:
        raise ValidationError({"name": _("Give the donor's name.")})
    if mobilised_by is not None and mobilised_by.kind in (DonorKind.PERSON, DonorKind.ANONYMOUS):
        raise ValidationError(
            {"mobilised_by": _("Soft credit goes to an organisation that mobilised the donor.")}
        )
    donor = Donor(
        unit=unit,
        kind=kind,
        name=name,
        country=country or "",
        person=person,
        association=association,
        mobilised_by=mobilised_by,
        contact=contact,
    )
    return create_scoped(
        actor=actor,
        obj=donor,
        audit_action="giving.donor_create",
        fields=("kind", "name", "country", "mobilised_by"),
    )


# --- donations ------------------------------------------------------------------------------


def duplicate_of(unit: Any, bank_reference: str) -> Donation | None:
    """An earlier donation to the same unit with the same bank reference (None if none)."""
    reference = bank_reference.strip()
    if not reference:
        return None
    # scoping: exempt - the same unit's own donations, read to flag a repeat, not shown.
    return Donation.objects.filter(unit=unit, bank_reference=reference).order_by("pk").first()


@transaction.atomic
def donation_create(
    *,
    actor: Any,
    unit: Any,
    donor: Donor,
    received_on: date,
    kind: str = DonationKind.MONEY,
    amount: Decimal | str | None = None,
    currency: str = CNY,
    method: str = "",
    bank_reference: str = "",
    allow_duplicate: bool = False,
    drive: Drive | None = None,
    designated_use: str = "",
    to_fund: bool = False,
    show_name: bool = False,
    show_amount: bool = True,
    note: str = "",
    lines: list[dict] | None = None,
    issued_on: date | None = None,
    thank_you: str = "",
) -> Donation:
    """Record a donation of money (converted to yuan at the rate of the day it was received)
    or goods (`lines` of item, quantity, value, warehouse), and issue its receipt."""
    require_unit(actor, GIVING.ADD, unit, _("You cannot record donations in this unit."))
    for record, model in ((donor, Donor), (drive, Drive)):
        if record is not None and not (
            model.objects.restrict(actor, GIVING.VIEW).filter(pk=record.pk).exists()
        ):
            raise ValidationError(_("Choose a donor and a drive you can see."))
    donation = Donation(
        unit=unit,
        donor=donor,
        drive=drive,
        kind=kind,
        received_on=received_on,
        method=method,
        bank_reference=bank_reference.strip(),
        designated_use=designated_use or (drive.designated_use if drive else ""),
        to_fund=to_fund,
        show_name=show_name,
        show_amount=show_amount,
        note=note,
        created_by=actor,
    )
    if kind == DonationKind.MONEY:
        if amount in (None, ""):
            raise ValidationError({"amount": _("Give the amount.")})
        money = Money(amount, currency or CNY)
        if money.amount <= 0:
            raise ValidationError({"amount": _("The amount must be more than zero.")})
        rate = Decimal(1) if money.currency == CNY else rate_on(money.currency, received_on).rate
        donation.money = money
        donation.rate = rate
        donation.value_cny = Money(money.amount * rate, CNY).rounded().amount
        earlier = duplicate_of(unit, donation.bank_reference)
        if earlier is not None:
            if not allow_duplicate:
                raise ValidationError(
                    {
                        "bank_reference": _(
                            "Bank reference %(ref)s was already recorded for the donation of "
                            "%(donor)s on %(day)s. If this is really another donation, tick "
                            "“record it anyway”."
                        )
                        % {
                            "ref": donation.bank_reference,
                            "donor": earlier.donor.name,
                            "day": f"{earlier.received_on:%Y-%m-%d}",
                        }
                    }
                )
            donation.duplicate_reference = True
    else:
        if not lines:
            raise ValidationError(_("List the goods received (item and quantity)."))
        donation.amount = None
        donation.currency = CNY
        donation.rate = None
        donation.method = ""
    donation.full_clean()
    donation.save()
    if kind == DonationKind.GOODS:
        donation.value_cny = receive_lines(actor=actor, donation=donation, lines=lines or [])
        donation.save(update_fields=["value_cny"])
    audit.record(
        actor=actor,
        action="giving.donation_create",
        obj=donation,
        changes=audit.diff(
            {},
            audit.snapshot(
                donation,
                [
                    "kind",
                    "donor",
                    "received_on",
                    "amount",
                    "currency",
                    "rate",
                    "value_cny",
                    "bank_reference",
                    "drive",
                ],
            ),
        ),
        message=_("bank reference seen before") if donation.duplicate_reference else "",
    )
    if to_fund:
        fund = fund_of(unit)
        ledger_post(
            actor=actor,
            model=FundEntry,
            unit=fund.unit,
            reason=_("Designated donation of %(donor)s") % {"donor": donor.name},
            fund=fund,
            kind=FundEntryKind.DONATION,
            booked_on=received_on,
            donation=donation,
            amount=donation.value_cny,
            currency=CNY,
        )
    _issue(actor=actor, donation=donation, issued_on=issued_on, thank_you=thank_you)
    return donation


def fund_of(unit: Any) -> Fund:
    """The charity fund of `unit`, else of its nearest ancestor that has one."""
    # scoping: exempt - the fund a donation is designated to, found by the unit's own path.
    funds = Fund.objects.filter(unit__path__in=_ancestor_paths(unit.path))
    fund = funds.order_by("-unit__depth").first()
    if fund is None:
        raise ValidationError({"to_fund": _("No charity fund is set up for this unit.")})
    return fund


def _ancestor_paths(path: str) -> list[str]:
    from qiaolian.core.scoping import ancestor_paths

    return [*ancestor_paths(path), path]


# --- receipts --------------------------------------------------------------------------------


def thank_you_text(donation: Donation) -> str:
    drive = donation.drive.title if donation.drive else _("our work")
    return _(
        "Dear %(donor)s,\n\nThank you for your generous gift of %(value)s to %(drive)s. "
        "It goes to %(use)s, and we will report how it was used.\n\n%(unit)s"
    ) % {
        "donor": donation.donor.name,
        "value": Money(donation.value_cny, CNY),
        "drive": drive,
        "use": donation.designated_use or _("the purpose of the drive"),
        "unit": donation.unit.name,
    }


def next_number(unit: Any, year: int) -> int:
    """The next receipt number of `unit` in `year`, taken under a row lock (no gaps)."""
    counter = ReceiptCounter.objects.select_for_update().filter(unit=unit, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(unit=unit, year=year, last=0)
        except IntegrityError:
            pass  # created meanwhile by a concurrent issue: lock that one
        counter = ReceiptCounter.objects.select_for_update().get(unit=unit, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _issue(
    *,
    actor: Any,
    donation: Donation,
    issued_on: date | None = None,
    replaces: Receipt | None = None,
    thank_you: str = "",
) -> Receipt:
    issued_on = issued_on or timezone.localdate()
    receipt = Receipt(
        unit=donation.unit,
        donation=donation,
        year=issued_on.year,
        number=next_number(donation.unit, issued_on.year),
        issued_on=issued_on,
        issued_by=actor,
        replaces=replaces,
        thank_you=thank_you or thank_you_text(donation),
    )
    receipt.save()
    audit.record(
        actor=actor,
        action="giving.receipt_reissue" if replaces else "giving.receipt_issue",
        obj=receipt,
        changes={"number": [replaces.code if replaces else None, receipt.code]},
        message=replaces.void_reason if replaces else "",
    )
    return receipt


@transaction.atomic
def receipt_reissue(
    *, actor: Any, receipt: Receipt, reason: str, issued_on: date | None = None
) -> Receipt:
    """Void `receipt` with `reason` and issue its successor (a new number; the old one is
    never used again)."""
    require_unit(actor, GIVING.CHANGE, receipt.unit, _("You cannot reissue this receipt."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the receipt is voided.")})
    # Lock the donation: two reissues of its receipt at once are one reissue and one refusal.
    # scoping: exempt - the receipt's unit was checked above.
    Donation.objects.select_for_update().get(pk=receipt.donation_id)
    current = Receipt.objects.get(pk=receipt.pk)  # scoping: exempt, same record
    if current.status != Receipt.Status.VALID:
        raise ValidationError(
            _("Receipt %(code)s was already voided; reissue its valid successor.")
            % {"code": current.code}
        )
    current.status = Receipt.Status.VOID
    current.void_reason = reason.strip()
    current.voided_at = timezone.now()
    current.save(update_fields=["status", "void_reason", "voided_at"])
    return _issue(
        actor=actor,
        donation=current.donation,
        issued_on=issued_on,
        replaces=current,
        thank_you=current.thank_you,
    )


# --- pledges --------------------------------------------------------------------------------


@transaction.atomic
def pledge_create(
    *,
    actor: Any,
    unit: Any,
    donor: Donor,
    amount: Decimal | str,
    currency: str = CNY,
    pledged_on: date,
    instalments: list[tuple[date, Decimal]],
    drive: Drive | None = None,
    note: str = "",
) -> Pledge:
    money = Money(amount, currency or CNY)
    if money.amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if not instalments:
        instalments = [(pledged_on, money.amount)]
    total = sum((Decimal(a) for _d, a in instalments), Decimal(0))
    if total != money.amount:
        raise ValidationError(
            {
                "instalments": _("The instalments add up to %(total)s, not the pledged %(amount)s.")
                % {"total": total, "amount": money.amount}
            }
        )
    pledge = Pledge(
        unit=unit,
        donor=donor,
        drive=drive,
        amount=money.amount,
        currency=money.currency,
        pledged_on=pledged_on,
        note=note,
        created_by=actor,
    )
    create_scoped(
        actor=actor,
        obj=pledge,
        audit_action="giving.pledge_create",
        fields=("donor", "amount", "currency", "pledged_on"),
    )
    Instalment.objects.bulk_create(
        [Instalment(pledge=pledge, due_on=d, amount=Decimal(a)) for d, a in instalments]
    )
    return pledge


@transaction.atomic
def instalment_pay(*, actor: Any, instalment: Instalment, donation: Donation) -> Instalment:
    require_unit(actor, GIVING.CHANGE, instalment.pledge.unit)
    # scoping: exempt - the pledge's unit was checked above.
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    if instalment.donation_id is not None:
        raise ValidationError(_("This instalment is already paid."))
    if donation.donor_id != instalment.pledge.donor_id:
        raise ValidationError(_("The donation comes from another donor than the pledge."))
    instalment.donation = donation
    instalment.save(update_fields=["donation"])
    audit.record(
        actor=actor,
        action="giving.instalment_paid",
        obj=instalment.pledge,
        changes={},
        message=f"{instalment.due_on:%Y-%m-%d} {instalment.amount}",
    )
    return instalment


# --- the charity fund ------------------------------------------------------------------------


@transaction.atomic
def fund_create(*, actor: Any, unit: Any, name: str, dual_approval_over: Decimal, rules: str = ""):
    fund = Fund(unit=unit, name=name, dual_approval_over=dual_approval_over, rules=rules)
    return create_scoped(actor=actor, obj=fund, audit_action="giving.fund_create", fields=("name",))


def fund_balance(fund: Fund) -> Decimal:
    return balance(FundEntry, fund_id=fund.pk)["amount"]


@transaction.atomic
def fund_income(
    *,
    actor: Any,
    fund: Fund,
    amount: Decimal,
    booked_on: date,
    reason: str,
    kind: str = FundEntryKind.INTEREST,
) -> FundEntry:
    if Decimal(amount) <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say where the income comes from.")})
    return ledger_post(
        actor=actor,
        model=FundEntry,
        unit=fund.unit,
        reason=reason,
        fund=fund,
        kind=kind,
        booked_on=booked_on,
        amount=Decimal(amount),
        currency=CNY,
    )


@transaction.atomic
def grant_create(
    *,
    actor: Any,
    fund: Fund,
    applicant: str,
    purpose: str,
    amount_cny: Decimal,
    applied_on: date,
) -> Grant:
    grant = Grant(
        unit=fund.unit,
        fund=fund,
        applicant=applicant,
        purpose=purpose,
        amount_cny=amount_cny,
        applied_on=applied_on,
        created_by=actor,
    )
    return create_scoped(
        actor=actor,
        obj=grant,
        audit_action="giving.grant_create",
        fields=("applicant", "purpose", "amount_cny"),
    )


def _locked_pending(grant: Grant) -> Grant:
    # scoping: exempt - require_approver checks the actor's reach over this grant.
    grant = Grant.objects.select_for_update().select_related("fund").get(pk=grant.pk)
    if grant.status != Grant.Status.PENDING:
        raise ValidationError(_("This grant has already been decided."))
    return grant


@transaction.atomic
def grant_approve(*, actor: Any, grant: Grant, on: date | None = None) -> Grant:
    """One approval; the grant is paid from the fund when it has the approvals it needs (two
    distinct approvers, neither the one who entered it, above the fund's threshold)."""
    grant = _locked_pending(grant)
    require_approver(actor=actor, record=grant)
    if grant.approvals.filter(approver=actor).exists():
        raise PermissionDenied(_("You have already approved this grant; a second person must."))
    GrantApproval.objects.create(grant=grant, approver=actor)
    approved = grant.approvals.count() >= grant.approvals_needed
    audit.record(
        actor=actor,
        action="giving.grant_approve",
        obj=grant,
        changes={},
        message=f"{grant.approvals.count()}/{grant.approvals_needed}",
    )
    if approved:
        Fund.objects.select_for_update().get(pk=grant.fund_id)  # scoping: exempt, same fund
        available = fund_balance(grant.fund)
        if available < grant.amount_cny:
            raise ValidationError(
                _("The fund holds %(balance)s, less than the grant of %(amount)s.")
                % {"balance": Money(available, CNY), "amount": Money(grant.amount_cny, CNY)}
            )
        grant.status = Grant.Status.APPROVED
        grant.decided_on = on or timezone.localdate()
        grant.save(update_fields=["status", "decided_on"])
        ledger_post(
            actor=actor,
            model=FundEntry,
            unit=grant.unit,
            reason=_("Grant to %(applicant)s: %(purpose)s")
            % {"applicant": grant.applicant, "purpose": grant.purpose},
            fund=grant.fund,
            kind=FundEntryKind.GRANT,
            booked_on=grant.decided_on,
            grant=grant,
            amount=-grant.amount_cny,
            currency=CNY,
        )
    return grant


@transaction.atomic
def grant_reject(*, actor: Any, grant: Grant, note: str) -> Grant:
    grant = _locked_pending(grant)
    require_approver(actor=actor, record=grant)
    if not note.strip():
        raise ValidationError({"note": _("Say why the grant is rejected.")})
    grant.status = Grant.Status.REJECTED
    grant.decided_on = timezone.localdate()
    grant.decision_note = note.strip()
    grant.save(update_fields=["status", "decided_on", "decision_note"])
    audit.record(
        actor=actor,
        action="giving.grant_reject",
        obj=grant,
        changes={"status": ["pending", "rejected"]},
        message=grant.decision_note,
    )
    return grant


def raised_in(donations: Any) -> Decimal:
    return donations.aggregate(total=Sum("value_cny"))["total"] or Decimal(0)


def donation_url(donation: Donation) -> str:
    return reverse("giving:donation_detail", args=[donation.public_id])
