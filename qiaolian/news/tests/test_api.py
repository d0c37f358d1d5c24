"""The news API: scoped lists and details, drafts written through the service."""

import pytest
from django.test import Client

from qiaolian.core.services import api_token_create
from qiaolian.news.models import Article
from qiaolian.news.tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def _client(user):
    _token, secret = api_token_create(actor=user, name="news")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_list_and_detail_keep_to_the_callers_scope(cast):
    mine = ArticleFactory(unit=cast.district_a, title="甲区", imported_views=5)
    ArticleFactory(unit=cast.district_b, title="乙区")
    client = _client(cast.district_manager)
    body = client.get("/api/news/articles").json()
    titles = [row["title"] for row in body["items"]]
    assert titles == ["甲区"] and body["items"][0]["views"] == 5
    assert client.get(f"/api/news/articles/{mine.public_id}").json()["body"]
    other = Article.objects.get(title="乙区")
    assert client.get(f"/api/news/articles/{other.public_id}").status_code == 404


def test_a_draft_is_written_through_the_service(cast):
    category = CategoryFactory(slug="federation")
    client = _client(cast.district_manager)
    response = client.post(
        "/api/news/articles",
        {
            "unit": str(cast.district_a.public_id),
            "category": "federation",
            "title": "接口",
            "body": "<p>x</p>",
            "tags": ["甲"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft" and response.json()["tags"] == ["甲"]
    assert Article.objects.get(title="接口").category == category


def test_submit_and_approve_by_another_person(cast):
    article = ArticleFactory(unit=cast.district_a, status="draft", created_by=cast.district_manager)
    writer = _client(cast.district_manager)
    response = writer.post(f"/api/news/articles/{article.public_id}/submit")
    assert response.status_code == 200 and response.json()["status"] == "review"
    response = writer.post(
        f"/api/news/articles/{article.public_id}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 403
    response = _client(cast.city_admin).post(
        f"/api/news/articles/{article.public_id}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "published"
