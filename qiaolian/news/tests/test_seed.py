"""The news seed: categories, the reference article's numbers, related and none, idempotent."""

import pytest
from django.core.management import call_command
from django.test import Client

from qiaolian.news import seed
from qiaolian.news.models import Article, Category, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.SEED_NETWORK_PLAN = "off"
    settings.SEED_HOTLINE_PLAN = "off"
    call_command("seed", scale="1", verbosity=0)


def test_the_seed_reproduces_the_reference_page(seeded):
    assert set(Category.objects.values_list("name", flat=True)) >= {
        "中国新闻",
        "侨联动态",
        "通知公告",
        "侨界风采",
    }
    article = Article.objects.get(slug=seed.REFERENCE_SLUG)
    assert article.source == "世界侨网" and article.imported_views == 10532
    page = Client().get(article.get_absolute_url() + "?lang=zh-hans").content.decode()
    assert "2020-07-02 15:38:01" in page
    assert "10,53" in page  # 10,532 imported, plus this visit
    assert "暂无信息" in page
    other = Article.objects.get(slug="helpline-around-the-clock")
    page = Client().get(other.get_absolute_url() + "?lang=zh-hans").content.decode()
    assert "暂无信息" not in page
    assert Article.objects.filter(status=Status.DRAFT).exists()
    assert (
        Article.objects.filter(status=Status.PUBLISHED).published().count()
        < Article.objects.filter(status=Status.PUBLISHED).count()
    )  # one is scheduled


def test_the_views_figure_is_the_reference_count_on_the_day_of_the_seed(seeded):
    from qiaolian.core.figures import FigureContext, default_period
    from qiaolian.core.models import User
    from qiaolian.news import figures

    console = User(username="console", is_superuser=True, is_active=True)
    ctx = FigureContext(user=console, unit=None, period=default_period())
    assert figures.views(ctx) == seed.REFERENCE_VIEWS


def test_the_seed_runs_twice_without_duplicates(seeded):
    count = Article.objects.count()
    assert seed.run(1) == {"categories": 0, "articles": 0}
    assert Article.objects.count() == count
