"""Overseas-invested enterprises (侨资/留资企业), their liaison officers and contact log, the
city's government departments, the enterprises' appeals (诉求) with every step on a timeline,
government–enterprise meetings (政企恳谈会) and resumption surveys (复工复产)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from qiaolian.core.files import private_storage
from qiaolian.core.scoping import ScopedManager, ScopedMixin
from qiaolian.core.versioning import VersionedModel
from qiaolian.enterprises.codes import District, Industry, Size, validate_uscc


def _officer_enterprise_ids(user: Any):
    """The enterprises the user is liaison officer of today (a subquery)."""
    today = timezone.localdate()
    return (
        LiaisonAssignment.objects.filter(officer=user, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("enterprise_id")
    )


class Enterprise(ScopedMixin, VersionedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("enterprise name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, default=Size.SMALL)
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.CharField(_("district"), max_length=6, choices=District.choices)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    returnee_founders = models.CharField(
        _("returnee founders"),
        max_length=200,
        blank=True,
        help_text=_("Founders who studied or worked abroad and came back (留学回国人员)."),
    )
    is_key = models.BooleanField(_("key enterprise"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(pk__in=_officer_enterprise_ids(user))


class Investor(ScopedMixin, models.Model):
    """An overseas investor of an enterprise: a person or an association of the register, or
    only a name, with their country (region)."""

    unit_path_lookup = "enterprise__unit__path"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="investors")
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    association = models.ForeignKey(
        "people.Association",
        verbose_name=_("association"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("investor"), max_length=200)
    country = CountryField(_("country (region)"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("overseas investor")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(enterprise_id__in=_officer_enterprise_ids(user))


class LiaisonAssignment(ScopedMixin, models.Model):
    """A federation cadre named liaison officer (联络员) of an enterprise for a period."""

    unit_path_lookup = "enterprise__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="assignments")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(pgettext_lazy("period", "from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("liaison assignment")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="enterprises_assignment_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} · {self.enterprise}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(officer=user)


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone call")
    ONLINE = "online", _("Online")
    MEETING = "meeting", _("Meeting")


class ContactLog(ScopedMixin, models.Model):
    unit_path_lookup = "enterprise__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contacted_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    met = models.CharField(_("who was met"), max_length=200)
    raised = models.TextField(_("what was raised"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact")
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.met}"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(enterprise_id__in=_officer_enterprise_ids(user))


class Department(ScopedMixin, models.Model):
    """A city government department that takes enterprises' appeals (a registry per unit)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    reply_days = models.PositiveSmallIntegerField(
        _("days to reply"), default=10, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("department")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="enterprises_department_name")
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q()  # the registry of departments is open to every officer of the unit

    @property
    def label(self) -> str:
        if self.name_en and not (get_language() or "zh").startswith("zh"):
            return self.name_en
        return self.name


class AppealCategory(models.TextChoices):
    FINANCING = "financing", _("Financing")
    LABOUR = "labour", _("Labour and recruitment")
    LOGISTICS = "logistics", _("Logistics")
    PERMITS = "permits", _("Permits and approvals")
    POLICY = "policy", _("Policy")
    SUPPLIES = "supplies", _("Supplies and materials")
    LAND = "land", _("Land and premises")
    OTHER = "other", _("Other")


class AppealStatus(models.TextChoices):
    NEW = "new", _("Raised")
    ROUTED = "routed", _("Routed to department")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("appeal", "Acknowledged")
    ANSWERED = "answered", pgettext_lazy("appeal", "Answered")
    CLOSED = "closed", pgettext_lazy("appeal", "Closed")


OPEN_STATUSES = (
    AppealStatus.NEW,
    AppealStatus.ROUTED,
    AppealStatus.ACKNOWLEDGED,
    AppealStatus.ANSWERED,
)


class Confirmation(models.TextChoices):
    STAFF = "staff", _("Confirmed by the enterprise (recorded by staff)")
    LINK = "link", _("Confirmed by the enterprise through its link")
    OVERRIDE = "override", _("Closed without confirmation (override)")


class Appeal(ScopedMixin, models.Model):
    """A problem an enterprise raised, routed to a department until the enterprise confirms."""

    unit_path_lookup = "enterprise__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="appeals"
    )
    category = models.CharField(_("category"), max_length=12, choices=AppealCategory.choices)
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.NEW
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    meeting = models.ForeignKey(
        "Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,  # raised by the enterprise itself through its link
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reply = models.TextField(_("department's reply"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    confirmation = models.CharField(
        _("confirmation"), max_length=10, choices=Confirmation.choices, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("appeal")
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def unit(self):
        """The enterprise's owner unit: an appeal lives where its enterprise does."""
        return self.enterprise.unit

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(enterprise_id__in=_officer_enterprise_ids(user))

    @property
    def is_open(self) -> bool:
        return self.status != AppealStatus.CLOSED

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_on is not None
            and self.answered_at is None
            and self.status in OPEN_STATUSES
            and self.due_on < timezone.localdate()
        )

    @property
    def answered_on_time(self) -> bool:
        return (
            self.answered_at is not None
            and self.due_on is not None
            and timezone.localdate(self.answered_at) <= self.due_on
        )


class AppealEvent(ScopedMixin, models.Model):
    """One step of an appeal's timeline."""

    unit_path_lookup = "appeal__enterprise__unit__path"

    class Kind(models.TextChoices):
        RAISED = "raised", _("Raised")
        ROUTED = "routed", _("Routed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the department")
        ANSWERED = "answered", _("Answered by the department")
        CONFIRMED = "confirmed", _("Closure confirmed")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        ESCALATED = "escalated", _("Escalated to the unit's leader")
        ATTACHED = "attached", _("File attached")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_link = models.CharField(max_length=20, blank=True)  # "department" / "enterprise"
    text = models.TextField(blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(appeal__enterprise_id__in=_officer_enterprise_ids(user))

    @property
    def via(self) -> str:
        """Who took the step, in words: the department's or the enterprise's link."""
        words = {
            "department": _("through the department's link"),
            "enterprise": _("through the enterprise's link"),
        }.get(self.by_link)
        return str(words) if words else ""


class AppealAttachment(ScopedMixin, models.Model):
    unit_path_lookup = "appeal__enterprise__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="appeals/%Y/%m/", storage=private_storage)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    def __str__(self) -> str:
        return self.name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(appeal__enterprise_id__in=_officer_enterprise_ids(user))


class Meeting(ScopedMixin, models.Model):
    """A government–enterprise meeting (政企恳谈会)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    leaders = models.TextField(_("leaders present"), blank=True)
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments present"), blank=True, related_name="meetings"
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("meeting")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class MeetingAttendee(ScopedMixin, models.Model):
    """An enterprise's representative at a meeting."""

    unit_path_lookup = "meeting__unit__path"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    representative = models.CharField(_("representative"), max_length=100)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "enterprise"], name="enterprises_attendee_once"
            )
        ]

    def __str__(self) -> str:
        return self.representative


class SurveyRound(ScopedMixin, models.Model):
    """A resumption survey round (复工复产调查)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("survey round")
        ordering = ["-opens_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q()  # officers answer every round of their units (for their own enterprises)

    @property
    def is_closed(self) -> bool:
        return self.closes_on < timezone.localdate()


class Resumption(models.TextChoices):
    RESUMED = "resumed", _("Resumed")
    PARTLY = "partly", _("Partly resumed")
    NOT = "not", _("Not resumed")


class SurveyAnswer(ScopedMixin, models.Model):
    unit_path_lookup = "enterprise__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answers")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("resumption"), max_length=8, choices=Resumption.choices)
    staff_back = models.PositiveSmallIntegerField(
        _("staff back (%)"), validators=[MaxValueValidator(100)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity (%)"), validators=[MaxValueValidator(100)]
    )
    difficulties = models.TextField(_("main difficulties"), blank=True)
    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,  # answered by the enterprise itself through its link
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "enterprise"], name="enterprises_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.enterprise_id} {self.status}"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(enterprise_id__in=_officer_enterprise_ids(user))


# --- domestic bodies, trade fairs and investment projects --------------------------------


class BodyKind(models.TextChoices):
    CHAMBER = "chamber", _("Overseas Chinese chamber of commerce")
    INNOVATION = "innovation", _("Overseas Chinese innovation association")
    TALENT = "talent", _("Overseas talent association")
    RETURNEE = "returnee", _("Returnee entrepreneurs' association")
    CAMPUS = "campus", _("University federation of returned overseas Chinese")
    ALUMNI = "alumni", _("Returned students' or alumni association")
    SCHOOL = "school", _("Key high school")
    OTHER = "other", _("Other body")


class DomesticBody(ScopedMixin, models.Model):
    """A body at home the federation works with (国内涉侨团体: 侨商会, 侨创会, 留联会 …)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of body"), max_length=12, choices=BodyKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    members = models.PositiveIntegerField(_("members"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("enterprises"), blank=True, related_name="bodies"
    )
    people = models.ManyToManyField(
        "people.Person", verbose_name=_("people"), blank=True, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("domestic body")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="enterprises_body_name")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q()  # the bodies are a registry open to every officer of the unit


class TradeFair(ScopedMixin, models.Model):
    """A trade fair where projects are found (中东欧博览会, 浙洽会), online or in person."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    online = models.BooleanField(_("online"), default=False)
    starts_on = models.DateField(_("opens"))
    ends_on = models.DateField(_("closes"))
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("participating enterprises"), blank=True, related_name="fairs"
    )
    people = models.ManyToManyField(
        "people.Person",
        verbose_name=_("participating overseas people"),
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("trade fair")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="enterprises_fair_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q()


class ProjectStage(models.TextChoices):
    LEAD = "lead", pgettext_lazy("project stage", "Lead")
    NEGOTIATING = "negotiating", pgettext_lazy("project stage", "Negotiating")
    SIGNED = "signed", pgettext_lazy("project stage", "Signed")
    LANDED = "landed", pgettext_lazy("project stage", "Landed")
    DROPPED = "dropped", pgettext_lazy("project stage", "Dropped")


class InvestmentProject(ScopedMixin, models.Model):
    """An overseas capital project guided to land in the city (招商引资项目)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("project name"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("overseas person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    association = models.ForeignKey(
        "people.Association",
        verbose_name=_("association"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    country = CountryField(_("country (region)"))
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    amount_cny = models.DecimalField(
        _("amount (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=ProjectStage.choices, default=ProjectStage.LEAD
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fair = models.ForeignKey(
        TradeFair,
        verbose_name=_("trade fair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    found_on = models.DateField(_("lead found"))
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    landed_on = models.DateField(_("landed"), null=True, blank=True)
    notes = models.TextField(_("timeline notes"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("investment project")
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(officer=user)

    @property
    def money(self):
        from qiaolian.core.money import Money

        return Money(self.amount, self.currency)

    @property
    def money_cny(self):
        from qiaolian.core.money import Money

        return None if self.amount_cny is None else Money(self.amount_cny, "CNY")
