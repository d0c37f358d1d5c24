"""The public news site: published articles only, breadcrumbs, views, share QR, related,
search, feeds, cache and conditional GET."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiaolian.news import counting
from qiaolian.news.models import Status
from qiaolian.news.tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture
def china():
    return CategoryFactory(slug="china", name="中国新闻", name_en="China news")


def _get(url, client=None, **headers):
    return (client or Client()).get(url, headers={"User-Agent": BROWSER, **headers})


def test_the_article_page_shows_what_the_reference_page_shows(cast, china):
    article = ArticleFactory(
        unit=cast.city,
        category=china,
        title="宁波侨联打造铁军",
        slug="iron",
        source="世界侨网",
        author_name="张三",
        imported_views=10532,
        publish_at=timezone.make_aware(timezone.datetime(2020, 7, 2, 15, 38, 1)),
    )
    response = _get(article.get_absolute_url() + "?lang=zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert "首页" in page and "中国新闻" in page and "查看详情" in page
    assert "世界侨网" in page and "张三" in page
    assert "2020-07-02 15:38:01" in page
    assert "10,533" in page  # the imported 10,532 and this first visit
    assert "暂无信息" in page  # no related articles
    assert '<meta property="og:title" content="宁波侨联打造铁军">' in page
    assert 'property="og:url" content="http://testserver/news/china/iron/"' in page
    assert "<svg" in page  # the share QR code
    # the same article by its id
    assert _get(f"/news/china/{article.pk}/").status_code == 200
    # under another category: no such page
    CategoryFactory(slug="other")
    assert _get("/news/other/iron/").status_code == 404


def test_the_share_qr_code_encodes_the_page_address(cast, china):
    article = ArticleFactory(unit=cast.city, category=china, slug="qr")
    from qiaolian.core.pdf import qr_svg

    page = _get(article.get_absolute_url()).content.decode()
    assert qr_svg("http://testserver/news/china/qr/", scale=4) in page


@pytest.mark.parametrize(
    "state",
    ["draft", "review", "unpublished", "scheduled", "expired", "hidden category"],
)
def test_an_article_not_published_is_a_404_by_id_and_by_slug_and_absent_everywhere(
    cast, china, state
):
    now = timezone.now()
    kwargs = {
        "draft": {"status": Status.DRAFT},
        "review": {"status": Status.REVIEW},
        "unpublished": {"status": Status.UNPUBLISHED},
        "scheduled": {"publish_at": now + timedelta(hours=1)},
        "expired": {"unpublish_at": now - timedelta(seconds=1)},
        "hidden category": {"category": CategoryFactory(slug="internal", is_public=False)},
    }[state]
    kwargs.setdefault("category", china)
    hidden = ArticleFactory(
        unit=cast.city, title="不应出现的新闻", slug="secret", tags=["共同"], **kwargs
    )
    shown = ArticleFactory(unit=cast.city, category=china, title="公开新闻", tags=["共同"])
    slug = hidden.category.slug
    assert _get(f"/news/{slug}/secret/").status_code == 404
    assert _get(f"/news/{slug}/{hidden.pk}/").status_code == 404
    for url in (
        "/news/",
        "/news/china/",
        "/news/search/?q=新闻",
        "/news/china/feed/",
        shown.get_absolute_url(),
    ):
        page = _get(url).content.decode()
        assert "不应出现的新闻" not in page, url
        assert "公开新闻" in page, url
    assert _get(reverse("news:cover", args=[hidden.public_id])).status_code == 404


def test_a_scheduled_article_appears_when_its_time_comes(cast, china):
    from freezegun import freeze_time

    article = ArticleFactory(
        unit=cast.city, category=china, publish_at=timezone.now() + timedelta(minutes=10)
    )
    assert article.title not in _get("/news/china/").content.decode()
    with freeze_time(timezone.now() + timedelta(minutes=11)):
        assert article.title in _get("/news/china/").content.decode()


def test_views_count_once_per_visitor_a_day_and_never_for_robots(cast, china):
    article = ArticleFactory(unit=cast.city, category=china, imported_views=100)
    url = article.get_absolute_url()
    _get(url)
    _get(url)  # a reload: not counted
    _get(url, **{"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    _get(url, REMOTE_ADDR="10.0.0.2") if False else None
    other = Client(REMOTE_ADDR="10.9.9.9")
    page = _get(url, client=other).content.decode()  # a second visitor
    assert 'id="views">102<' in page
    assert counting.total_views(article.pk, 100) == 102
    # nothing about the visitor is in the database, the article row was not written
    article.refresh_from_db()
    assert article.version == 1
    assert counting.flush_views() == 2
    assert article.daily_views.get().count == 2
    assert counting.total_views(article.pk, 100) == 102  # flushed, not lost nor doubled


def test_the_visitor_key_is_a_keyed_hash_not_the_address():
    day = timezone.localdate()
    digest = counting.visitor_digest(ip="203.0.113.9", user_agent="UA", day=day, article_id=1)
    assert "203.0.113.9" not in digest and len(digest) == 64
    other_day = counting.visitor_digest(
        ip="203.0.113.9", user_agent="UA", day=day - timedelta(days=1), article_id=1
    )
    assert digest != other_day


def test_pages_come_from_the_cache_and_answer_304_until_a_publish(
    cast, china, django_assert_num_queries
):
    article = ArticleFactory(unit=cast.city, category=china, title="缓存新闻")
    first = _get("/news/china/")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = _get("/news/china/", **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    since = _get("/news/china/", **{"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    # a change through a service drops the cached pages
    from qiaolian.news import services

    services.article_unpublish(actor=cast.city_admin, article=article)
    page = _get("/news/china/", **{"If-None-Match": first["ETag"]})
    assert page.status_code == 200 and "缓存新闻" not in page.content.decode()


def test_a_cached_article_page_needs_no_database_query(cast, china, django_assert_max_num_queries):
    article = ArticleFactory(unit=cast.city, category=china)
    url = article.get_absolute_url()
    _get(url)
    with django_assert_max_num_queries(1):  # one read of the shared cache table (Redis: none)
        response = _get(url)
    assert response.status_code == 200


def test_search_finds_chinese_fragments_in_titles_and_bodies(cast, china):
    ArticleFactory(unit=cast.city, category=china, title="海外侨团抗疫纪实", body="<p>口罩</p>")
    ArticleFactory(unit=cast.city, category=china, title="其他", body="<p>侨胞寄送口罩物资</p>")
    page = _get("/news/search/?q=侨团").content.decode()
    assert "海外侨团抗疫纪实" in page and "其他" not in page
    page = _get("/news/search/?q=口罩").content.decode()
    assert "海外侨团抗疫纪实" in page and "其他" in page


def test_related_articles_share_a_tag_in_the_category(cast, china):
    article = ArticleFactory(unit=cast.city, category=china, tags=["为侨服务"])
    related = ArticleFactory(unit=cast.city, category=china, title="相关一", tags=["为侨服务"])
    ArticleFactory(unit=cast.city, category=china, title="无关", tags=["其他"])
    page = _get(article.get_absolute_url()).content.decode()
    assert related.title in page and "无关" not in page


def test_a_districts_article_is_on_the_city_site_only_when_chosen(cast, china):
    chosen = ArticleFactory(unit=cast.district_a, category=china, show_on_city_site=True)
    own = ArticleFactory(unit=cast.district_b, category=china, title="乙区自己的新闻")
    page = _get("/news/china/").content.decode()
    assert chosen.title in page and own.title not in page
    page = _get(f"/news/china/?unit={cast.district_b.code}").content.decode()
    assert own.title in page and chosen.title not in page
    assert _get(own.get_absolute_url()).status_code == 200


def test_the_feed_is_atom_with_the_articles(cast, china):
    article = ArticleFactory(unit=cast.city, category=china)
    response = _get("/news/china/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert article.title in response.content.decode()
    assert _get("/news/nothing/feed/").status_code == 404


def test_english_pages_by_link(cast, china):
    ArticleFactory(unit=cast.city, category=china)
    page = _get("/news/china/?lang=en").content.decode()
    assert "China news" in page and 'lang="en"' in page
    page = _get("/news/china/?lang=zh-hans").content.decode()
    assert "中国新闻" in page


def test_pagination_of_a_category(cast, china):
    for _ in range(21):
        ArticleFactory(unit=cast.city, category=china)
    assert 'rel="next"' in _get("/news/china/").content.decode()
    assert 'rel="prev"' in _get("/news/china/?page=2").content.decode()


def test_the_article_page_is_well_formed_html(cast, china):
    from html.parser import HTMLParser

    article = ArticleFactory(unit=cast.city, category=china, tags=["甲"])
    page = _get(article.get_absolute_url()).content.decode()
    void = {"meta", "link", "input", "img", "br", "hr", "path", "rect"}

    class Checker(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack = []

        def handle_starttag(self, tag, attrs):
            if tag not in void:
                self.stack.append(tag)

        def handle_startendtag(self, tag, attrs):
            pass

        def handle_endtag(self, tag):
            if tag in void:
                return
            assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
            self.stack.pop()

    checker = Checker()
    checker.feed(page)
    assert checker.stack == []
    for prop in ("og:title", "og:description", "og:url", "og:type"):
        assert f'property="{prop}"' in page
