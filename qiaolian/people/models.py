"""The register of people (overseas Chinese, relatives, returnees), their family links,
consents, and the overseas associations (侨团) they lead or belong to."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from qiaolian.core import registry
from qiaolian.core.crypto import EncryptedTextField
from qiaolian.core.files import private_storage
from qiaolian.core.scoping import Action, Narrowing, RestrictedQuerySet, ScopedMixin, reach_q
from qiaolian.core.versioning import VersionedModel
from qiaolian.people.identity import mask_id_number, mask_passport

ScopedManager = models.Manager.from_queryset(RestrictedQuerySet)


class Gender(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")
    UNKNOWN = "u", _("Unknown")


class Source(models.TextChoices):
    FORM = "form", _("Entered by staff")
    IMPORT = "import", _("Imported")
    PORTAL = "portal", _("Self-service portal")
    SEED = "seed", _("Demo data")


class Person(ScopedMixin, VersionedModel):
    """One overseas Chinese, relative or returnee in the register, owned by a unit.

    Names are kept as surname + given name (shown surname first); pinyin, initials and the
    search text are derived by `people.services` on every write. ID and passport numbers are
    encrypted, with a blind index for exact lookup; they are shown masked unless revealed.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="people"
    )
    surname = models.CharField(_("surname"), max_length=40)
    given_name = models.CharField(_("given name"), max_length=60, blank=True)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(_("initials"), max_length=40, blank=True, db_index=True)
    romanized_names = models.CharField(
        _("other spellings"),
        max_length=200,
        blank=True,
        help_text=_("Passport or local spellings, separated by commas: Wong Wai, Ng"),
    )
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=40, blank=True, db_index=True)
    nationality = CountryField(_("nationality"), blank=True)
    country = CountryField(
        _("country (region) of residence"), blank=True
    )  # indexed with the name below
    city = models.CharField(_("city of residence"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    hometown = models.CharField(_("hometown (籍贯)"), max_length=100, blank=True)
    hometown_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("hometown unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="natives",
    )
    wechat_id = models.CharField(_("WeChat ID"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    employer = models.CharField(_("employer"), max_length=150, blank=True)
    languages = models.CharField(_("languages"), max_length=150, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    id_number = EncryptedTextField(_("ID card number"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    passport_number = EncryptedTextField(_("passport number"), blank=True)
    passport_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.FORM
    )
    import_batch = models.ForeignKey(
        "people.ImportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["unit", "surname", "given_name"], name="person_unit_name"),
            # The list's pager counts a scope's live (unmerged) people, and a country
            # filter's, from this index alone, without reading the table (bench/pages.py).
            models.Index(fields=["unit", "merged_into", "country"], name="person_unit_live"),
            # Sorting the list by last update reads the newest first instead of sorting all.
            models.Index(fields=["updated_at"], name="person_updated"),
            # A country filter reads its people in list order and stops at a page, instead of
            # sorting every resident of the country (900 ms → 4 ms for Italy at 1M on SQLite).
            models.Index(fields=["country", "name_pinyin"], name="person_country_name"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        """What a role narrowed to ASSIGNED (volunteers, liaison officers) sees: what the apps
        above contribute (the members of the groups they steward, the requesters of the cases
        assigned to them; see each app's `narrowed()`)."""
        return registry.narrowed_condition("people.Person", Narrowing.ASSIGNED, user)

    @property
    def full_name(self) -> str:
        return f"{self.surname}{self.given_name}"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def passport_masked(self) -> str:
        return mask_passport(self.passport_number)


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")


class PersonContact(ScopedMixin, models.Model):
    """A phone number or email of a person: kept as typed, and normalised (E.164, lower case)."""

    unit_path_lookup = "person__unit__path"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=5, choices=ContactKind.choices)
    value = models.CharField(_("as typed"), max_length=120)
    normalized = models.CharField(max_length=120, db_index=True)
    is_primary = models.BooleanField(default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact")
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.value


class RelationKind(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent of")
    CHILD = "child", _("Child of")
    SIBLING = "sibling", _("Sibling")
    OVERSEAS_RELATIVE = "overseas_relative", _("Overseas relative of")
    DOMESTIC_RELATIVE = "domestic_relative", _("Relative in China (侨眷) of")


INVERSE_RELATION = {
    RelationKind.SPOUSE: RelationKind.SPOUSE,
    RelationKind.PARENT: RelationKind.CHILD,
    RelationKind.CHILD: RelationKind.PARENT,
    RelationKind.SIBLING: RelationKind.SIBLING,
    RelationKind.OVERSEAS_RELATIVE: RelationKind.DOMESTIC_RELATIVE,
    RelationKind.DOMESTIC_RELATIVE: RelationKind.OVERSEAS_RELATIVE,
}


class Relationship(ScopedMixin, models.Model):
    """A typed family link `person —kind→ relative`; the inverse is derived for display."""

    unit_path_lookup = "person__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("family link")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="relationship_unique"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="relationship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.relative}"


class Consent(ScopedMixin, models.Model):
    """Consent to process a person's data for one purpose (PIPL art. 13–17)."""

    unit_path_lookup = "person__unit__path"

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        DUTY = "duty", _("Statutory duty")
        EMERGENCY = "emergency", _("Protection of life, health or property")
        PUBLIC_INTEREST = "public_interest", _("Public interest")

    class Channel(models.TextChoices):
        PAPER = "paper", _("Paper form")
        PHONE = "phone", _("Phone, recorded")
        PORTAL = "portal", _("Portal")
        WECHAT = "wechat", _("WeChat")
        IMPORT = "import", _("Import (consent collected by the source)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=200)
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    notice_version = models.CharField(_("notice version"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    granted_at = models.DateTimeField(_("granted at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("consent")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.person}: {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Association(ScopedMixin, models.Model):
    """An overseas Chinese association (侨团) followed by a unit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="associations",
    )
    name = models.CharField(_("Chinese name"), max_length=150)
    name_local = models.CharField(_("local name"), max_length=200, blank=True)
    country = CountryField(_("country (region)"), db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")

    def __str__(self) -> str:
        return self.name


class AssociationLeader(ScopedMixin, models.Model):
    """A person holding a post in an association (会长, 副会长, 秘书长 …)."""

    unit_path_lookup = "association__unit__path"

    class Post(models.TextChoices):
        PRESIDENT = "president", _("President (会长)")
        VICE_PRESIDENT = "vice_president", _("Vice president (副会长)")
        SECRETARY_GENERAL = "secretary_general", _("Secretary general (秘书长)")
        DIRECTOR = "director", _("Director (理事)")
        MEMBER = "member", _("Member")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="leaders")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    since = models.DateField(_("since"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("association post")
        constraints = [
            models.UniqueConstraint(fields=["association", "person", "post"], name="leader_unique")
        ]

    def __str__(self) -> str:
        return f"{self.association} {self.get_post_display()} {self.person}"


class ImportBatch(ScopedMixin, models.Model):
    """One uploaded file of people: its preview, commit progress and what it changed.

    Filled in by `people.imports`; defined here so Person can point at the batch it came from.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        ANALYSING = "analysing", _("Checking")
        PREVIEWED = "previewed", _("Previewed")
        COMMITTING = "committing", _("Committing")
        COMMITTED = "committed", _("Committed")
        UNDONE = "undone", _("Undone")
        REFUSED = "refused", _("Refused")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="import_batches")
    created_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True, storage=private_storage)
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    on_duplicate = models.CharField(max_length=8, default="skip")
    mapping = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Added by people.imports: what the file looked like and who committed or undid it.
    file_kind = models.CharField(max_length=4, blank=True)
    headers = models.JSONField(default=list, blank=True)
    header_row = models.PositiveIntegerField(default=1)
    row_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    committed_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("import")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.ANALYSING, self.Status.COMMITTING)


class ImportRow(ScopedMixin, models.Model):
    """One data row of an import: what the preview plans for it, then what the commit did.

    `row` is the row number the user sees in Excel. `row_key` identifies the row's content
    (normalised values), so the same row imported again is recognised and creates nothing.
    `before` keeps the fields and contacts of a person the import updated or merged into, so
    undo can restore them while `person.version` is still `version_after`.
    """

    unit_path_lookup = "batch__unit__path"

    class RowAction(models.TextChoices):
        CREATE = "create", _("Will be created")
        UPDATE = "update", _("Will update")
        MERGE = "merge", _("Will merge")
        SKIP = "skip", _("Will be skipped")
        ERROR = "error", _("Has problems")
        CREATED = "created", pgettext_lazy("import result", "Created")
        UPDATED = "updated", _("Updated")
        MERGED = "merged", _("Merged")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Not imported")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row = models.PositiveIntegerField()
    action = models.CharField(max_length=8, choices=RowAction.choices)
    label = models.CharField(max_length=120, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    problems = models.JSONField(default=list, blank=True)
    match = models.JSONField(null=True, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_rows"
    )
    row_key = models.CharField(max_length=40, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    version_after = models.PositiveIntegerField(null=True, blank=True)
    # A row left out by the commit, as the user typed it (JSON, encrypted: it may hold an ID
    # number), for the sheet of rows to fix once the upload itself is deleted.
    cells = EncryptedTextField(blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("import row")
        ordering = ["batch", "row"]
        indexes = [models.Index(fields=["batch", "action", "row"], name="importrow_batch_action")]

    def __str__(self) -> str:
        return f"{self.batch} #{self.row}"


class PersonSearchToken(models.Model):
    """The search index: one row per (token, person), written by `people.search.index`.

    The primary key (token, rank, person, unit) is the one index a search walks: equality on
    the token, then rows in rank order, with the owner unit at hand to keep to the searcher's
    subtree without visiting the person. `unit` is a copy of the person's owner unit (its id,
    which unit moves do not change); the final read of the people goes through
    `Person.objects.restrict()`, so a stale copy can hide a result but never show one.
    """

    pk = models.CompositePrimaryKey("token", "rank", "person", "unit")
    token = models.CharField(max_length=64)
    rank = models.PositiveSmallIntegerField()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_tokens")
    unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("search token")

    def __str__(self) -> str:
        return self.token


# --- duplicates (issue 3: finder, "not a duplicate" marks, reversible merges) ----------------


class PairQuerySet(RestrictedQuerySet):
    """For records about two people: `restrict()` keeps a row only when the user may act on
    *both* people (a pair with one person of a unit the user does not govern is invisible)."""

    pair_fields = ("person_a", "person_b")

    def restrict(self, user: Any, action: Action = Action.VIEW) -> PairQuerySet:
        # Written as joins on each person's unit path rather than `person_a__in=<restricted
        # people>`: SQLite drives such a query from both IN lists through the pair's unique
        # index (25,000² probes: minutes on a 25,000-person register).
        queryset = self
        for name in self.pair_fields:
            condition = reach_q(user, action, Person, through=name)
            if condition is None:
                return self.none()
            queryset = queryset.filter(condition)
        return queryset

    def in_subtree(self, unit: Any) -> PairQuerySet:
        if unit is None:
            return self
        return self.filter(
            **{f"{name}__unit__path__startswith": unit.path for name in self.pair_fields}
        )


class MergeQuerySet(PairQuerySet):
    pair_fields = ("survivor", "merged")


class DuplicateRun(ScopedMixin, models.Model):
    """One scan of a user's register for duplicates, run by a worker (`people.duplicates`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Scanning")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="duplicate_runs")
    within = models.ForeignKey(
        "core.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    people = models.PositiveIntegerField(default=0)
    compared = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("duplicate scan")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class DuplicateCandidate(ScopedMixin, models.Model):
    """Two people a scan found alike: `person_a` has the smaller key. `reasons` are the codes
    of `people.duplicates.REASONS` behind `score` (0–100)."""

    unit_path_lookup = "person_a__unit__path"

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(db_index=True)
    reasons = models.JSONField(default=list)
    run = models.ForeignKey(
        DuplicateRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    found_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(PairQuerySet)()

    class Meta:
        verbose_name = _("possible duplicate")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_a} ≈ {self.person_b} ({self.score})"


class DuplicateDecision(ScopedMixin, models.Model):
    """A "not a duplicate" mark: the pair is not offered again (`person_a` has the smaller key)."""

    unit_path_lookup = "person_a__unit__path"

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = models.Manager.from_queryset(PairQuerySet)()

    class Meta:
        verbose_name = _("not-a-duplicate mark")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_a} ≠ {self.person_b}"


class PersonMerge(ScopedMixin, models.Model):
    """`merged` folded into `survivor`: what both records held before, and every related row
    moved from one to the other, so `person_unmerge` can put everything back while neither
    record has changed since (`*_version_after`). ID and passport numbers of the before-images
    are kept encrypted (`sensitive_before`), never in the JSON."""

    unit_path_lookup = "survivor__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survivor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    merged_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    survivor_before = models.JSONField(default=dict)
    merged_before = models.JSONField(default=dict)
    sensitive_before = EncryptedTextField(blank=True)
    survivor_version_before = models.PositiveIntegerField()
    merged_version_before = models.PositiveIntegerField()
    survivor_version_after = models.PositiveIntegerField()
    merged_version_after = models.PositiveIntegerField()
    moved = models.JSONField(default=list)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = models.Manager.from_queryset(MergeQuerySet)()

    class Meta:
        verbose_name = _("merge of people")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged} → {self.survivor}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
