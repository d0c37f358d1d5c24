"""The news API (mounted at /api/news): articles in the caller's scope, read through the same
selectors as the staff pages; writes through the same services."""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Router, Schema

from qiaolian.core.api_kit import ApiError, UnitOwnedOut, api_enum, paginated, require, visible_unit
from qiaolian.core.scoping import Action
from qiaolian.news import counting, selectors, services
from qiaolian.news.apps import NEWS
from qiaolian.news.models import Article, Category, Status

ArticleStatus = api_enum(Status, "ArticleStatus")

router = Router(tags=["news"])


class ArticleOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    title: str
    category: str
    status: ArticleStatus
    source: str
    author_name: str
    summary: str
    publish_at: datetime | None
    unpublish_at: datetime | None
    views: int
    version: int

    @staticmethod
    def resolve_category(obj: Article) -> str:
        return obj.category.slug

    @staticmethod
    def resolve_views(obj: Article) -> int:
        return counting.total_views(obj.pk, obj.imported_views)


class ArticleDetailOut(ArticleOut):
    body: str
    tags: list[str]

    @staticmethod
    def resolve_tags(obj: Article) -> list[str]:
        return services.tag_names(obj)


class ArticleIn(Schema):
    unit: UUID
    category: str
    title: str = Field(..., max_length=200)
    body: str
    source: str = ""
    author_name: str = ""
    summary: str = ""
    tags: list[str] = []


def _category(slug: str) -> Category:
    # scoping: exempt - categories are the whole site's sections, owned by no unit
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ApiError(422, "invalid", "unknown category", {"category": ["unknown category"]})
    return category


@router.get("/articles", response=list[ArticleOut])
@paginated(page_size=100)
def article_list(
    request, status: ArticleStatus | None = None, unit: UUID | None = None, q: str = ""
):
    """Articles in the caller's scope, newest change first."""
    require(request.auth, NEWS.VIEW)
    articles = selectors.article_list(
        user=request.auth, within=visible_unit(request.auth, unit, NEWS.VIEW)
    )
    articles = selectors.filter_articles(articles, {"status": status, "q": q})
    return articles.order_by("-updated_at", "-pk")


@router.get("/articles/{article_id}", response=ArticleDetailOut)
def article_detail(request, article_id: UUID):
    """One article with its body and tags."""
    return selectors.article_list(user=request.auth).get_visible(
        request.auth, Action.VIEW, public_id=article_id
    )


@router.post("/articles", response={201: ArticleDetailOut})
def article_create(request, payload: ArticleIn):
    """Write a draft article in a unit of the caller's scope."""
    require(request.auth, NEWS.ADD)
    unit = visible_unit(request.auth, payload.unit, NEWS.ADD)
    try:
        article = services.article_create(
            actor=request.auth,
            unit=unit,
            category=_category(payload.category),
            title=payload.title,
            body=payload.body,
            source=payload.source,
            author_name=payload.author_name,
            summary=payload.summary,
            tags=payload.tags,
        )
    except ValidationError as exc:
        fields = getattr(exc, "message_dict", None)
        raise ApiError(422, "invalid", " ".join(exc.messages), fields) from exc
    except PermissionDenied as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    return 201, article


class ApproveIn(Schema):
    publish_at: datetime | None = None
    unpublish_at: datetime | None = None


def _visible(request, article_id: UUID, action: str) -> Article:
    return selectors.article_list(user=request.auth, action=action).get_visible(
        request.auth, action, public_id=article_id
    )


def _refusal(exc: Exception) -> ApiError:
    if isinstance(exc, PermissionDenied):
        return ApiError(403, "forbidden", str(exc))
    fields = getattr(exc, "message_dict", None)
    return ApiError(422, "invalid", " ".join(getattr(exc, "messages", [str(exc)])), fields)


@router.post("/articles/{article_id}/submit", response=ArticleDetailOut)
def article_submit(request, article_id: UUID):
    """Send a draft (or an unpublished article) for review."""
    article = _visible(request, article_id, NEWS.CHANGE)
    try:
        return services.article_submit(actor=request.auth, article=article)
    except (ValidationError, PermissionDenied) as exc:
        raise _refusal(exc) from exc


@router.post("/articles/{article_id}/approve", response=ArticleDetailOut)
def article_approve(request, article_id: UUID, payload: ApproveIn):
    """Approve an article under review (someone other than its writer): published now, or
    at `publish_at`; unpublished at `unpublish_at` when given."""
    article = _visible(request, article_id, NEWS.APPROVE)
    try:
        return services.article_approve(
            actor=request.auth,
            article=article,
            publish_at=payload.publish_at,
            unpublish_at=payload.unpublish_at,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refusal(exc) from exc
