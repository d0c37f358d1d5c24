"""In-app notifications: what the bell in the header counts (core.services.notification_send)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user) -> "NotificationQuerySet":
        """A user's own notifications: the only way they are read (nobody sees another's)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user: a case given to them, a deadline near, a mention, an import
    done. `kind` names a `NotificationKind` an app declares (core/registry.py), whose text is
    filled from `params` in the reader's language. `url` opens the record; the page it opens
    checks scoping again, so a notification never opens more than the user may see.

    Not scoped by unit: it belongs to its recipient (`for_recipient`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def text(self) -> str:
        """The message in the active language (an unknown kind shows its params plainly)."""
        from qiaolian.core import registry

        kind = registry.notification_kinds().get(self.kind)
        if kind is None:
            return gettext("Notification")
        try:
            return kind.render(self.params)
        except (KeyError, TypeError, ValueError):
            return str(kind.label)

    @property
    def label(self) -> str:
        from qiaolian.core import registry

        kind = registry.notification_kinds().get(self.kind)
        return str(kind.label) if kind else gettext("Notification")
