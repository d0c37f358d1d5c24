"""Writes to the news: one function per use case, one transaction, one audit row.

draft → review (submit) → published (approve, by someone other than the writer) → unpublished.
Every save of an article's text keeps a revision; every write that can change a public page
drops the public page cache (cache.bump).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from qiaolian.core import audit
from qiaolian.core.approvals import require_approver
from qiaolian.core.files import check_upload, delete_file
from qiaolian.core.models import Unit
from qiaolian.core.richtext import plain_text, sanitise_html
from qiaolian.core.scoping import reaches_unit, require_unit
from qiaolian.core.service_kit import create_scoped, update_scoped
from qiaolian.core.versioning import bump as bump_version
from qiaolian.core.versioning import check_version, lock_for_update
from qiaolian.news import cache
from qiaolian.news.apps import NEWS
from qiaolian.news.models import (
    ATTACHMENT_USE,
    COVER_USE,
    Article,
    ArticleRevision,
    Attachment,
    Category,
    Status,
    Tag,
)

TEXT_FIELDS = ("category", "language", "title", "slug", "source", "author_name", "summary", "body")
UPDATE_FIELDS = (*TEXT_FIELDS, "show_on_city_site", "imported_views")
COVER_MAX = 1600  # pixels on the longer side
EDITABLE = {Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED}


# --- categories -------------------------------------------------------------------------------


def can_configure(user) -> bool:
    """Categories are the whole site's: set by those who configure news at a root unit."""
    roots = Unit.objects.filter(depth=1)
    return any(reaches_unit(user, NEWS.CONFIGURE, root, narrowed=False) for root in roots)


def _require_configure(actor) -> None:
    if not can_configure(actor):
        raise PermissionDenied(_("Only the city federation sets the news categories."))


CATEGORY_FIELDS = ("slug", "name", "name_en", "is_public", "order")
# What the audit row compares: the names are data in two languages, a reader sees the one in
# theirs through the object's name (the operation log shows data as entered, not twinned).
CATEGORY_AUDITED = ("slug", "is_public", "order")


@transaction.atomic
def category_create(*, actor, **fields: Any) -> Category:
    _require_configure(actor)
    category = Category(**{k: fields[k] for k in CATEGORY_FIELDS if k in fields})
    category.full_clean()
    category.save()
    audit.record(
        actor=actor,
        action="news.category_create",
        obj=category,
        changes=audit.snapshot(category, CATEGORY_AUDITED),
    )
    cache.bump()
    return category


@transaction.atomic
def category_update(*, actor, category: Category, **fields: Any) -> Category:
    _require_configure(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    before = audit.snapshot(category, CATEGORY_AUDITED)
    for name in CATEGORY_FIELDS:
        if name in fields:
            setattr(category, name, fields[name])
    category.full_clean()
    category.save()
    changes = audit.diff(before, audit.snapshot(category, CATEGORY_AUDITED))
    audit.record(actor=actor, action="news.category_update", obj=category, changes=changes)
    cache.bump()
    return category


# --- helpers ----------------------------------------------------------------------------------


def parse_tags(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    items = (
        value if isinstance(value, list) else value.replace("，", ",").replace("、", ",").split(",")
    )
    names = [" ".join(str(item).split())[:30] for item in items]
    return list(dict.fromkeys(name for name in names if name))[:12]


def _set_tags(article: Article, names: list[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name)[0] for name in names]
    article.tags.set(tags)


def tag_names(article: Article) -> list[str]:
    return sorted(article.tags.values_list("name", flat=True))


def _snapshot(article: Article, tags: list[str]) -> dict[str, Any]:
    data = {name: getattr(article, name) for name in TEXT_FIELDS if name != "category"}
    data["category"] = article.category.slug
    data["tags"] = sorted(tags)
    return data


def _revision(article: Article, actor, tags: list[str]) -> ArticleRevision:
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ArticleRevision.objects.create(
        article=article, number=number, data=_snapshot(article, tags), created_by=actor
    )


def _clean_text(article: Article) -> None:
    article.body = sanitise_html(article.body)
    article.body_text = plain_text(article.body)
    article.summary = " ".join((article.summary or "").split())
    if article.slug:
        article.slug = slugify(article.slug)[:80]
    if not article.body_text.strip():
        raise ValidationError({"body": _("Write the body of the article.")})


def _require_category(category: Category) -> None:
    if category is None:
        raise ValidationError({"category": _("Choose a category.")})


def _require_city_choice(actor, article: Article, value: bool) -> None:
    """Showing a district's article on the city's site is the city's choice."""
    if not value or article.unit.depth == 1:
        return
    parent = Unit.objects.get_parent(article.unit)
    if not reaches_unit(actor, NEWS.APPROVE, parent, narrowed=False):
        raise PermissionDenied(_("Only the city federation chooses what its site shows."))


def cover_image(upload) -> ContentFile:
    """The upload as a JPEG of at most COVER_MAX pixels, turned upright, metadata removed."""
    check_upload(upload, COVER_USE)
    try:
        upload.seek(0)
        image = Image.open(upload)
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError({"cover": _("The cover image cannot be read.")}) from exc
    image = image.convert("RGB")
    image.thumbnail((COVER_MAX, COVER_MAX))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)  # no exif= : stripped
    return ContentFile(out.getvalue(), name="cover.jpg")


def _store_cover(article: Article, upload) -> None:
    if upload is None:
        return
    content = cover_image(upload)
    old = article.cover if article.cover else None
    article.cover.save(content.name, content, save=False)
    if old:
        delete_file(old)


# --- articles ---------------------------------------------------------------------------------


@transaction.atomic
def article_create(
    *,
    actor,
    unit: Unit,
    category: Category,
    title: str,
    body: str,
    language: str = "zh-hans",
    slug: str = "",
    source: str = "",
    author_name: str = "",
    summary: str = "",
    tags: str | list[str] = "",
    cover=None,
    imported_views: int = 0,
) -> Article:
    require_unit(actor, NEWS.ADD, unit)
    _require_category(category)
    article = Article(
        unit=unit,
        category=category,
        title=title,
        body=body,
        language=language,
        slug=slug,
        source=source,
        author_name=author_name,
        summary=summary,
        imported_views=imported_views or 0,
        created_by=actor,
    )
    _clean_text(article)
    _store_cover(article, cover)
    article = create_scoped(
        actor=actor,
        obj=article,
        audit_action="news.article_create",
        fields=("unit", "title", "source", "author_name", "status"),
    )
    names = parse_tags(tags)
    _set_tags(article, names)
    _revision(article, actor, names)
    return article


@transaction.atomic
def article_update(
    *, actor, article: Article, expected_version: int | None = None, **fields: Any
) -> Article:
    """Change an article's text. A published one only by someone who may approve it."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    approver = Article.objects.restrict(actor, NEWS.APPROVE).filter(pk=locked.pk).exists()
    if locked.status == Status.PUBLISHED and not approver:
        raise PermissionDenied(
            _("This article is published: unpublish it first, or ask someone who approves.")
        )
    names = parse_tags(fields.pop("tags", None)) if "tags" in fields else None
    cover = fields.pop("cover", None)
    remove_cover = fields.pop("remove_cover", False)
    if "show_on_city_site" in fields:
        _require_city_choice(actor, locked, fields["show_on_city_site"])
    changes = {k: v for k, v in fields.items() if k in UPDATE_FIELDS}
    if "category" in changes:
        _require_category(changes["category"])

    def clean(obj: Article) -> None:
        _clean_text(obj)
        obj.full_clean()

    before_tags = tag_names(locked)
    tags_moved = names is not None and sorted(names) != before_tags
    cover_moved = cover is not None or (remove_cover and bool(locked.cover))
    if tags_moved or cover_moved:
        check_version(locked, expected_version=expected_version, proposed=changes)
    article, diff = update_scoped(
        actor=actor,
        obj=locked,
        changes=changes,
        expected_version=expected_version,
        audit_action="news.article_update",
        fields=UPDATE_FIELDS,
        clean=clean,
    )
    extra: dict[str, list[Any]] = {}
    if cover_moved:
        old = article.cover.name if article.cover else ""
        if remove_cover and article.cover:
            delete_file(article.cover)
            article.cover = ""
        if cover is not None:
            _store_cover(article, cover)
        extra["cover"] = [old, article.cover.name if article.cover else ""]
    if tags_moved:
        _set_tags(article, names or [])
        extra["tags"] = [", ".join(before_tags), ", ".join(sorted(names or []))]
    if extra:
        if not diff:
            bump_version(article)
        article.save(update_fields=["cover", "version", "updated_at"])
        audit.record(actor=actor, action="news.article_update", obj=article, changes=extra)
    current = names if names is not None else before_tags
    latest = article.revisions.order_by("-number").first()
    if latest is None or latest.data != _snapshot(article, current):
        _revision(article, actor, current)
    cache.bump()
    return article


def _transition(actor, article: Article, allowed: set[str], action: str) -> Article:
    locked = lock_for_update(article, expected_version=None)
    if locked.status not in allowed:
        raise ValidationError(
            _("This cannot be done to an article that is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    if not Article.objects.restrict(actor, action).filter(pk=locked.pk).exists():
        raise PermissionDenied(_("You may not change this article."))
    return locked


@transaction.atomic
def article_submit(*, actor, article: Article) -> Article:
    article = _transition(actor, article, {Status.DRAFT, Status.UNPUBLISHED}, NEWS.CHANGE)
    article.status = Status.REVIEW
    bump_version(article)
    article.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="news.article_submit",
        obj=article,
        changes={"status": [Status.DRAFT, Status.REVIEW]},
    )
    return article


@transaction.atomic
def article_approve(
    *,
    actor,
    article: Article,
    publish_at: datetime | None = None,
    unpublish_at: datetime | None = None,
    show_on_city_site: bool | None = None,
) -> Article:
    """Publish now, or at `publish_at` (scheduled); unpublish at `unpublish_at` if given."""
    article = _transition(actor, article, {Status.REVIEW}, NEWS.APPROVE)
    require_approver(actor=actor, record=article, action=NEWS.APPROVE)
    now = timezone.now()
    article.publish_at = publish_at or now
    article.unpublish_at = unpublish_at
    if show_on_city_site is not None:
        _require_city_choice(actor, article, show_on_city_site)
        article.show_on_city_site = show_on_city_site
    article.full_clean()
    if unpublish_at is not None and unpublish_at <= now:
        raise ValidationError({"unpublish_at": _("The unpublish time must be in the future.")})
    article.status = Status.PUBLISHED
    article.reviewed_by = actor
    article.reviewed_at = now
    bump_version(article)
    article.save()
    audit.record(
        actor=actor,
        action="news.article_approve",
        obj=article,
        changes={
            "status": [Status.REVIEW, Status.PUBLISHED],
            **audit.diff({}, audit.snapshot(article, ("publish_at", "unpublish_at"))),
        },
    )
    cache.bump()
    return article


@transaction.atomic
def article_reject(*, actor, article: Article) -> Article:
    """Send an article under review back to draft."""
    article = _transition(actor, article, {Status.REVIEW}, NEWS.APPROVE)
    require_approver(actor=actor, record=article, action=NEWS.APPROVE)
    article.status = Status.DRAFT
    bump_version(article)
    article.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="news.article_reject",
        obj=article,
        changes={"status": [Status.REVIEW, Status.DRAFT]},
    )
    return article


@transaction.atomic
def article_unpublish(*, actor, article: Article) -> Article:
    article = _transition(actor, article, {Status.PUBLISHED}, NEWS.CHANGE)
    article.status = Status.UNPUBLISHED
    bump_version(article)
    article.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="news.article_unpublish",
        obj=article,
        changes={"status": [Status.PUBLISHED, Status.UNPUBLISHED]},
    )
    cache.bump()
    return article


@transaction.atomic
def revision_restore(
    *, actor, article: Article, revision: ArticleRevision, expected_version: int | None = None
) -> Article:
    """Put a revision's text back (a new revision records the restore)."""
    if revision.article_id != article.pk:
        raise ValidationError(_("This revision belongs to another article."))
    data = dict(revision.data)
    category = Category.objects.filter(slug=data.pop("category", "")).first()
    fields: dict[str, Any] = {k: v for k, v in data.items() if k in TEXT_FIELDS}
    if category is not None:
        fields["category"] = category
    fields["tags"] = data.get("tags", [])
    restored = article_update(
        actor=actor, article=article, expected_version=expected_version, **fields
    )
    audit.record(
        actor=actor,
        action="news.article_restore",
        obj=restored,
        changes={"revision": [None, revision.number]},
    )
    return restored


@transaction.atomic
def attachment_add(*, actor, article: Article, upload) -> Attachment:
    if not Article.objects.restrict(actor, NEWS.CHANGE).filter(pk=article.pk).exists():
        raise PermissionDenied(_("You may not change this article."))
    kind = check_upload(upload, ATTACHMENT_USE)
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        article=article, name=name, content_type=kind.content_type, size=upload.size
    )
    attachment.file.save(f"a.{kind.extension}", upload, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="news.attachment_add",
        obj=article,
        changes={"attachment": [None, name]},
    )
    cache.bump()
    return attachment


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    article = attachment.article
    if not Article.objects.restrict(actor, NEWS.CHANGE).filter(pk=article.pk).exists():
        raise PermissionDenied(_("You may not change this article."))
    delete_file(attachment.file)
    attachment.delete()
    audit.record(
        actor=actor,
        action="news.attachment_remove",
        obj=article,
        changes={"attachment": [attachment.name, None]},
    )
    cache.bump()
