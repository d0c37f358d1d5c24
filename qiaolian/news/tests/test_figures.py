"""The news figures equal a recount and leave the sibling unit out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qiaolian.core.figures import FigureContext, default_period
from qiaolian.news import figures
from qiaolian.news.models import Status
from qiaolian.news.tests.factories import ArticleFactory, ArticleViewFactory

pytestmark = pytest.mark.django_db


def test_articles_published_counts_the_period_and_leaves_the_sibling_out(cast):
    ArticleFactory.create_batch(3, unit=cast.district_a)
    ArticleFactory(unit=cast.township_a1)
    ArticleFactory(unit=cast.district_a, status=Status.DRAFT)
    ArticleFactory(unit=cast.district_a, publish_at=timezone.now() - timedelta(days=800))
    ArticleFactory.create_batch(2, unit=cast.district_b)
    ctx = FigureContext(user=cast.district_manager, unit=None, period=default_period())
    assert figures.articles_published(ctx) == 4
    city = FigureContext(user=cast.city_admin, unit=cast.city, period=default_period())
    assert figures.articles_published(city) == 6


def test_views_are_imported_plus_counted_and_leave_the_sibling_out(cast):
    mine = ArticleFactory(unit=cast.district_a, imported_views=10532)
    ArticleViewFactory(article=mine, count=7)
    ArticleViewFactory(article=mine, count=3, day=timezone.localdate() - timedelta(days=1))
    theirs = ArticleFactory(unit=cast.district_b, imported_views=500)
    ArticleViewFactory(article=theirs, count=9)
    ctx = FigureContext(user=cast.district_manager, unit=None, period=default_period())
    assert figures.views(ctx) == 10532 + 7 + 3
    city = FigureContext(user=cast.city_admin, unit=cast.city, period=default_period())
    assert figures.views(city) == 10532 + 10 + 500 + 9
