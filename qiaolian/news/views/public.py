"""The public news site, no login: lists, articles, search, feeds, covers and attachments.

Only `selectors.public_articles()` (the published rule of core/views/public.py) is read here.
Pages are rendered once into the cache (news/cache.py) and answered from it; each answer
carries an ETag and a Last-Modified date, so a reader's browser revalidates with a 304. The
article page's view count is filled into the cached page at each answer, after the view is
counted (news/counting.py).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.cache import caches
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views import View

from qiaolian.core.files import serve_private_file
from qiaolian.core.pdf import qr_svg
from qiaolian.core.scoping import Action
from qiaolian.core.views.public import is_published, public_cache_headers
from qiaolian.news import cache, counting, selectors
from qiaolian.news.models import Article, Attachment, Category

VIEWS_TOKEN = "\x00NEWS-VIEWS\x00"  # noqa: S105 - a placeholder, not a secret
PER_PAGE = 20
LANGS = {"zh-hans", "en"}


def _activate_language(request) -> str:
    """`?lang=en` chooses the language of a public page (a link, cacheable, no form)."""
    lang = request.GET.get("lang", "")
    if lang in LANGS:
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
    return translation.get_language() or "zh-hans"


def lang_query(request) -> str:
    lang = request.GET.get("lang", "")
    return f"lang={lang}" if lang in LANGS else ""


def base_context(request) -> dict[str, Any]:
    lq = lang_query(request)
    return {
        "categories": list(selectors.public_categories()),
        "lq": lq,
        "lq_amp": f"&{lq}" if lq else "",
        "lq_q": f"?{lq}" if lq else "",
        "here": request.path,
    }


def article_context(request, article: Article, *, preview: bool = False) -> dict[str, Any]:
    """What the article page shows: the public page and the staff preview use the same."""
    url = request.build_absolute_uri(article.get_absolute_url())
    description = article.summary or Truncator(article.body_text).chars(120)
    cover_url = (
        request.build_absolute_uri(reverse("news:cover", args=[article.public_id]))
        if article.cover
        else ""
    )
    return {
        **base_context(request),
        "article": article,
        "category": article.category,
        "tags": list(article.tags.all()),
        "attachments": list(article.attachments.all()),
        "related": selectors.related(article),
        "share_url": url,
        "share_qr": mark_safe(qr_svg(url, scale=4)),  # noqa: S308 (segno's own SVG)
        "description": description,
        "cover_url": cover_url,
        "preview": preview,
    }


def render_article(request, article: Article, *, preview: bool = False, views: Any = None) -> str:
    context = article_context(request, article, preview=preview)
    context["views"] = VIEWS_TOKEN if views is None else f"{views:,}"
    return render_to_string("news/public/article.html", context, request=request)


class CachedPage(View):
    """A public page kept rendered in the cache; answers carry ETag and Last-Modified."""

    http_method_names = ["get", "head"]
    max_age = 60

    def dispatch(self, request, *args, **kwargs):
        self.language = _activate_language(request)
        return super().dispatch(request, *args, **kwargs)

    def build(self) -> dict[str, Any]:
        """Render the page: {"html": …, "modified": timestamp}; raise Http404 if none."""
        raise NotImplementedError

    def finish(self, entry: dict[str, Any]) -> tuple[str, str]:
        """The page to send and what its ETag depends on beyond the cached entry."""
        return entry["html"], ""

    def get(self, request, *args, **kwargs):
        query = sorted((k, v) for k, v in request.GET.items() if k != "lang")
        generation = cache.generation()
        key = cache.page_key(generation, request.get_host(), self.language, request.path, query)
        store = caches["default"]
        entry = store.get(key) if cache.enabled() else None
        # The entry carries its own end (the next scheduled change), read against the site's
        # clock: a backend's expiry (Redis' TTL) runs on another clock.
        if entry is not None and entry.get("until", float("inf")) <= time.time():
            entry = None
        if entry is None:
            entry = self.build()
            if cache.enabled():
                seconds = cache.seconds_to_next_change()
                entry["until"] = time.time() + seconds
                store.set(key, entry, seconds)
        html, extra = self.finish(entry)
        digest = hashlib.blake2b(f"{key}|{extra}".encode(), digest_size=12).hexdigest()
        etag = f'"{digest}"'
        # Never older than the last change to the site (an unpublished article leaves a list).
        modified = max(int(entry["modified"]), generation // 1_000_000_000)
        response = get_conditional_response(request, etag=etag, last_modified=modified)
        if response is None:
            response = HttpResponse(html)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
        return public_cache_headers(request, response, self.max_age)


def _stamp(moment) -> int:
    return int((moment or timezone.now()).timestamp())


def _newest(articles):
    """The latest change among the listed articles (published or edited)."""
    return max((max(a.updated_at, a.publish_at) for a in articles), default=None)


def _page(request, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return page


class IndexView(CachedPage):
    """/news/: the newest articles of each category (or of one unit with ?unit=<code>)."""

    def build(self):
        unit_code = self.request.GET.get("unit", "")[:20]
        articles = selectors.city_site_articles(unit_code=unit_code)
        sections = []
        for category in selectors.public_categories():
            items = list(selectors.newest_first(articles.filter(category=category))[:6])
            if items:
                sections.append({"category": category, "articles": items})
        newest = _newest(a for s in sections for a in s["articles"])
        context = {**base_context(self.request), "sections": sections, "unit_code": unit_code}
        html = render_to_string("news/public/index.html", context, request=self.request)
        return {"html": html, "modified": _stamp(newest)}


class CategoryView(CachedPage):
    def build(self):
        category = get_object_or_404(  # scoping: exempt - the public sections only
            selectors.public_categories(), slug=self.kwargs["category"]
        )
        articles = selectors.newest_first(
            selectors.city_site_articles(unit_code=self.request.GET.get("unit", "")[:20]).filter(
                category=category
            )
        )
        page = _page(self.request, articles)
        newest = _newest(page.object_list)
        context = {**base_context(self.request), "category": category, "page": page}
        html = render_to_string("news/public/category.html", context, request=self.request)
        return {"html": html, "modified": _stamp(newest)}


class SearchView(CachedPage):
    def build(self):
        q = " ".join(self.request.GET.get("q", "").split())[:60]
        page = _page(self.request, selectors.search(q))  # no words: the newest articles
        query = urlencode({"q": q})
        context = {**base_context(self.request), "q": q, "page": page, "query": query}
        html = render_to_string("news/public/search.html", context, request=self.request)
        return {"html": html, "modified": _stamp(None)}


class ArticleView(CachedPage):
    """/news/<category>/<id or address name>/: the article, its views counted."""

    max_age = 0  # revalidated each time (a 304 when nothing moved), so each visit is counted

    def build(self):
        article = selectors.public_article(self.kwargs["category"], self.kwargs["key"])
        if article is None:
            raise Http404
        html = render_article(self.request, article)
        return {
            "html": html,
            "modified": _stamp(max(article.updated_at, article.publish_at)),
            "article": article.pk,
            "imported": article.imported_views,
        }

    def finish(self, entry):
        counting.count_view(self.request, entry["article"])
        views = counting.total_views(entry["article"], entry["imported"])
        return entry["html"].replace(VIEWS_TOKEN, f"{views:,}"), str(views)


class CoverView(View):
    """The cover image of a published article (and of any article its staff may see)."""

    http_method_names = ["get", "head"]

    def get(self, request, public_id):
        # scoping: exempt - public pages read the published rule only (core/views/public.py)
        article = _readable(request, Article.objects.all(), public_id=public_id)
        response = serve_private_file(
            request, article, "cover", content_type="image/jpeg", inline=True
        )
        if is_published(article, selectors.public_articles()):
            response["Cache-Control"] = "public, max-age=86400"
        return response


class AttachmentView(View):
    http_method_names = ["get", "head"]

    def get(self, request, public_id):
        try:
            # scoping: exempt - the article is checked next: published, or visible to the user
            attachment = Attachment.objects.select_related("article").get(public_id=public_id)
        except (Attachment.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        # scoping: exempt - public pages read the published rule only (core/views/public.py)
        _readable(request, Article.objects.all(), pk=attachment.article_id)
        return serve_private_file(request, attachment, "file")


def _readable(request, queryset, **lookup) -> Article:
    """A published article, or one the signed-in staff user may view (a preview's images)."""
    article = selectors.public_articles().filter(**lookup).first()
    if article is None and request.user.is_authenticated:
        article = queryset.restrict(request.user, Action.VIEW).filter(**lookup).first()
    if article is None:
        raise Http404
    return article


class CategoryFeed(Feed):
    """An Atom feed of a category's newest articles."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        _activate_language(request)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, category):
        return get_object_or_404(  # scoping: exempt - the public sections only
            selectors.public_categories(), slug=category
        )

    def title(self, obj: Category) -> str:
        return f"{obj.label} · {_('Federation news')}"

    def link(self, obj: Category) -> str:
        return reverse("news:category", args=[obj.slug])

    def subtitle(self, obj: Category) -> str:
        return _("The newest articles of %(category)s.") % {"category": obj.label}

    def items(self, obj: Category):
        return selectors.newest_first(selectors.city_site_articles().filter(category=obj))[:20]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary or Truncator(item.body_text).chars(200)

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author_name or item.source
