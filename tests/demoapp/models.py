import uuid

from django.db import models

from qiaolian.core.scoping import ScopedManager, ScopedMixin


class Widget(ScopedMixin, models.Model):
    """A record owned by a unit, as every app's records are."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    owner = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField()

    objects = ScopedManager()

    def __str__(self) -> str:
        return self.name
