"""Staff pages of the news: write, preview, submit, approve by another person, revisions,
categories."""

import pytest
from django.test import Client
from django.urls import reverse

from qiaolian.news import services
from qiaolian.news.models import Article, Status
from qiaolian.news.tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def category():
    return CategoryFactory(slug="federation", name="侨联动态", name_en="Federation news")


def test_a_writer_writes_and_another_person_approves_through_the_pages(cast, category):
    writer = _client(cast.township_worker)
    response = writer.post(
        reverse("news:article_create"),
        {
            "unit": cast.township_a1.pk,
            "category": category.pk,
            "language": "zh-hans",
            "title": "街道侨联新闻",
            "body": "<p>正文</p>",
            "tags": "为侨服务",
            "imported_views": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="街道侨联新闻")
    detail = reverse("news:article_detail", args=[article.public_id])
    page = writer.get(detail).content.decode()
    assert "Send for review" in page and "Approve and publish" not in page
    writer.post(reverse("news:article_submit", args=[article.public_id]))
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    # the writer cannot approve (the page refuses, nothing moves)
    writer.post(reverse("news:article_approve", args=[article.public_id]), {})
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    approver = _client(cast.district_manager)
    assert "Approve and publish" in approver.get(detail).content.decode()
    response = approver.post(reverse("news:article_approve", args=[article.public_id]), {})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.reviewed_by == cast.district_manager
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_the_preview_is_the_public_page_for_a_draft(cast, category):
    article = ArticleFactory(
        unit=cast.district_a, category=category, status=Status.DRAFT, title="草稿预览"
    )
    response = _client(cast.district_manager).get(
        reverse("news:article_preview", args=[article.public_id])
    )
    page = response.content.decode()
    assert response.status_code == 200 and "草稿预览" in page and 'id="preview-banner"' in page
    assert 'id="article-meta"' in page and 'id="related"' in page
    assert response["Cache-Control"] == "private, no-store"
    assert Client().get(f"/news/federation/{article.pk}/").status_code == 404


def test_the_list_is_scoped_and_filters(cast, category):
    ArticleFactory(unit=cast.district_a, category=category, title="甲区文章", status=Status.DRAFT)
    ArticleFactory(unit=cast.district_b, category=category, title="乙区文章")
    page = _client(cast.district_manager).get(reverse("news:article_list")).content.decode()
    assert "甲区文章" in page and "乙区文章" not in page
    page = (
        _client(cast.district_manager)
        .get(reverse("news:article_list") + "?status=published")
        .content.decode()
    )
    assert "甲区文章" not in page


def test_the_revision_diff_and_restore(cast, category):
    article = services.article_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        category=category,
        title="旧标题",
        body="<p>第一段</p>",
    )
    services.article_update(
        actor=cast.district_manager,
        article=article,
        title="新标题",
        body="<p>第一段</p><p>第二段</p>",
    )
    client = _client(cast.district_manager)
    page = client.get(reverse("news:revision_diff", args=[article.public_id, 2])).content.decode()
    assert "旧标题" in page and "新标题" in page and "第二段" in page and "table-success" in page
    client.post(reverse("news:revision_restore", args=[article.public_id, 1]))
    article.refresh_from_db()
    assert article.title == "旧标题"


def test_categories_are_set_by_the_city_only(cast, category):
    assert _client(cast.district_manager).get(reverse("news:category_create")).status_code == 403
    page = _client(cast.district_manager).get(reverse("news:category_list")).content.decode()
    assert "Federation news" in page and reverse("news:category_create") not in page
    client = _client(cast.city_admin)
    response = client.post(
        reverse("news:category_create"),
        {
            "slug": "people",
            "name": "侨界风采",
            "name_en": "Profiles",
            "is_public": "on",
            "order": 40,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("news:category_edit", args=[category.public_id]),
        {"slug": "federation", "name": "侨联动态", "name_en": "Federation", "order": 1},
    )
    category.refresh_from_db()
    assert response.status_code == 302 and not category.is_public


def test_an_attachment_is_checked_and_served_with_the_published_article(
    cast, category, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    article = ArticleFactory(unit=cast.district_a, category=category, status=Status.DRAFT)
    client = _client(cast.district_manager)
    url = reverse("news:attachment_add", args=[article.public_id])
    client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00 program")})
    assert not article.attachments.exists()
    client.post(url, {"file": SimpleUploadedFile("通知.pdf", b"%PDF-1.4 notice")})
    attachment = article.attachments.get()
    assert Client().get(reverse("news:attachment", args=[attachment.public_id])).status_code == 404
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    response = Client().get(reverse("news:attachment", args=[attachment.public_id]))
    assert response.status_code == 200


def test_my_work_counts_what_the_list_shows_waiting_for_my_approval(cast, category):
    from qiaolian.news.work import to_approve

    mine = ArticleFactory(
        unit=cast.district_a, category=category, status=Status.REVIEW, title="待我审核"
    )
    ArticleFactory(
        unit=cast.district_a,
        category=category,
        status=Status.REVIEW,
        title="我自己写的",
        created_by=cast.district_manager,
    )
    ArticleFactory(unit=cast.district_b, category=category, status=Status.REVIEW, title="乙区待审")
    work = to_approve(user=cast.district_manager)
    assert work.count == 1 and work.items[0].text == mine.title
    page = _client(cast.district_manager).get(work.url).content.decode()
    assert "待我审核" in page and "我自己写的" not in page and "乙区待审" not in page
