"""The news: the public site at /news/ and its staff pages at /news/staff/."""

from django.urls import path

from qiaolian.news.views import public, staff

app_name = "news"

urlpatterns: list = [
    # --- staff ------------------------------------------------------------------------------
    path("staff/articles/", staff.ArticleListView.as_view(), name="article_list"),
    path("staff/articles/new/", staff.ArticleCreateView.as_view(), name="article_create"),
    path(
        "staff/articles/<uuid:public_id>/",
        staff.ArticleDetailView.as_view(),
        name="article_detail",
    ),
    path(
        "staff/articles/<uuid:public_id>/edit/",
        staff.ArticleEditView.as_view(),
        name="article_edit",
    ),
    path(
        "staff/articles/<uuid:public_id>/preview/",
        staff.ArticlePreviewView.as_view(),
        name="article_preview",
    ),
    path(
        "staff/articles/<uuid:public_id>/submit/",
        staff.ArticleSubmitView.as_view(),
        name="article_submit",
    ),
    path(
        "staff/articles/<uuid:public_id>/approve/",
        staff.ArticleApproveView.as_view(),
        name="article_approve",
    ),
    path(
        "staff/articles/<uuid:public_id>/reject/",
        staff.ArticleRejectView.as_view(),
        name="article_reject",
    ),
    path(
        "staff/articles/<uuid:public_id>/unpublish/",
        staff.ArticleUnpublishView.as_view(),
        name="article_unpublish",
    ),
    path(
        "staff/articles/<uuid:public_id>/revisions/<int:number>/",
        staff.RevisionDiffView.as_view(),
        name="revision_diff",
    ),
    path(
        "staff/articles/<uuid:public_id>/revisions/<int:number>/restore/",
        staff.RevisionRestoreView.as_view(),
        name="revision_restore",
    ),
    path(
        "staff/articles/<uuid:public_id>/attachments/",
        staff.AttachmentAddView.as_view(),
        name="attachment_add",
    ),
    path(
        "staff/attachments/<uuid:public_id>/remove/",
        staff.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("staff/categories/", staff.CategoryListView.as_view(), name="category_list"),
    path("staff/categories/new/", staff.CategoryFormView.as_view(), name="category_create"),
    path(
        "staff/categories/<uuid:public_id>/edit/",
        staff.CategoryFormView.as_view(),
        name="category_edit",
    ),
    # --- public -----------------------------------------------------------------------------
    path("", public.IndexView.as_view(), name="index"),
    path("search/", public.SearchView.as_view(), name="search"),
    path("cover/<uuid:public_id>/", public.CoverView.as_view(), name="cover"),
    path("file/<uuid:public_id>/", public.AttachmentView.as_view(), name="attachment"),
    path("<slug:category>/", public.CategoryView.as_view(), name="category"),
    path("<slug:category>/feed/", public.CategoryFeed(), name="feed"),
    path("<slug:category>/<slug:key>/", public.ArticleView.as_view(), name="article"),
]
