"""Liaison groups (群), their members and the staff and volunteers embedded in them.

The reference text's grid (各级侨联组织 → 侨领 → 会员 → 侨胞) is a set of chat groups owned by
federation units. A group links to the overseas association it serves; memberships say who is
in it (群主, 侨领, members); stewards are the cadres, doctors, lawyers and interpreters the
federation embeds in it (驻群). A volunteer or liaison officer sees only the groups they steward.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core.scoping import RestrictedQuerySet, ScopedMixin

ScopedManager = models.Manager.from_queryset(RestrictedQuerySet)


class Platform(models.TextChoices):
    """Same values as the `group_platform` dictionary."""

    WECHAT = "wechat", _("WeChat")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LINE = "line", _("Line")
    TELEGRAM = "telegram", _("Telegram")
    DINGTALK = "dingtalk", _("DingTalk")
    OTHER = "other", _("Other")


def active_on(day: date | None = None, *, prefix: str = "") -> Q:
    """Stewardships still running on `day` (an `until` of today means it ended today)."""
    day = day or timezone.localdate()
    return Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": day})


def _stewarded_group_ids(user: Any):
    return Steward.objects.filter(active_on(), user=user).values("group_id")


class Group(ScopedMixin, models.Model):
    """A chat group (WeChat, WhatsApp …) run or followed by a unit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="liaison_groups",
    )
    platform = models.CharField(
        _("platform"), max_length=10, choices=Platform.choices, default=Platform.WECHAT
    )
    name = models.CharField(_("group name"), max_length=150)
    association = models.ForeignKey(
        "people.Association",
        verbose_name=_("linked association"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_groups",
    )
    created_on = models.DateField(_("created on"), null=True, blank=True)
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("liaison group")
        verbose_name_plural = _("liaison groups")
        indexes = [models.Index(fields=["unit", "name"], name="group_unit_name")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        # The groups the user is embedded in as a steward (a subquery: no duplicate rows).
        return Q(pk__in=_stewarded_group_ids(user))


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Group owner (群主)")
    LEADER = "leader", _("Community leader (侨领)")
    MEMBER = "member", _("Member")


class Membership(ScopedMixin, models.Model):
    """A person in a group, with their role; leaving keeps the row (left_on)."""

    unit_path_lookup = "group__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("group membership")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=Q(left_on__isnull=True),
                name="membership_one_active",
            )
        ]
        indexes = [models.Index(fields=["person", "left_on"], name="membership_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.group}"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(group_id__in=_stewarded_group_ids(user))

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class StewardRole(models.TextChoices):
    CADRE = "cadre", _("Cadre")
    DOCTOR = "doctor", _("Doctor")
    LAWYER = "lawyer", _("Lawyer")
    INTERPRETER = "interpreter", _("Interpreter")
    OTHER = "other", _("Other")


class Steward(ScopedMixin, models.Model):
    """A staff member or volunteer embedded in a group (驻群): a user account, or a person of
    the register who has no account (e.g. a lawyer abroad)."""

    unit_path_lookup = "group__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="stewards")
    user = models.ForeignKey(
        "core.User",
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stewardships",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stewardships",
    )
    role = models.CharField(_("role"), max_length=12, choices=StewardRole.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("steward")
        verbose_name_plural = _("stewards")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(person__isnull=True))
                | (Q(user__isnull=True) & Q(person__isnull=False)),
                name="steward_user_or_person",
            )
        ]
        indexes = [models.Index(fields=["group", "role"], name="steward_group_role")]

    def __str__(self) -> str:
        return f"{self.holder} · {self.get_role_display()}"

    @property
    def holder(self) -> Any:
        return self.user or self.person

    @property
    def is_active(self) -> bool:
        return self.until is None or self.until > timezone.localdate()

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(group_id__in=_stewarded_group_ids(user))
