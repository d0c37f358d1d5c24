"""Concrete models on core's abstract kits, for their tests only."""

from django.db import models

from qiaolian.core.ledger import MoneyLedgerEntry, QuantityLedgerEntry
from qiaolian.core.scoping import ScopedManager, ScopedMixin


class SampleStockEntry(QuantityLedgerEntry):
    """A stock movement of an item in a unit's store (in +, out −)."""

    ledger_keys = ("unit_id", "item")

    item = models.CharField(max_length=20)


class SampleStockBalance(ScopedMixin, models.Model):
    """The cached balance of an item in a unit's store (what `verify_balances` checks)."""

    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=20)
    quantity = models.IntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "item"], name="samplestockbalance_key")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.quantity}"


class SampleFundEntry(MoneyLedgerEntry):
    """Income (+) and grants (−) of a fund, per currency."""

    ledger_keys = ("currency",)


class SampleVisit(ScopedMixin, models.Model):
    """A source of figures: a visit of `people` persons, of a kind, at a moment; booked for a
    day."""

    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    happened_at = models.DateTimeField(null=True, blank=True)
    booked_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=10)
    people = models.IntegerField(default=1)

    objects = ScopedManager()

    def __str__(self) -> str:
        return f"{self.kind} {self.happened_at}"


class SampleVisitRollup(ScopedMixin, models.Model):
    """Visits and people per unit subtree, local month of `happened_at`, and kind."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, blank=True)
    visits = models.IntegerField(default=0)
    people = models.IntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "kind"], name="samplevisitrollup_key")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.kind}"


class SampleBookingRollup(ScopedMixin, models.Model):
    """Bookings per unit subtree and month of `booked_on` (a date, not a moment)."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField()
    bookings = models.IntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="samplebookingrollup_key")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month}"
