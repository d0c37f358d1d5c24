from django.db import models
from django.utils.translation import gettext_lazy as _

from qiaolian.core.scoping import Action, RestrictedQuerySet, ScopedMixin, grant_roots


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(RestrictedQuerySet):
    """Audit rows are never updated or deleted by the application."""

    def restrict(self, user, action=Action.AUDIT):
        from qiaolian.core.models.units import Unit

        scoped = super().restrict(user, action)
        # Rows with no unit (e.g. failed logins for unknown usernames) belong to the root:
        # only a whole-subtree grant there reads them, not one narrowed to assigned/own rows.
        root_length = Unit.steplen
        roots = grant_roots(user, self.qualified(action), subtree_only=True)
        if any(len(path) == root_length for path in roots):
            scoped = scoped | self.filter(unit__isnull=True)
        return scoped

    def update(self, **kwargs):
        raise AppendOnlyError("audit rows are append-only")

    def delete(self):
        raise AppendOnlyError("audit rows are append-only")


class AppendOnlyModel(ScopedMixin, models.Model):
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = models.Manager.from_queryset(AuditQuerySet)()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit rows are append-only")


class AuditEvent(AppendOnlyModel):
    """One operation (操作日志): who did what to which record, from where, and what changed."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    actor = models.ForeignKey(
        "core.User",
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("operation"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["unit", "created_at"], name="audit_unit_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class LoginEvent(AppendOnlyModel):
    """One login attempt or session end (登录日志)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Logged in")
        FAILURE = "failure", _("Wrong credentials")
        LOCKED = "locked", _("Locked out")
        LOGOUT = "logout", _("Logged out")
        EXPIRED = "expired", _("Session expired")
        OTP_FAILURE = "otp_failure", _("Wrong second factor")

    user = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(_("login name"), max_length=150, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    reason = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("login event")
        verbose_name_plural = _("login events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.outcome}"
