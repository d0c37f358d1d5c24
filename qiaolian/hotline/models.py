"""The 24-hour hotline and expert services (甬爱相随): cases, their timeline, calls, callbacks,
SLA policies and calendars, volunteers and their duty shifts, proxy tomb-sweeping orders, the
answer knowledge base and satisfaction surveys.

Every unit-owned model uses the scoped manager. A volunteer (role narrowed to ASSIGNED) sees
only the cases assigned to them, and what hangs off those cases.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core.crypto import EncryptedTextField, mask
from qiaolian.core.files import private_storage
from qiaolian.core.scoping import RestrictedQuerySet, ScopedMixin
from qiaolian.core.versioning import VersionedModel

ScopedManager = models.Manager.from_queryset(RestrictedQuerySet)


class RollupKeeper(Protocol):
    """What keeps the statistics' rollup in step with every write of a case, a call or a survey,
    in the same transaction (hotline/services/rollup.py). The rollup reads these models, so it
    sits above them and plugs itself in when the app is ready (`HotlineConfig.ready`)."""

    def case_inserted(self, case: Any) -> None: ...

    def call_changed(
        self, before: tuple[int, datetime] | None, after: tuple[int, datetime] | None
    ) -> None: ...

    def tracked(self, case_id: int | None) -> AbstractContextManager[None]: ...


_rollup_keeper: RollupKeeper | None = None


def keep_rollup_with(keeper: RollupKeeper) -> None:
    global _rollup_keeper
    _rollup_keeper = keeper


def _rollup() -> RollupKeeper:
    if _rollup_keeper is None:
        raise ImproperlyConfigured("the hotline's rollup is not plugged in (HotlineConfig.ready)")
    return _rollup_keeper


class Channel(models.TextChoices):
    CALL = "call", _("Hotline call")
    WECHAT = "wechat", _("WeChat")
    PORTAL = "portal", _("Portal")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for requester")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING)

# Categories whose notes are medical or legal, hence confidential to the assignee and admins.
CONFIDENTIAL_CATEGORIES = ("medicine", "psychology", "legal")


def month_key(moment: Any) -> int:
    """The local calendar month of a datetime as an integer: 2026-04-05 10:00 → 202604."""
    if moment is None:
        return 0
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.year * 100 + moment.month


class Case(ScopedMixin, VersionedModel):
    """A request for help (工单), owned by a unit, with a readable number like RX-2026-000123.

    `version` is bumped by every write (optimistic locking: a save carrying an older version
    is refused with the changes made since). The SLA clock fields are maintained by
    `hotline.services.sla`: `paused_since` is set while waiting for the requester and the
    paused time is added to `paused_seconds` (and pushes the due times) on resume.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("case number"), max_length=20, unique=True)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.CALL
    )
    requester = models.ForeignKey(
        "people.Person",
        verbose_name=_("requester"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    # A quick contact captured during a call, linked to a registered person later.
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_phone_e164 = models.CharField(max_length=20, blank=True, db_index=True)
    requester_time_zone = models.CharField(_("requester's time zone"), max_length=64, blank=True)
    category = models.CharField(_("category"), max_length=40, db_index=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="new")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("watchers"), blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    # yyyymm of `opened_at` in local time (202604), set by save(): the statistics group by
    # it instead of truncating every row's timestamp (hotline.selectors.stats).
    opened_month = models.PositiveIntegerField(default=0, editable=False)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # SLA clock (see hotline.services.sla)
    sla_policy = models.ForeignKey(
        "hotline.SlaPolicy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("seconds paused"), default=0)
    first_response_breached = models.BooleanField(_("first response overdue"), default=False)
    resolution_breached = models.BooleanField(_("resolution overdue"), default=False)
    # "breaching soon" notice sent
    warned_at = models.DateTimeField(_("deadline warning sent at"), null=True, blank=True)
    breach_notified_at = models.DateTimeField(_("overdue notice sent at"), null=True, blank=True)
    # Whether a call is linked to the case (kept by Call.save): the figures count a case
    # opened without a call as a contact of its own, and must not look up calls row by row.
    has_call = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["unit", "status", "opened_at"], name="case_unit_status"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status"),
            models.Index(fields=["status", "resolution_due"], name="case_status_due"),
            # The figures read a period's cases from this index alone (hotline/selectors/stats).
            models.Index(
                fields=[
                    "opened_at",
                    "unit",
                    "opened_month",
                    "category",
                    "channel",
                    "status",
                    "first_response_breached",
                    "resolution_breached",
                    "has_call",
                    "first_response_at",
                ],
                name="case_figures",
            ),
            # The queue tabs count open cases by unit, category and assignee: index-only.
            models.Index(
                fields=["unit", "status", "category", "assignee"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_open_queue",
            ),
            models.Index(
                fields=["first_response_due"],
                condition=Q(first_response_at__isnull=True),
                name="case_first_response_due",
            ),
            models.Index(fields=["resolved_at", "unit", "category"], name="case_resolved"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        rollup = _rollup()
        self.opened_month = month_key(self.opened_at)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "opened_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "opened_month"}
        # The figures' rollup follows every change of the case, in the same transaction.
        if self._state.adding:
            with transaction.atomic(savepoint=False):
                super().save(*args, **kwargs)
                rollup.case_inserted(self)
        else:
            with rollup.tracked(self.pk):
                super().save(*args, **kwargs)

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(assignee=user)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_confidential(self) -> bool:
        return self.category in CONFIDENTIAL_CATEGORIES

    @property
    def requester_label(self) -> str:
        return str(self.requester) if self.requester_id else self.contact_name


class EventKind(models.TextChoices):
    CREATED = "created", _("Opened")
    STATUS = "status", _("Status changed")
    COMMENT = "comment", _("Comment")
    REPLY = "reply", _("Reply to requester")
    ASSIGN = "assign", _("Assigned")
    TRANSFER = "transfer", _("Transferred")
    CALL = "call", _("Call")
    EDIT = "edit", _("Edited")
    SLA = "sla", _("SLA")
    CALLBACK = "callback", _("Callback")
    ATTACHMENT = "attachment", _("Attachment")
    NOTE = "note", _("Confidential note")
    SURVEY = "survey", _("Satisfaction")


def _status_label(code: str | None) -> str:
    if not code:
        return "—"
    try:
        return str(Status(code).label)
    except ValueError:
        return str(code)


class CaseEvent(ScopedMixin, models.Model):
    """One line of a case's timeline: who did what, when. Append-only by convention."""

    unit_path_lookup = "case__unit__path"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    internal = models.BooleanField(default=True)  # False: visible to the requester
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("case event")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def status_from(self) -> str:
        """The status a status change left, in words (the row stores the code)."""
        return _status_label(self.data.get("from"))

    @property
    def status_to(self) -> str:
        return _status_label(self.data.get("to"))

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(case__assignee=user)


class ConfidentialNote(ScopedMixin, models.Model):
    """A medical or legal note on a case: encrypted, readable by the assignee and the admins of
    the case's unit only; every read writes an audit event."""

    unit_path_lookup = "case__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="confidential_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("confidential note")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} note {self.pk}"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(case__assignee=user)


class Attachment(ScopedMixin, models.Model):
    unit_path_lookup = "case__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="cases/%Y/%m/", storage=private_storage)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("attachment")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(case__assignee=user)


class CallDirection(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    MISSED = "missed", _("Missed")
    VOICEMAIL = "voicemail", _("Voicemail")
    CALLBACK = "callback", _("Callback requested")
    WRONG_NUMBER = "wrong", _("Wrong number")


class Call(ScopedMixin, VersionedModel):
    """An inbound or outbound hotline call; the number is kept as typed and normalised."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="calls"
    )
    direction = models.CharField(
        _("direction"), max_length=3, choices=CallDirection.choices, default="in"
    )
    number = models.CharField(_("number as typed"), max_length=40, blank=True)
    number_e164 = models.CharField(max_length=20, blank=True, db_index=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("caller"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=CallOutcome.choices, default="answered"
    )
    notes = models.TextField(_("notes"), blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [models.Index(fields=["unit", "started_at"], name="call_unit_started")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.number} {self.started_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        rollup = _rollup()
        update_fields = kwargs.get("update_fields")
        counted = update_fields is None or {"unit", "started_at"} & set(update_fields)
        with transaction.atomic(savepoint=False):
            before = None
            if counted and not self._state.adding:
                before = (
                    Call.objects.filter(pk=self.pk).values_list("unit_id", "started_at").first()
                )
            super().save(*args, **kwargs)
            if counted:
                rollup.call_changed(before, (self.unit_id, self.started_at))
            if self.case_id and Case.objects.filter(pk=self.case_id, has_call=False).exists():
                with rollup.tracked(self.case_id):
                    Case.objects.filter(pk=self.case_id, has_call=False).update(has_call=True)

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(case__assignee=user) | Q(taken_by=user)


class Callback(ScopedMixin, models.Model):
    """A call back to the requester, scheduled inside their local daytime (09:00–21:00 by
    default) unless a reason for an override is given."""

    unit_path_lookup = "case__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="callbacks")
    scheduled_for = models.DateTimeField(_("scheduled for"))
    time_zone = models.CharField(_("requester's time zone"), max_length=64)
    override_reason = models.CharField(
        _("reason for calling outside daytime"), max_length=200, blank=True
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("callback")
        ordering = ["scheduled_for"]

    def __str__(self) -> str:
        return f"{self.case_id} callback {self.scheduled_for:%Y-%m-%d %H:%M}"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(case__assignee=user)


class CalendarKind(models.TextChoices):
    ALWAYS = "24x7", _("24 × 7")
    BUSINESS = "business", _("Business hours with mainland China holidays")


class SlaCalendar(models.Model):
    """When the SLA clock runs: always (the hotline), or business hours that skip mainland
    China's public holidays and count make-up working days (调休)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarKind.choices)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    day_start = models.TimeField(_("working day starts"), null=True, blank=True)
    day_end = models.TimeField(_("working day ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA calendar")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets for a category and priority (blank = any); the most specific policy applies."""

    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=40, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    calendar = models.ForeignKey(SlaCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT)
    first_response_minutes = models.PositiveIntegerField(_("first response within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolve within (minutes)"))
    warn_before_minutes = models.PositiveIntegerField(_("warn before breach (minutes)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "priority"],
                condition=Q(is_active=True),
                name="slapolicy_one_active",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Profession(models.TextChoices):
    DOCTOR = "doctor", _("Doctor")
    LAWYER = "lawyer", _("Lawyer")
    CADRE = "cadre", _("Cadre")
    INTERPRETER = "interpreter", _("Interpreter")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    OTHER = "other", _("Other")


# Which profession a case category calls for when routing.
CATEGORY_PROFESSION = {
    "medicine": Profession.DOCTOR,
    "epidemic": Profession.DOCTOR,
    "psychology": Profession.PSYCHOLOGIST,
    "legal": Profession.LAWYER,
}


class Volunteer(ScopedMixin, models.Model):
    """A doctor, lawyer, cadre, interpreter or psychologist who answers cases for a unit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="volunteers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.CASCADE,
        related_name="volunteer",
    )
    profession = models.CharField(_("profession"), max_length=12, choices=Profession.choices)
    licence_number = EncryptedTextField(_("licence number"), blank=True)
    specialties = models.CharField(_("specialties"), max_length=200, blank=True)
    languages = models.CharField(
        _("languages"), max_length=150, blank=True, help_text=_("Comma separated: 中文, English")
    )
    time_zone = models.CharField(_("home time zone"), max_length=64, default="Asia/Shanghai")
    groups = models.ManyToManyField(
        "network.Group", verbose_name=_("groups served"), blank=True, related_name="+"
    )
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_profession_display()}"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(user=user)

    @property
    def licence_masked(self) -> str:
        return mask(self.licence_number, 2, 2)


class Shift(ScopedMixin, models.Model):
    """A volunteer's duty shift; together a unit's shifts should cover the whole day."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="shifts"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["unit", "starts_at", "ends_at"], name="shift_window")]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(volunteer__user=user)


class TombKind(models.TextChoices):
    PROXY = "proxy", _("Proxy tomb-sweeping (代为祭扫)")
    CLOUD = "cloud", _("Cloud tomb-sweeping (云祭扫)")


class TombStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TombSweepingOrder(ScopedMixin, VersionedModel):
    """A proxy or cloud tomb-sweeping service for a requester abroad, tied to its case.

    On fulfilment the performer uploads proof (photos or video); the requester sees it through
    a private link (core.PrivateLink: only its token's digest is stored; it expires).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="tomb_order"
    )
    kind = models.CharField(_("service"), max_length=6, choices=TombKind.choices, default="proxy")
    deceased_name = models.CharField(_("deceased"), max_length=100, blank=True)
    cemetery = models.CharField(_("cemetery"), max_length=150)
    grave_location = models.CharField(_("grave location"), max_length=200)
    service_date = models.DateField(_("service date"))
    rites = models.CharField(_("rites requested"), max_length=300, blank=True)
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("performed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TombStatus.choices, default="requested"
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    # The live private link to the proof (core.PrivateLink; None when there is none).
    share_link = models.ForeignKey(
        "core.PrivateLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("tomb-sweeping order")
        verbose_name_plural = _("tomb-sweeping orders")
        indexes = [models.Index(fields=["unit", "service_date"], name="tomb_unit_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.cemetery} {self.service_date}"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(case__assignee=user) | Q(performer=user)

    @property
    def share_token_hash(self) -> str:
        """The digest of the live link's token; "" when there is no link (or it was revoked)."""
        link = self.share_link
        return link.digest if link is not None and link.revoked_at is None else ""

    @property
    def share_expires_at(self) -> Any:
        """When the live link stops working (None without a link)."""
        link = self.share_link
        return link.expires_at if link is not None and link.revoked_at is None else None


class TombProof(ScopedMixin, models.Model):
    unit_path_lookup = "order__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(TombSweepingOrder, on_delete=models.CASCADE, related_name="proofs")
    file = models.FileField(upload_to="tomb/%Y/%m/", storage=private_storage)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("proof of service")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(order__case__assignee=user) | Q(order__performer=user)


class AnswerStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    INTERNAL = "internal", _("Internal")
    PUBLIC = "public", _("Public")


class Answer(ScopedMixin, VersionedModel):
    """A knowledge-base answer (policy FAQ) in Chinese and English."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=40, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AnswerStatus.choices, default="draft"
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_zh = models.TextField(_("answer (Chinese)"))
    body_en = models.TextField(_("answer (English)"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    search_text = models.TextField(blank=True, editable=False)  # filled by services
    source_case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.title_zh

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        # Volunteers read the published and internal answers of their units' subtree.
        return ~Q(status=AnswerStatus.DRAFT)


class Survey(ScopedMixin, models.Model):
    """The satisfaction survey sent after resolution; answered once through a private link."""

    unit_path_lookup = "case__unit__path"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="survey")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("satisfaction survey")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="survey_rating_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} survey"

    def save(self, *args: Any, **kwargs: Any) -> None:
        rollup = _rollup()
        with rollup.tracked(self.case_id):  # an answer counts in the satisfaction figures
            super().save(*args, **kwargs)

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(case__assignee=user)


class CaseCounter(models.Model):
    """The last case number issued per year (RX-2026-000123), bumped under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CaseRollup(ScopedMixin, models.Model):
    """The hotline's figures pre-aggregated per unit, local month, channel and category
    (hotline/services/rollup.py). A unit's row holds its whole subtree: a case counts in the
    row of its unit and of every unit above it. Opening counts (`opened` …) are keyed by the
    month opened, `resolved` by the month resolved, the survey counts by the month answered;
    the calls by the month they started, in rows with a blank channel and category.
    Derived data: `qiaolian hotline-rollup --rebuild` recounts it from the cases."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField()  # yyyymm in the federation's time zone
    channel = models.CharField(max_length=10, blank=True)
    category = models.CharField(max_length=40, blank=True)
    opened = models.IntegerField(default=0)
    opened_without_call = models.IntegerField(default=0)
    still_open = models.IntegerField(default=0)
    breached = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    calls = models.IntegerField(default=0)
    survey_responses = models.IntegerField(default=0)
    survey_rating_sum = models.IntegerField(default=0)
    survey_satisfied = models.IntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("hotline figures by month")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "channel", "category"], name="caserollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.channel}/{self.category}"


class CaseResponseRollup(ScopedMixin, models.Model):
    """How many cases opened in a local month (in a unit's subtree, like `CaseRollup`) had
    their first response after so many whole minutes: the histogram the median is read from."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField()
    minutes = models.IntegerField()
    cases = models.IntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("hotline first responses by month")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "minutes"], name="caseresponse_key")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.minutes}′ × {self.cases}"
