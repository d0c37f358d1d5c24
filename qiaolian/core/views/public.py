"""Pages anyone may open without logging in (the news portal, donation transparency, receipt
checks): they show published records only, and a record that is not published is a 404.

A model opts in by one of two means, and a model that has neither is refused (no public page
can be built on a model that never said what "published" means for it):

- a `published()` method on its queryset (for rules such as "approved and dated in the past"),
- an `is_published` boolean field (or annotation).

`PublicPageView` serves one record (looked up by `lookup_field`, an opaque public id or slug);
`PublicListView` serves the published records. Both refuse other methods than GET and HEAD, set
cache headers (public for anonymous readers, private for a logged-in one whose page may carry
their name) and are listed in the leak sweep with the `Public` entry kind, fetched anonymously.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views import View

PUBLIC_CACHE_SECONDS = 300


def published(queryset: QuerySet) -> QuerySet:
    """The published part of `queryset`, by the model's own rule (see the module docstring)."""
    method = getattr(queryset, "published", None)
    if callable(method):
        return method()
    model = queryset.model
    names = {field.name for field in model._meta.get_fields()}
    if "is_published" in names or "is_published" in queryset.query.annotations:
        return queryset.filter(is_published=True)
    raise ImproperlyConfigured(
        f"{model._meta.label} has no published() queryset method and no is_published field: "
        "it cannot be shown on a public page."
    )


def is_published(obj: Model, queryset: QuerySet | None = None) -> bool:
    """Whether one record is published: its `is_published` value, else the queryset rule."""
    flag = getattr(obj, "is_published", None)
    if flag is not None and not callable(flag):
        return bool(flag)
    base = queryset if queryset is not None else type(obj)._default_manager.all()
    return published(base).filter(pk=obj.pk).exists()


def public_cache_headers(request: Any, response: HttpResponse, seconds: int) -> HttpResponse:
    """Shared caches may keep an anonymous reader's page; never a logged-in reader's."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=seconds)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


class PublicMixin:
    """What the public views share: the model or queryset, the template, the cache time."""

    http_method_names: Sequence[str] = ("get", "head")
    model: type[Model] | None = None
    template_name = ""
    cache_seconds = PUBLIC_CACHE_SECONDS
    request: Any
    kwargs: dict[str, Any]

    def base_queryset(self) -> QuerySet:
        """All records of the page before the published rule (override to narrow or join)."""
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model or base_queryset()")
        return self.model._default_manager.all()

    def published_queryset(self) -> QuerySet:
        return published(self.base_queryset())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return kwargs

    def render_public(self, context: dict[str, Any]) -> HttpResponse:
        response = render(self.request, self.template_name, self.get_context_data(**context))
        return public_cache_headers(self.request, response, self.cache_seconds)


class PublicPageView(PublicMixin, View):
    """One published record; 404 for anything else, including a record that exists but is not
    published (checked again on the object, so a `base_queryset()` that forgets the rule still
    cannot show a draft)."""

    lookup_field = "public_id"
    lookup_url_kwarg = "public_id"
    context_object_name = "object"

    def get_object(self) -> Model:
        lookup = {self.lookup_field: self.kwargs.get(self.lookup_url_kwarg)}
        try:
            obj = self.published_queryset().get(**lookup)
        except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
            raise Http404 from exc
        if not is_published(obj, self.base_queryset()):
            raise Http404
        return obj

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_public({"object": obj, self.context_object_name: obj})


class PublicListView(PublicMixin, View):
    """The published records, newest first by `ordering`, at most `limit` of them."""

    ordering: tuple[str, ...] = ("-pk",)
    limit = 50
    context_object_name = "objects"

    def get(self, request, *args, **kwargs):
        records = list(self.published_queryset().order_by(*self.ordering)[: self.limit])
        return self.render_public({self.context_object_name: records})
