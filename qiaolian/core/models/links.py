"""Private links: a token that opens one record without a login (see PrivateLink)."""

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core.models.units import Unit
from qiaolian.core.scoping import ScopedManager, ScopedMixin


class PrivateLink(ScopedMixin, models.Model):
    """A link that opens one record to whoever holds it, without a login (the proof of a
    tomb-sweeping for the requester abroad, a satisfaction survey). Only the digest of its
    token is stored (`core.crypto.secret_digest`), so the link is shown once, when made. It
    expires, can be revoked, and counts its uses; `core/private_links.py` makes and resolves it.
    Staff read links through `restrict()` by the unit of the record they open."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("uses"), default=0)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("private link")
        verbose_name_plural = _("private links")
        indexes = [models.Index(fields=["target_type", "target_id", "purpose"])]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.target_type_id}:{self.target_id}"

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
