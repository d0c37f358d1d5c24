from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core.registry import (
    RECORD_VERBS,
    Figure,
    NavItem,
    NavSection,
    PeriodicTask,
    PersonData,
    QiaolianApp,
    SeedStep,
    WorkPanel,
)
from qiaolian.core.scoping import Action, DomainActions

NEWS = DomainActions("news")
"""The actions of the news domain ("news.view", "news.approve", …)."""


class NewsConfig(QiaolianApp):
    name = "qiaolian.news"
    label = "news"
    verbose_name = "News"
    url_prefix = "news/"
    api_router = "qiaolian.news.api:router"
    api_prefix = "/news"
    domain_label = _("News")
    domain_verbs = (*RECORD_VERBS, Action.APPROVE, Action.CONFIGURE)

    def navigation(self) -> list[NavSection]:
        return [
            NavSection(
                "news",
                _("News"),
                400,
                (
                    NavItem(_("Articles"), "news:article_list", "ti-news", "news.view"),
                    NavItem(
                        _("News categories"),
                        "news:category_list",
                        "ti-category",
                        "news.configure",
                        whole_subtree=True,
                    ),
                ),
            )
        ]

    def seed_steps(self) -> list[SeedStep]:
        return [SeedStep("news", "qiaolian.news.seed:run")]

    def periodic_tasks(self) -> list[PeriodicTask]:
        return [PeriodicTask("qiaolian.news.tasks.flush_views", 60)]

    def my_work(self) -> list[WorkPanel]:
        return [
            WorkPanel(
                "news.to_approve",
                _("Articles waiting for my approval"),
                "qiaolian.news.work.to_approve",
                "news.approve",
                order=80,
            )
        ]

    def figures(self) -> list[Figure]:
        return [
            Figure(
                "news.articles_published",
                _("News articles published"),
                pgettext_lazy("measure", "articles"),
                "qiaolian.news.figures.articles_published",
                "qiaolian.news.figures.articles_url",
                permission="news.view",
                order=400,
            ),
            Figure(
                "news.views",
                _("News article views"),
                pgettext_lazy("measure", "views"),
                "qiaolian.news.figures.views",
                "qiaolian.news.figures.articles_url",
                permission="news.view",
                order=401,
                snapshot=True,
            ),
        ]

    def person_data(self) -> list[PersonData]:
        return []

    def audit_actions(self) -> dict:
        from qiaolian.news.audit_actions import LABELS

        return LABELS
