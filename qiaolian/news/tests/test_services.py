"""The news services: the moderation flow, separation of duties, revisions, covers, scope."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from qiaolian.core.models import AuditEvent
from qiaolian.news import services
from qiaolian.news.models import Article, Status
from qiaolian.news.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return CategoryFactory(slug="federation", name="侨联动态")


def _draft(cast, category, **kwargs):
    fields = {"title": "甲区新闻", "body": "<p>正文<script>alert(1)</script></p>", **kwargs}
    return services.article_create(
        actor=cast.district_manager, unit=cast.district_a, category=category, **fields
    )


def test_the_flow_draft_review_published_by_another_person(cast, category):
    article = _draft(cast, category, tags="为侨服务，热线")
    assert article.status == Status.DRAFT
    assert "<script>" not in article.body
    assert services.tag_names(article) == ["为侨服务", "热线"]
    article = services.article_submit(actor=cast.district_manager, article=article)
    assert article.status == Status.REVIEW
    with pytest.raises(PermissionDenied, match="someone else"):
        services.article_approve(actor=cast.district_manager, article=article)
    article = services.article_approve(actor=cast.city_admin, article=article)
    assert article.status == Status.PUBLISHED and article.reviewed_by == cast.city_admin
    assert Article.objects.published().filter(pk=article.pk).exists()
    codes = list(
        AuditEvent.objects.filter(object_id=str(article.public_id)).values_list("action", flat=True)
    )
    assert {"news.article_create", "news.article_submit", "news.article_approve"} <= set(codes)


def test_a_sibling_district_can_neither_write_nor_approve(cast, category):
    with pytest.raises(PermissionDenied):
        services.article_create(
            actor=cast.sibling_manager,
            unit=cast.district_a,
            category=category,
            title="x",
            body="<p>x</p>",
        )
    article = services.article_submit(actor=cast.district_manager, article=_draft(cast, category))
    with pytest.raises(PermissionDenied):
        services.article_approve(actor=cast.sibling_manager, article=article)
    with pytest.raises(PermissionDenied):
        services.article_approve(actor=cast.district_clerk, article=article)  # read-only


def test_scheduling_and_unpublishing(cast, category):
    article = services.article_submit(actor=cast.district_manager, article=_draft(cast, category))
    later = timezone.now() + timedelta(days=2)
    article = services.article_approve(
        actor=cast.city_admin,
        article=article,
        publish_at=later,
        unpublish_at=later + timedelta(days=1),
    )
    assert article.is_scheduled
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=later + timedelta(hours=1)).filter(pk=article.pk).exists()
    assert (
        not Article.objects.published(now=later + timedelta(days=2)).filter(pk=article.pk).exists()
    )
    article = services.article_unpublish(actor=cast.district_manager, article=article)
    assert article.status == Status.UNPUBLISHED
    with pytest.raises(ValidationError):
        services.article_unpublish(actor=cast.district_manager, article=article)


def test_the_unpublish_time_must_follow_the_publish_time(cast, category):
    article = services.article_submit(actor=cast.district_manager, article=_draft(cast, category))
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.article_approve(
            actor=cast.city_admin,
            article=article,
            publish_at=now,
            unpublish_at=now - timedelta(hours=1),
        )


def test_only_the_city_shows_a_districts_article_on_its_site(cast, category):
    article = services.article_submit(actor=cast.district_manager, article=_draft(cast, category))
    with pytest.raises(PermissionDenied, match="city"):
        services.article_update(
            actor=cast.district_manager, article=article, show_on_city_site=True
        )
    article = services.article_approve(
        actor=cast.city_admin, article=article, show_on_city_site=True
    )
    assert Article.objects.published().on_city_site().filter(pk=article.pk).exists()


def test_each_save_keeps_a_revision_and_a_restore_brings_the_text_back(cast, category):
    article = _draft(cast, category, title="第一版")
    article = services.article_update(
        actor=cast.district_manager,
        article=article,
        expected_version=article.version,
        title="第二版",
        tags="新标签",
    )
    assert list(article.revisions.values_list("number", flat=True)) == [2, 1]
    first = article.revisions.get(number=1)
    article = services.revision_restore(
        actor=cast.district_manager, article=article, revision=first
    )
    assert article.title == "第一版" and services.tag_names(article) == []
    assert article.revisions.count() == 3


def test_a_stale_edit_is_refused(cast, category):
    from qiaolian.core.versioning import EditConflict

    article = _draft(cast, category)
    services.article_update(
        actor=cast.district_manager, article=article, expected_version=1, title="甲"
    )
    with pytest.raises(EditConflict):
        services.article_update(
            actor=cast.district_manager, article=article, expected_version=1, title="乙"
        )


def test_a_published_article_is_edited_only_by_an_approver(cast, category):
    article = services.article_create(
        actor=cast.township_worker,
        unit=cast.township_a1,
        category=category,
        title="街道",
        body="<p>x</p>",
    )
    article = services.article_submit(actor=cast.township_worker, article=article)
    article = services.article_approve(actor=cast.district_manager, article=article)
    with pytest.raises(PermissionDenied, match="published"):
        services.article_update(actor=cast.township_worker, article=article, title="改")
    services.article_update(actor=cast.district_manager, article=article, title="改")


def _jpeg_with_exif() -> SimpleUploadedFile:
    image = Image.new("RGB", (3000, 2000), "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0131] = "PhoneSoftware"  # Software
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_cover_is_resized_and_stripped_of_exif(cast, category, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    article = _draft(cast, category, cover=_jpeg_with_exif())
    with article.cover.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    assert max(image.size) == services.COVER_MAX
    assert not image.getexif()


def test_a_cover_that_is_not_an_image_is_refused(cast, category):
    fake = SimpleUploadedFile("cover.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        _draft(cast, category, cover=fake)
    assert not Article.objects.exists()


def test_a_category_cannot_take_a_reserved_address(cast):
    with pytest.raises(ValidationError):
        services.category_create(actor=cast.city_admin, slug="search", name="搜索")
    with pytest.raises(PermissionDenied):
        services.category_create(actor=cast.district_manager, slug="mine", name="区栏目")
    assert services.category_create(actor=cast.city_admin, slug="mine", name="栏目").pk


def test_an_address_name_is_taken_once(cast, category):
    _draft(cast, category, slug="visit")
    with pytest.raises(ValidationError) as error:
        _draft(cast, category, slug="visit")
    assert "already has this address name" in str(error.value)
