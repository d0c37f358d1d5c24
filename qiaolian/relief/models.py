"""Supplies (物资支持): the item catalogue, warehouses, the stock ledger with its lots, needs
reported by overseas associations, allocations, shipments, acknowledgements and thanks.

Stock is an append-only ledger (`StockEntry`, core/ledger.py). Every entry names its lot, so a
donated batch can be followed to the associations it reached (`selectors.lot_trace`). The
cached `StockBalance` per (warehouse, item) is what concurrent dispatches lock; the database
refuses a negative balance, and `verify_balances` proves it equals its ledger.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qiaolian.core.files import private_storage
from qiaolian.core.ledger import QuantityLedgerEntry
from qiaolian.core.money import UnitOfMeasureField, unit_label
from qiaolian.core.scoping import ScopedManager, ScopedMixin


class Item(ScopedMixin, models.Model):
    """An item of the federation-wide catalogue (owned by a root unit, shared down)."""

    class Category(models.TextChoices):
        PROTECTION = "protection", _("Protective equipment")
        TESTING = "testing", _("Test kits")
        MEDICINE = "medicine", _("Medicines")
        DEVICE = "device", _("Medical devices")
        FOOD = "food", _("Food")
        OTHER = "other", _("Other supplies")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.PROTECTION
    )
    uom = UnitOfMeasureField()
    pack_size = models.PositiveIntegerField(
        _("pack size"), default=1, validators=[MinValueValidator(1)]
    )
    value_cny = models.DecimalField(
        _("value per unit (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="relief_item_unique_name")
        ]

    def __str__(self) -> str:
        if (get_language() or "zh").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def uom_label(self) -> str:
        return unit_label(self.uom)


class Warehouse(ScopedMixin, models.Model):
    """A store of goods owned by a unit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="relief_warehouse_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Lot(ScopedMixin, models.Model):
    """One received batch of one item: where it came from (a donation, a purchase, a count)."""

    class Origin(models.TextChoices):
        DONATION = "donation", _("Donation")
        PURCHASE = "purchase", _("Purchase")
        TRANSFER = "transfer", _("Transfer")
        ADJUSTMENT = "adjustment", _("Adjustment")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="lots"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="lots"
    )
    quantity_received = models.PositiveIntegerField(_("quantity received"))
    received_on = models.DateField(_("received on"))
    origin_kind = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    origin_label = models.CharField(_("origin details"), max_length=200, blank=True)
    origin_url = models.CharField(_("origin link"), max_length=300, blank=True)
    value_cny = models.DecimalField(
        _("value (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return self.origin_label or f"{self.item} {self.received_on:%Y-%m-%d}"


class Shipment(ScopedMixin, models.Model):
    """Goods sent from a warehouse to an overseas association."""

    class Status(models.TextChoices):
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    SENT = (Status.SHIPPED, Status.DELIVERED, Status.ACKNOWLEDGED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("shipment number"), max_length=20, unique=True)
    association = models.ForeignKey(
        "people.Association",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="relief_shipments",
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="shipments"
    )
    allocation = models.ForeignKey(
        "relief.Allocation",
        verbose_name=_("allocation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PACKED
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    # Where the goods went: the association's city unless its need named another (a branch,
    # a hospital of another city); the "cities reached" figure counts these.
    delivery_city = models.CharField(_("delivery city"), max_length=100, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    declared_value_cny = models.DecimalField(
        _("declared value (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    description_zh = models.CharField(_("contents (Chinese)"), max_length=300, blank=True)
    description_en = models.CharField(_("contents (English)"), max_length=300, blank=True)
    packed_on = models.DateField(_("packed on"), default=timezone.localdate)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=100, blank=True)
    acknowledgement_note = models.TextField(_("thank-you note"), blank=True)
    acknowledgement_photo = models.FileField(
        _("photo"), upload_to="relief/acknowledgements/%Y/", blank=True, storage=private_storage
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-packed_on", "-id"]

    def __str__(self) -> str:
        return self.number


class StockEntry(QuantityLedgerEntry):
    """One movement of stock (in +, out −) of one item in one warehouse, naming its lot."""

    ledger_keys = ("warehouse_id", "item_id")

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        DISPATCH = "dispatch", _("Dispatch")
        ADJUSTMENT = "adjustment", _("Adjustment")
        COUNT = "count", _("Stock count")

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(
        Lot,
        verbose_name=_("lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    kind = models.CharField(_("movement"), max_length=12, choices=Kind.choices)
    shipment = models.ForeignKey(
        Shipment,
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_entries",
    )

    class Meta(QuantityLedgerEntry.Meta):
        verbose_name = _("stock entry")
        verbose_name_plural = _("stock ledger")
        indexes = [models.Index(fields=["warehouse", "item", "lot"], name="relief_entry_lot")]


class StockBalance(ScopedMixin, models.Model):
    """The cached balance of one item in one warehouse: the row a dispatch locks."""

    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="balances"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.IntegerField(_("in stock"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "item"], name="relief_balance_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="relief_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse} {self.item} {self.quantity}"


class Need(ScopedMixin, models.Model):
    """What an overseas association needs (精准排摸): reported, confirmed or adjusted by staff,
    allocated, fulfilled."""

    class Urgency(models.IntegerChoices):
        CRITICAL = 1, _("Critical")
        HIGH = 2, _("High")
        NORMAL = 3, _("Normal")
        LOW = 4, _("Low")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        CONFIRMED = "confirmed", _("Confirmed")
        ADJUSTED = "adjusted", _("Adjusted")
        ALLOCATED = "allocated", _("Allocated")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.CONFIRMED, Status.ADJUSTED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    association = models.ForeignKey(
        "people.Association",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="relief_needs",
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    quantity_reported = models.PositiveIntegerField(_("quantity reported"))
    quantity = models.PositiveIntegerField(_("quantity confirmed"))
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300)
    delivery_city = models.CharField(
        _("delivery city"),
        max_length=100,
        blank=True,
        help_text=_("Leave empty when it is the association's own city."),
    )
    contact = models.CharField(_("contact"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REPORTED
    )
    adjust_reason = models.CharField(_("reason for the adjustment"), max_length=300, blank=True)
    reported_by_link = models.BooleanField(
        _("reported through the association's link"), default=False
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["urgency", "reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.association} · {self.item} × {self.quantity}"


class Allocation(ScopedMixin, models.Model):
    """A proposal of what to send to whom from one warehouse; approved by someone else."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("allocation number"), max_length=20, unique=True)
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class AllocationLine(ScopedMixin, models.Model):
    """So many of a need's item allocated to it."""

    unit_path_lookup = "allocation__unit__path"

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="lines")
    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("allocation line")
        ordering = ["need__urgency", "id"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "need"], name="relief_alloc_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.quantity}"


class ShipmentLine(ScopedMixin, models.Model):
    """An item and quantity in a shipment; what the association says it received."""

    unit_path_lookup = "shipment__unit__path"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    need = models.ForeignKey(
        Need,
        verbose_name=_("need"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    received_quantity = models.PositiveIntegerField(_("quantity received"), null=True, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    value_cny = models.DecimalField(
        _("value (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("shipment line")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "item"], name="relief_ship_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class Thanks(ScopedMixin, models.Model):
    """A letter or call of thanks from an association, recorded against a shipment."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Letter")
        CALL = "call", _("Call")
        NOTE = "note", _("Note with the acknowledgement")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.PROTECT, related_name="thanks"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    from_name = models.CharField(_("from"), max_length=100, blank=True)
    text = models.TextField(_("content"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("thanks")
        verbose_name_plural = _("thanks")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.shipment} {self.get_kind_display()}"
