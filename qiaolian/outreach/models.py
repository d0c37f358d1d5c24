"""Outreach: audiences, letters sent over channels with one delivery row per recipient and
channel, family-call campaigns and care kits. Every record belongs to a unit."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core.scoping import ScopedManager, ScopedMixin
from qiaolian.core.versioning import VersionedModel


class Audience(ScopedMixin, models.Model):
    """A saved segment of the register (criteria, counted live) or a static list of people."""

    class Kind(models.TextChoices):
        SEGMENT = "segment", _("Saved segment")
        STATIC = "static", _("Static list")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT)
    name = models.CharField(_("audience name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SEGMENT)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    people = models.ManyToManyField("people.Person", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class GroupRobot(ScopedMixin, models.Model):
    """The WeChat Work group robot of a liaison group (its webhook URL). Kept here rather than
    on network.Group, which has no webhook field."""

    unit_path_lookup = "group__unit__path"

    group = models.OneToOneField(
        "network.Group",
        verbose_name=_("liaison group"),
        on_delete=models.CASCADE,
        related_name="robot",
    )
    webhook_url = models.URLField(_("robot webhook URL"), max_length=400)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("group robot")

    def __str__(self) -> str:
        return str(self.group)


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    H5 = "h5", _("Web page (H5)")
    ROBOT = "robot", _("Group robot")
    PAPER = "paper", _("Printed letter")


class Letter(ScopedMixin, VersionedModel):
    """A letter (慰问信, 家书 …) in Chinese and English, sent to an audience over channels."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("delivery", "Sent")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT)
    kind = models.CharField(_("letter kind"), max_length=60)
    audience = models.ForeignKey(
        Audience,
        verbose_name=_("audience"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=200)
    body_zh = models.TextField(_("body (Chinese)"))
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    channels = models.JSONField(_("channels"), default=list)
    to_groups = models.BooleanField(_("post to the liaison groups' robots"), default=False)
    # People of the audience left out of a channel for want of an address: {"email": 3}.
    skipped = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(_("send from"), null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The subject in the reader's language (the English one on an English page, when the
        letter has one), its merge fields shown as 〔姓名〕 / [name], not as template code."""
        import re

        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.subject_en:
            return re.sub(r"\{\{\s*([^{}]+?)\s*\}\}", r"[\1]", self.subject_en)
        return re.sub(r"\{\{\s*([^{}]+?)\s*\}\}", r"〔\1〕", self.subject_zh)


class Delivery(ScopedMixin, models.Model):
    """One letter to one recipient (a person, or a group's robot) over one channel."""

    unit_path_lookup = "letter__unit__path"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", pgettext_lazy("delivery", "Sent")
        FAILED = "failed", _("Failed")
        OPENED = "opened", pgettext_lazy("delivery", "Opened")
        CANCELLED = "cancelled", _("Cancelled")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "network.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=400, blank=True)
    language = models.CharField(max_length=8, default="zh-hans")
    time_zone = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["letter", "status"], name="delivery_letter_status")]

    def __str__(self) -> str:
        return f"{self.letter_id}:{self.channel}:{self.person_id or self.group_id}"


class CallCampaign(ScopedMixin, models.Model):
    """A family-call campaign (打一个亲情电话) over an audience, split among callers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT)
    name = models.CharField(_("campaign name"), max_length=150)
    audience = models.ForeignKey(
        Audience, verbose_name=_("audience"), on_delete=models.PROTECT, related_name="campaigns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("call campaign")
        verbose_name_plural = _("call campaigns")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class CallTask(ScopedMixin, models.Model):
    """One person to call in a campaign, given to one caller."""

    unit_path_lookup = "campaign__unit__path"

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not called yet")
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong", _("Wrong number")
        CALL_BACK = "call_back", _("Call back later")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(CallCampaign, on_delete=models.CASCADE, related_name="tasks")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caller"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    call_back_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    needs = models.TextField(_("needs raised"), blank=True)
    case = models.ForeignKey(
        "hotline.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("call task")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="calltask_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.person}"

    @classmethod
    def assigned_to(cls, user):
        return models.Q(caller=user)


class CareKit(ScopedMixin, models.Model):
    """A care kit (爱心包): its items and quantities, and how many are in stock."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT)
    name = models.CharField(_("kit name"), max_length=150)
    stock = models.PositiveIntegerField(_("kits in stock"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("care kit")
        verbose_name_plural = _("care kits")

    def __str__(self) -> str:
        return self.name


class CareKitItem(ScopedMixin, models.Model):
    """One item of a kit and how many of it a kit holds (一张温馨卡 …)."""

    unit_path_lookup = "kit__unit__path"

    kit = models.ForeignKey(CareKit, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("kit item")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class KitDistribution(ScopedMixin, models.Model):
    """Kits given to a person (or their family)."""

    unit_path_lookup = "kit__unit__path"

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        POST = "post", _("By post")
        ASSOCIATION = "association", _("Through an association")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kit = models.ForeignKey(CareKit, on_delete=models.PROTECT, related_name="distributions")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    given_on = models.DateField(_("date"))
    method = models.CharField(_("how"), max_length=12, choices=Method.choices)
    delivered_by = models.CharField(_("delivered by"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("kit distribution")

    def __str__(self) -> str:
        return f"{self.kit} → {self.person}"
