"""News: categories, articles (draft → review → published / unpublished), their revisions,
attachments and daily view counts.

An article belongs to the unit that published it. What "published" means for the public is one
rule, `ArticleQuerySet.published()`: status published, its publish time reached, its unpublish
time not reached, in a public category. A scheduled article is a published one whose publish
time is still ahead; nothing needs to run for it to appear.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core.files import PrivateStorage, register_use
from qiaolian.core.scoping import RestrictedQuerySet, ScopedMixin
from qiaolian.core.versioning import VersionedModel

MB = 1024 * 1024
COVER_USE = register_use("news.cover", ("jpeg", "png", "webp", "gif"), {"*": 10 * MB})
ATTACHMENT_USE = register_use(
    "news.attachment", ("pdf", "docx", "xlsx", "jpeg", "png", "zip"), {"*": 20 * MB}
)
# Slugs the news URLs use for their own pages: no category may take them.
RESERVED_SLUGS = frozenset({"staff", "search", "file", "cover", "feed"})


def _private():
    return PrivateStorage()


class Category(models.Model):
    """A section of the news site (中国新闻, 侨联动态, …), shared by every unit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("address name"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    is_public = models.BooleanField(_("shown on the public site"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ("order", "pk")
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS or self.slug.isdigit():
            raise ValidationError(
                {"slug": _("This address name is taken by the site; choose another.")}
            )


class Tag(models.Model):
    name = models.CharField(_("tag"), max_length=30, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class Language(models.TextChoices):
    ZH = "zh-hans", _("Chinese")
    EN = "en", _("English")


class ArticleQuerySet(RestrictedQuerySet):
    def published(self, now=None):
        """What the public may read (see the module docstring)."""
        now = now or timezone.now()
        return self.filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now),
            status=Status.PUBLISHED,
            publish_at__lte=now,
            category__is_public=True,
        )

    def on_city_site(self):
        """The city's own news, and a district's where the city chose to show it."""
        return self.filter(Q(unit__depth=1) | Q(show_on_city_site=True))

    def with_counted_views(self):
        return self.annotate(counted_views=Sum("daily_views__count", default=0))


ArticleManager = models.Manager.from_queryset(ArticleQuerySet)


class Article(ScopedMixin, VersionedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("publishing unit"),
        on_delete=models.PROTECT,
        related_name="news_articles",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ZH
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address name"),
        max_length=80,
        blank=True,
        help_text=_("Optional: letters, digits and hyphens for a readable address."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    author_name = models.CharField(_("author"), max_length=100, blank=True)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body"))
    body_text = models.TextField(editable=False, default="")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    cover = models.FileField(
        _("cover image"), storage=_private, upload_to="news/covers/", blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    unpublish_at = models.DateTimeField(_("unpublish at"), null=True, blank=True)
    show_on_city_site = models.BooleanField(_("shown on the city's site"), default=False)
    imported_views = models.PositiveIntegerField(
        _("views before import"),
        default=0,
        help_text=_("The count an article brought from elsewhere had there; new views add to it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ArticleManager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=~Q(slug=""),
                name="news_article_slug_unique",
                violation_error_message=_("Another article already has this address name."),
            )
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="news_article_status_pub"),
            models.Index(fields=["category", "status", "publish_at"], name="news_article_cat"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def url_key(self) -> str:
        return self.slug or str(self.pk)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("news:article", args=[self.category.slug, self.url_key])

    @property
    def is_scheduled(self) -> bool:
        return self.status == Status.PUBLISHED and bool(
            self.publish_at and self.publish_at > timezone.now()
        )

    def clean(self) -> None:
        if self.slug and self.slug.isdigit():
            raise ValidationError({"slug": _("An address name needs at least one letter.")})
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("This address name is taken by the site; choose another.")}
            )
        if self.publish_at and self.unpublish_at and self.unpublish_at <= self.publish_at:
            raise ValidationError(
                {"unpublish_at": _("The unpublish time must come after the publish time.")}
            )


class Attachment(ScopedMixin, models.Model):
    unit_path_lookup = "article__unit__path"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=_private, upload_to="news/attachments/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.name


class ArticleRevision(ScopedMixin, models.Model):
    """The article's text as it stood after one save."""

    unit_path_lookup = "article__unit__path"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        ordering = ("-number",)
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="news_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article} #{self.number}"


class ArticleView(ScopedMixin, models.Model):
    """Views of an article on one day, as flushed from the shared cache (see counting.py)."""

    unit_path_lookup = "article__unit__path"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="news_view_article_day")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.count}"
