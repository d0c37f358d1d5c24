"""factory-boy factories for the news."""

import factory
from django.utils import timezone

from qiaolian.core.richtext import plain_text
from qiaolian.core.testing.factories import UnitFactory, UserFactory
from qiaolian.news.models import Article, ArticleView, Category, Status, Tag


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"栏目{n}")
    name_en = factory.Sequence(lambda n: f"Section {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article by default (`status=Status.DRAFT` for a draft)."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"侨联新闻标题{n:04d}")
    body = factory.Sequence(lambda n: f"<p>侨联新闻正文{n:04d}</p>")
    body_text = factory.LazyAttribute(lambda o: plain_text(o.body))
    source = "世界侨网"
    status = Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set([Tag.objects.get_or_create(name=name)[0] for name in extracted])


class ArticleViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleView

    article = factory.SubFactory(ArticleFactory)
    day = factory.LazyFunction(timezone.localdate)
    count = 1
