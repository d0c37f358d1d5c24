"""Donation drives (倡议), donors, donations of money and goods, pledges, receipts
(公益事业捐赠票据) and the charity fund (侨爱心慈善基金).

A donation's value in yuan (`value_cny`) is fixed when it is recorded: money at the rate in force
on the day it was received (`core.money.to_cny`), goods at the value of their lines. Every
donation has exactly one valid receipt; a receipt is never edited, only voided and reissued
with a reason (the database holds "one valid receipt per donation" and "a number once per
unit and year"). The fund is an append-only money ledger (`core.ledger`).
"""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaolian.core.ledger import MoneyLedgerEntry
from qiaolian.core.money import AmountField, CurrencyField, MoneyProperty
from qiaolian.core.scoping import ScopedManager, ScopedMixin


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Drive(ScopedMixin, models.Model):
    """A donation drive (倡议): an appeal with a target, a period and a designated use."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    target_cny = AmountField(_("target (yuan)"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    designated_use = models.CharField(_("designated use"), max_length=200, blank=True)
    appeal_html = models.TextField(_("appeal text"), blank=True)
    is_public = models.BooleanField(_("shown on the public page"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("donation drive")
        verbose_name_plural = _("donation drives")
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title


class DonorKind(models.TextChoices):
    PERSON = "person", _("Individual")
    ASSOCIATION = "association", _("Association or chamber")
    ENTERPRISE = "enterprise", _("Enterprise")
    DOMESTIC = "domestic", _("Domestic body")
    ANONYMOUS = "anonymous", _("Anonymous")


class Donor(ScopedMixin, models.Model):
    """Who gives: a person, an association or chamber, an enterprise, a domestic body, or an
    anonymous giver. `mobilised_by` is the soft credit (市侨商会 mobilised these donors)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of donor"), max_length=12, choices=DonorKind.choices)
    name = models.CharField(_("donor name"), max_length=200)
    country = models.CharField(_("country (region)"), max_length=2, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person in the register"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    association = models.ForeignKey(
        "people.Association",
        verbose_name=_("association"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    mobilised_by = models.ForeignKey(
        "self",
        verbose_name=_("mobilised by (soft credit)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mobilised",
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DonationKind(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    REMITTANCE = "remittance", _("Remittance from abroad")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    ONLINE = "online", _("Online payment")
    OTHER = "other", _("Other")


class Donation(ScopedMixin, models.Model):
    """One gift of money or goods, received on a day, valued in yuan on that day."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    drive = models.ForeignKey(
        Drive,
        verbose_name=_("donation drive"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
    )
    donor = models.ForeignKey(
        Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="donations"
    )
    kind = models.CharField(
        _("kind of donation"), max_length=5, choices=DonationKind.choices, default="money"
    )
    received_on = models.DateField(_("received on"))
    amount = AmountField(_("amount"), null=True, blank=True)
    currency = CurrencyField(_("currency"))
    money = MoneyProperty("amount", "currency")
    rate = models.DecimalField(
        _("rate to CNY"), max_digits=18, decimal_places=8, null=True, blank=True
    )
    method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    duplicate_reference = models.BooleanField(_("bank reference seen before"), default=False)
    value_cny = AmountField(_("value (yuan)"), default=Decimal("0"))
    designated_use = models.CharField(_("designated use"), max_length=200, blank=True)
    to_fund = models.BooleanField(_("designated to the charity fund"), default=False)
    show_name = models.BooleanField(_("name may be shown publicly"), default=False)
    show_amount = models.BooleanField(_("amount may be shown publicly"), default=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["bank_reference"], name="donation_bank_ref")]
        constraints = [
            models.CheckConstraint(condition=Q(value_cny__gte=0), name="donation_value_positive"),
            models.CheckConstraint(
                condition=Q(kind="goods") | Q(amount__gt=0), name="donation_money_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor} {self.received_on:%Y-%m-%d}"

    @property
    def valid_receipt(self) -> Receipt | None:
        return self.receipts.filter(status=Receipt.Status.VALID).first()


class DonationLine(ScopedMixin, models.Model):
    """One line of a goods donation: an item and quantity received into stock as one lot
    (`relief.stock_receive`), valued in yuan; the lot is what the trace follows."""

    unit_path_lookup = "donation__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "relief.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "relief.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    value_cny = AmountField(_("value (yuan)"))
    lot = models.OneToOneField(
        "relief.Lot",
        verbose_name=_("stock lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("goods line")
        verbose_name_plural = _("goods lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="donation_line_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class ReceiptCounter(ScopedMixin, models.Model):
    """The last receipt number used by a unit in a year, locked while a number is taken, so
    numbers run without gaps (a rolled-back issue gives its number back with its row)."""

    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="receipt_counter_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Receipt(ScopedMixin, models.Model):
    """A donation receipt (公益事业捐赠票据). Never edited: voided and reissued with a reason."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        VOID = "void", _("Voided")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    donation = models.ForeignKey(
        Donation, verbose_name=_("donation"), on_delete=models.PROTECT, related_name="receipts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=5, choices=Status.choices, default="valid")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    thank_you = models.TextField(_("thank-you letter"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="receipt_number_once"),
            models.UniqueConstraint(
                fields=["donation"],
                condition=Q(status="valid"),
                name="receipt_one_valid_per_donation",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.year}-{self.number:06d}"


class Pledge(ScopedMixin, models.Model):
    """A promise to give, paid in instalments."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    donor = models.ForeignKey(
        Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="pledges"
    )
    drive = models.ForeignKey(
        Drive,
        verbose_name=_("donation drive"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
    )
    amount = AmountField(_("pledged amount"))
    currency = CurrencyField(_("currency"))
    money = MoneyProperty("amount", "currency")
    pledged_on = models.DateField(_("pledged on"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-pledged_on", "-id"]

    def __str__(self) -> str:
        return f"{self.donor} {self.money}"


class Instalment(ScopedMixin, models.Model):
    """One due payment of a pledge; `donation` is the gift that paid it."""

    unit_path_lookup = "pledge__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("due on"))
    amount = AmountField(_("amount"))
    donation = models.OneToOneField(
        Donation,
        verbose_name=_("paid by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instalment",
    )
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.pledge} {self.due_on:%Y-%m-%d}"


class Fund(ScopedMixin, models.Model):
    """A charity fund (侨爱心慈善基金) held by a unit, with its approval threshold."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("fund name"), max_length=200)
    dual_approval_over = AmountField(
        _("grants above this amount need two approvers (yuan)"), default=Decimal("50000")
    )
    rules = models.TextField(_("rules"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("charity fund")
        verbose_name_plural = _("charity funds")

    def __str__(self) -> str:
        return self.name


class Grant(ScopedMixin, models.Model):
    """An application for a grant from the fund, and its decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved and paid")
        REJECTED = "rejected", _("Rejected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    fund = models.ForeignKey(
        Fund, verbose_name=_("charity fund"), on_delete=models.PROTECT, related_name="grants"
    )
    applicant = models.CharField(_("applicant"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=300)
    amount_cny = AmountField(_("amount (yuan)"))
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="pending")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cny__gt=0), name="grant_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.applicant}: {self.purpose}"

    @property
    def approvals_needed(self) -> int:
        return 2 if self.amount_cny > self.fund.dual_approval_over else 1


class GrantApproval(models.Model):
    """One approver's yes to a grant (a grant above the threshold needs two distinct ones)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grant", "approver"], name="grant_approver_once")
        ]

    def __str__(self) -> str:
        return f"{self.grant_id}: {self.approver_id}"


class FundEntryKind(models.TextChoices):
    DONATION = "donation", _("Designated donation")
    INTEREST = "interest", _("Interest")
    GRANT = "grant", _("Grant paid")


class FundEntry(MoneyLedgerEntry):
    """The fund's ledger: income (+) and grants (−), in yuan, append-only."""

    ledger_keys = ("fund_id",)

    fund = models.ForeignKey(
        Fund, verbose_name=_("charity fund"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind of entry"), max_length=8, choices=FundEntryKind.choices)
    booked_on = models.DateField(_("booked on"))
    donation = models.ForeignKey(
        Donation,
        verbose_name=_("donation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    grant = models.ForeignKey(
        Grant,
        verbose_name=_("grant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(MoneyLedgerEntry.Meta):
        verbose_name = _("fund ledger entry")
        verbose_name_plural = _("fund ledger entries")
