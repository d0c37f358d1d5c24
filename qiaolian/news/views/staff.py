"""Staff pages of the news: articles (write, preview, submit, approve, schedule, unpublish,
revisions), attachments and the site's categories. Every article read starts from restrict()."""

from __future__ import annotations

import difflib

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.core.views.conflicts import ConflictFormMixin
from qiaolian.core.views.generic import (
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)
from qiaolian.news import counting, selectors, services
from qiaolian.news.apps import NEWS
from qiaolian.news.forms import (
    ApproveForm,
    ArticleFilterForm,
    ArticleForm,
    AttachmentForm,
    CategoryForm,
)
from qiaolian.news.models import Article, Attachment, Category, Status
from qiaolian.news.views.public import render_article


def _can(user, article: Article, action: str) -> bool:
    return Article.objects.restrict(user, action).filter(pk=article.pk).exists()


class ArticleListView(ScopedListView):
    template_name = "news/staff/list.html"
    model = Article
    filter_form_class = ArticleFilterForm
    sort_fields = {"title": "title", "published": "publish_at", "updated": "updated_at"}
    default_sort = "-updated"

    def narrow(self, queryset):
        queryset = queryset.select_related("unit", "category", "created_by")
        if self.request.active_unit is not None:
            queryset = queryset.in_subtree(self.request.active_unit)
        return queryset

    def filter_queryset(self, queryset, data):
        return selectors.filter_articles(queryset, data, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, NEWS.ADD)
        return context


class ArticleCreateView(ScopedFormView):
    action = Action.ADD
    model = Article
    template_name = "news/staff/form.html"
    success_message = gettext_lazy("Article saved as a draft.")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit} if self.request.active_unit else {}
        files = self.request.FILES if data is not None else None
        form = ArticleForm(data, files, user=self.request.user, create=True, initial=initial)
        units = form.fields["unit"].queryset
        if "unit" not in initial and len(units[:2]) == 1:
            form.initial["unit"] = units.first()  # one unit to write for: no choice to make
        return form

    def perform(self, form):
        return services.article_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("news:article_detail", args=[obj.public_id])


class ArticleObjectMixin(ScopedView):
    model = Article
    action = Action.CHANGE
    needs_object = True

    def narrow(self, queryset):
        return queryset.select_related("unit", "category", "created_by", "reviewed_by")

    def get_success_url(self, obj):
        return reverse("news:article_detail", args=[obj.public_id])


class ArticleEditView(ConflictFormMixin, ArticleObjectMixin, ScopedFormView):
    template_name = "news/staff/form.html"
    success_message = gettext_lazy("Article saved.")

    def get_form(self, data=None):
        article = self.object
        initial = {name: getattr(article, name) for name in services.TEXT_FIELDS}
        initial.update(
            tags=", ".join(services.tag_names(article)),
            imported_views=article.imported_views,
            version=article.version,
        )
        files = self.request.FILES if data is not None else None
        return ArticleForm(data, files, user=self.request.user, create=False, initial=initial)

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.article_update(
            actor=self.request.user, article=self.object, expected_version=version, **data
        )


class ArticleDetailView(ScopedDetailView):
    template_name = "news/staff/detail.html"
    model = Article

    def narrow(self, queryset):
        return queryset.select_related("unit", "category", "created_by", "reviewed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, article = self.request.user, self.object
        can_change = _can(user, article, NEWS.CHANGE)
        can_approve = _can(user, article, NEWS.APPROVE) and article.created_by_id != user.pk
        context.update(
            can_change=can_change,
            can_edit=can_change
            and (article.status != Status.PUBLISHED or _can(user, article, NEWS.APPROVE)),
            can_submit=can_change and article.status in (Status.DRAFT, Status.UNPUBLISHED),
            can_approve=can_approve and article.status == Status.REVIEW,
            can_unpublish=can_change and article.status == Status.PUBLISHED,
            own_review=article.status == Status.REVIEW and article.created_by_id == user.pk,
            revisions=list(selectors.revisions(user=user, article=article)[:30]),
            attachments=list(article.attachments.all()),
            attachment_form=AttachmentForm(),
            tags=services.tag_names(article),
            views=counting.total_views(article.pk, article.imported_views),
            public_url=article.get_absolute_url()
            if selectors.public_articles().filter(pk=article.pk).exists()
            else "",
            approve_form=ApproveForm(initial={"show_on_city_site": article.show_on_city_site}),
        )
        return context


class ArticlePreviewView(ArticleObjectMixin, ScopedView):
    """The article exactly as the public page shows it, whatever its status."""

    action = Action.VIEW

    def get(self, request, *args, **kwargs):
        article = self.get_object()
        views = counting.total_views(article.pk, article.imported_views)
        response = HttpResponse(render_article(request, article, preview=True, views=views))
        response["Cache-Control"] = "private, no-store"
        return response


class ArticleSubmitView(ArticleObjectMixin, ScopedActionView):
    success_message = gettext_lazy("Article sent for review.")

    def perform(self, obj):
        services.article_submit(actor=self.request.user, article=obj)


class ArticleApproveView(ArticleObjectMixin, ScopedFormView):
    action = Action.APPROVE
    template_name = "news/staff/approve.html"
    success_message = gettext_lazy("Article approved.")

    def get_form(self, data=None):
        return ApproveForm(data, initial={"show_on_city_site": self.object.show_on_city_site})

    def perform(self, form):
        return services.article_approve(
            actor=self.request.user, article=self.object, **form.cleaned_data
        )


class ArticleRejectView(ArticleObjectMixin, ScopedActionView):
    action = Action.APPROVE
    success_message = gettext_lazy("Article sent back to its author.")

    def perform(self, obj):
        services.article_reject(actor=self.request.user, article=obj)


class ArticleUnpublishView(ArticleObjectMixin, ScopedActionView):
    success_message = gettext_lazy("Article unpublished.")

    def perform(self, obj):
        services.article_unpublish(actor=self.request.user, article=obj)


def _revision(view, article):
    try:
        return selectors.revisions(user=view.request.user, article=article).get(
            number=view.kwargs["number"]
        )
    except Exception as exc:
        raise Http404 from exc


def _lines(data: dict, name: str) -> list[str]:
    value = data.get(name, "")
    if isinstance(value, list):
        return [", ".join(value)]
    if name == "body":
        text = str(value).replace("</p>", "</p>\n").replace("<br>", "<br>\n")
        return [strip_tags(line) for line in text.splitlines() if line.strip()]
    return [str(value)] if value not in (None, "") else []


DIFF_FIELDS = (
    ("title", gettext_lazy("Title")),
    ("category", gettext_lazy("Category")),
    ("source", gettext_lazy("Source")),
    ("author_name", gettext_lazy("Author")),
    ("summary", gettext_lazy("Summary")),
    ("tags", gettext_lazy("Tags")),
    ("body", gettext_lazy("Body")),
)


def revision_diff(older: dict, newer: dict) -> list[dict]:
    """Per field, the lines removed (-), added (+) and kept ( ) from `older` to `newer`."""
    rows = []
    for name, label in DIFF_FIELDS:
        lines = list(difflib.ndiff(_lines(older, name), _lines(newer, name)))
        marked = [(line[0], line[2:]) for line in lines if line[:1] in "+- "]
        if any(mark != " " for mark, _text in marked):
            rows.append({"label": label, "lines": marked})
    return rows


class RevisionDiffView(ArticleObjectMixin, ScopedDetailView):
    action = Action.VIEW
    template_name = "news/staff/diff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revision = _revision(self, self.object)
        previous = (
            selectors.revisions(user=self.request.user, article=self.object)
            .filter(number__lt=revision.number)
            .first()
        )
        context.update(
            revision=revision,
            previous=previous,
            rows=revision_diff(previous.data if previous else {}, revision.data),
            can_restore=_can(self.request.user, self.object, NEWS.CHANGE),
        )
        return context


class RevisionRestoreView(ArticleObjectMixin, ScopedActionView):
    success_message = gettext_lazy("Revision restored.")

    def perform(self, obj):
        services.revision_restore(
            actor=self.request.user, article=obj, revision=_revision(self, obj)
        )


class AttachmentAddView(ArticleObjectMixin, ScopedView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from django.contrib import messages
        from django.core.exceptions import ValidationError

        article = self.get_object()
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file to attach."))
        else:
            try:
                services.attachment_add(
                    actor=request.user, article=article, upload=form.cleaned_data["file"]
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("Attachment added."))
        return HttpResponseRedirect(reverse("news:article_detail", args=[article.public_id]))


class AttachmentRemoveView(ScopedActionView):
    model = Attachment
    action = Action.CHANGE
    success_message = gettext_lazy("Attachment removed.")

    def narrow(self, queryset):
        return queryset.select_related("article")

    def perform(self, obj):
        services.attachment_remove(actor=self.request.user, attachment=obj)

    def get_success_url(self, obj):
        return reverse("news:article_detail", args=[obj.article.public_id])


# --- categories (the whole site's) ---------------------------------------------------------


class CategoryListView(ScopedView):
    action = Action.VIEW
    domain = "news"

    def get(self, request):
        from django.shortcuts import render

        context = {
            # scoping: exempt - categories are the whole site's sections, owned by no unit
            "categories": Category.objects.all(),
            "can_configure": services.can_configure(request.user),
        }
        return render(request, "news/staff/categories.html", context)


class CategoryFormView(ScopedFormView):
    action = Action.CONFIGURE
    domain = "news"
    template_name = "news/staff/category_form.html"
    success_message = gettext_lazy("Category saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.can_configure(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if "public_id" not in self.kwargs:
            return None
        return get_object_or_404(  # scoping: exempt - a site-wide section, no unit
            Category, public_id=self.kwargs["public_id"]
        )

    @property
    def needs_object(self):
        return "public_id" in self.kwargs

    def get_form(self, data=None):
        return CategoryForm(data, instance=self.object)

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in services.CATEGORY_FIELDS}
        if self.object is None:
            return services.category_create(actor=self.request.user, **fields)
        return services.category_update(actor=self.request.user, category=self.object, **fields)

    def get_success_url(self, obj):
        return reverse("news:category_list")
