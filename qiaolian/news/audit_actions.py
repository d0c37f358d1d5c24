"""The names of the news app's audit operations (registry: `QiaolianApp.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "news.category_create": _("News category created"),
    "news.category_update": _("News category changed"),
    "news.article_create": _("Article written"),
    "news.article_update": _("Article changed"),
    "news.article_submit": _("Article sent for review"),
    "news.article_approve": _("Article approved and published"),
    "news.article_reject": _("Article sent back to its author"),
    "news.article_unpublish": _("Article unpublished"),
    "news.article_restore": _("Article revision restored"),
    "news.attachment_add": _("Article attachment added"),
    "news.attachment_remove": _("Article attachment removed"),
    "seed.news": _("Demo data loaded (news)"),
}
