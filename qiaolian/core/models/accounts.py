import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from qiaolian.core.crypto import secret_digest
from qiaolian.core.models.units import Unit
from qiaolian.core.scoping import (
    ACTION_LABELS,
    Action,
    Narrowing,
    RestrictedQuerySet,
    ScopedMixin,
    declared_actions,
    holds_in,
)


class UserQuerySet(RestrictedQuerySet):
    pass


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(ScopedMixin, AbstractUser):
    """A person who logs in: staff, volunteer or portal user.

    The home unit owns the account (who may manage it); what the user may see comes from the
    grants (UnitRole), which can lie in several units.
    """

    unit_path_lookup = "home_unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True, null=True, unique=True)
    email = models.EmailField(  # type: ignore[assignment]
        _("email address"), blank=True, null=True, unique=True
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    home_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("home unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    # Changed when the account is deactivated: every session opened before then fails
    # Django's session hash check for good, reactivation included (issue 10, finding 8).
    session_salt = models.CharField(max_length=32, blank=True, editable=False)

    objects = ScopedUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Login matches a username in any letter case, so two names that differ only in
            # case would lock both accounts out of username login (issue 10, finding 2). The
            # username is NFKC-normalised before it is saved (AbstractUser.clean), so full-width
            # letters cannot slip past either.
            models.UniqueConstraint(
                Lower("username"),
                name="core_user_username_ci_unique",
                violation_error_code="username_taken",
                violation_error_message=_("This username is taken."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @classmethod
    def owned_by(cls, user) -> Q:
        return Q(pk=user.pk)

    def _get_session_auth_hash(self, secret=None):
        if not self.session_salt:  # never deactivated: Django's own hash, sessions stay valid
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "qiaolian.core.User.session_auth_hash",
            self.password + self.session_salt,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def grant_rows(self) -> list[tuple[str, list[str], str]]:
        """(unit path, actions, narrowing) of every grant the user holds in an active unit,
        read by `scoping.grants_for`. A superuser holds every action over each root's tree."""
        if self.is_superuser:
            roots = Unit.objects.get_root_nodes().values_list("path", flat=True)
            return [(path, list(Action), Narrowing.SUBTREE) for path in roots]
        rows = UnitRole.objects.filter(user=self, unit__is_active=True).values_list(
            "unit__path", "role__actions", "role__narrowing"
        )
        return list(rows)

    def clean(self):
        super().clean()  # NFKC-normalises the username (full-width ｃｉｔｙ → city)
        # AbstractUser.clean() turns a missing email into "", which would show in the audit
        # log as a change (None → "") on every edit of a user without an email.
        self.email = self.email or None

    def save(self, *args, **kwargs):
        # Every path that saves a user stores the normalised name, even without full_clean().
        self.username = self.normalize_username(self.username)
        # Empty strings would collide on the unique constraints; store NULL instead.
        self.phone = self.phone or None
        self.email = self.email or None
        super().save(*args, **kwargs)


class Role(models.Model):
    """A named set of actions ("people.view", "hotline.change"), granted per unit through
    UnitRole. A bare verb ("view") stands for that verb in every domain."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    actions = models.JSONField(_("actions"), default=list)
    narrowing = models.CharField(
        _("narrowing"), max_length=10, choices=Narrowing.choices, default=Narrowing.SUBTREE
    )
    requires_otp = models.BooleanField(_("requires second factor"), default=False)
    is_builtin = models.BooleanField(default=False, editable=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from qiaolian.core.models.dictionaries import localized

        return localized(self.name, self.name_en)

    @property
    def action_groups(self) -> list[tuple[Any, list[Any]]]:
        """The role's actions as (domain label, [verb labels]), in the registry's domain order;
        bare verbs (every domain) come first under "Every domain". Labels only, no codes."""
        from qiaolian.core.registry import domains

        held = set(self.actions or ())
        groups: list[tuple[Any, list[Any]]] = []
        bare = [ACTION_LABELS[verb] for verb in Action if verb.value in held]
        if bare:
            groups.append((_("Every domain"), bare))
        for domain in domains().values():
            verbs = [
                ACTION_LABELS[verb] for verb in domain.verbs if f"{domain.code}.{verb}" in held
            ]
            if verbs:
                groups.append((domain.label, verbs))
        return groups

    @property
    def action_labels(self) -> list[str]:
        """ "Domain: verb" for each action the role holds (see `action_groups`)."""
        return [f"{domain}: {verb}" for domain, verbs in self.action_groups for verb in verbs]

    def grants(self, action: str) -> bool:
        """Whether the role holds `action` ("core.admin"), itself or through a bare verb."""
        return holds_in(self.actions, action)

    def clean(self) -> None:
        super().clean()
        unknown = sorted(set(self.actions or ()) - set(known_role_actions()))
        if unknown:
            raise ValidationError(
                {
                    "actions": _("Unknown actions: %(actions)s")
                    % {"actions": ", ".join(map(str, unknown))}
                }
            )


def known_role_actions() -> list[str]:
    """What a role may hold: every declared action, and the bare verbs (every domain)."""
    declared = [f"{code}.{v.value}" for code, verbs in declared_actions().items() for v in verbs]
    return [*declared, *(verb.value for verb in Action)]


class UnitRole(ScopedMixin, models.Model):
    """A grant: `user` holds `role` over `unit` and its whole subtree."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="unit_roles")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="unit_roles")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="unit_roles")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unitrole_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.unit}"


class ApiToken(ScopedMixin, models.Model):
    """A bearer token for the API. Only a SHA-256 hash of the secret is stored."""

    unit_path_lookup = "user__home_unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def owned_by(cls, user) -> Q:
        return Q(user=user)

    @staticmethod
    def hash_key(key: str) -> str:
        return secret_digest(key)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
