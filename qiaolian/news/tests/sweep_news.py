"""Leak-sweep entries for the news (see core/testing/sweep.py).

Staff pages: every article made here belongs to the sibling district B. Public pages: an
anonymous reader never sees a draft, a scheduled or an unpublished article, nor one of a
category that is not public, in any list, search, feed or related list."""

from datetime import timedelta

from django.utils import timezone

from qiaolian.core.testing.sweep import Create, Detail, Exempt, Listing, Public
from qiaolian.news.models import Status
from qiaolian.news.tests.factories import ArticleFactory, CategoryFactory

MARKER = "乙区泄漏新闻标记"
HIDDEN = "未发布新闻泄漏标记"
SHOWN = "已发布公开新闻"


def _sibling(cast, **kwargs):
    return ArticleFactory(unit=cast.district_b, title=MARKER, status=Status.DRAFT, **kwargs)


def _article(cast):
    return {"public_id": _sibling(cast).public_id}


def _revision(cast):
    from qiaolian.news.models import ArticleRevision

    article = _sibling(cast)
    ArticleRevision.objects.create(article=article, number=1, data={"title": MARKER})
    return {"public_id": article.public_id, "number": 1}


def _attachment(cast):
    from django.core.files.base import ContentFile

    from qiaolian.news.models import Attachment

    attachment = Attachment(article=_sibling(cast), name="乙区.pdf", content_type="application/pdf")
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    attachment.save()
    return {"public_id": attachment.public_id}


def _listing(cast):
    _sibling(cast)
    return {}, MARKER


def _unpublished(cast, category):
    """A draft, a scheduled, an unpublished, an expired article and one in a hidden
    category, all titled HIDDEN and tagged like the published one."""
    now = timezone.now()
    hidden_category = CategoryFactory(slug="hidden", is_public=False)
    tags = ["同标签"]
    made = [
        ArticleFactory(unit=cast.city, category=category, title=HIDDEN, status=s, tags=tags)
        for s in (Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED)
    ]
    made.append(
        ArticleFactory(
            unit=cast.city,
            category=category,
            title=HIDDEN,
            publish_at=now + timedelta(days=1),
            tags=tags,
        )
    )
    made.append(
        ArticleFactory(
            unit=cast.city,
            category=category,
            title=HIDDEN,
            unpublish_at=now - timedelta(minutes=1),
            publish_at=now - timedelta(days=1),
            tags=tags,
        )
    )
    made.append(ArticleFactory(unit=cast.city, category=hidden_category, title=HIDDEN, tags=tags))
    return made


def _public_setup(cast):
    category = CategoryFactory(slug="china", name="中国新闻")
    shown = ArticleFactory(
        unit=cast.city, category=category, title=SHOWN, slug="shown", tags=["同标签"]
    )
    hidden = _unpublished(cast, category)
    return category, shown, hidden


def _public_list(cast):
    _public_setup(cast)
    return {}, HIDDEN, SHOWN


def _public_category(cast):
    category, _shown, _hidden = _public_setup(cast)
    return {"category": category.slug}, HIDDEN, SHOWN


def _public_article(cast):
    """The published article's page: its related list must not name the hidden ones."""
    category, shown, _hidden = _public_setup(cast)
    return {"category": category.slug, "key": shown.slug}, HIDDEN, SHOWN


def _public_draft(cast):
    category, _shown, hidden = _public_setup(cast)
    return {"category": category.slug, "key": str(hidden[0].pk)}, HIDDEN


def _public_cover(cast):
    _category, _shown, hidden = _public_setup(cast)
    return {"public_id": hidden[0].public_id}, HIDDEN


def _public_attachment(cast):
    from django.core.files.base import ContentFile

    from qiaolian.news.models import Attachment

    _category, _shown, hidden = _public_setup(cast)
    attachment = Attachment(article=hidden[0], name="x.pdf", content_type="application/pdf")
    attachment.file.save("a.pdf", ContentFile(HIDDEN.encode()), save=False)
    attachment.save()
    return {"public_id": attachment.public_id}, HIDDEN


CATEGORY_REASON = (
    "News categories are the whole site's sections (like the shared dictionaries), owned by no "
    "unit; only a user who configures news at the root unit may change them (tested in "
    "test_staff)."
)

SWEEP = {
    "news:article_list": Listing(_listing),
    "news:article_create": Create(
        "news.Article",
        lambda cast: {
            "unit": cast.district_b.pk,
            "category": CategoryFactory().pk,
            "language": "zh-hans",
            "title": "新建新闻",
            "body": "<p>正文</p>",
            "imported_views": 0,
        },
    ),
    "news:article_detail": Detail(_article, methods=("GET",)),
    "news:article_edit": Detail(_article),
    "news:article_preview": Detail(_article, methods=("GET",)),
    "news:article_submit": Detail(_article, methods=("POST",)),
    "news:article_approve": Detail(_article),
    "news:article_reject": Detail(_article, methods=("POST",)),
    "news:article_unpublish": Detail(_article, methods=("POST",)),
    "news:revision_diff": Detail(_revision, methods=("GET",)),
    "news:revision_restore": Detail(_revision, methods=("POST",)),
    "news:attachment_add": Detail(_article, methods=("POST",)),
    "news:attachment_remove": Detail(_attachment, methods=("POST",)),
    "news:category_list": Exempt(CATEGORY_REASON),
    "news:category_create": Exempt(CATEGORY_REASON),
    "news:category_edit": Exempt(CATEGORY_REASON),
    "news:index": Public(_public_list),
    "news:category": Public(_public_category),
    "news:search": Public(_public_list),
    "news:feed": Public(_public_category),
    "news:article": Public(_public_article),
    "news:cover": Public(_public_cover, statuses=(404,)),
    "news:attachment": Public(_public_attachment, statuses=(404,)),
    "api:article_list": Listing(_listing),
    "api:article_detail": Detail(
        lambda cast: {"article_id": _sibling(cast).public_id}, methods=("GET",)
    ),
    "api:article_submit": Detail(
        lambda cast: {"article_id": _sibling(cast).public_id}, methods=("POST",)
    ),
    "api:article_approve": Detail(
        lambda cast: {"article_id": _sibling(cast).public_id},
        methods=("POST",),
        payload=lambda cast: {},
    ),
    "api:article_create": Create(
        "news.Article",
        lambda cast: {
            "unit": str(cast.district_b.public_id),
            "category": CategoryFactory().slug,
            "title": "新建新闻",
            "body": "<p>正文</p>",
        },
    ),
}
