"""Generic scoped views. A domain view declares its records (`model` or `queryset`), action,
template and the service it calls; the base classes own scoping (403 vs 404, `restrict()` of
the declared records), filtering, sorting, pagination, HTMX fragments and the translation of
service errors into form errors. As NetBox's ObjectView: subclasses declare, the base restricts,
and a subclass only narrows further (`narrow()`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import (
    ImproperlyConfigured,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from qiaolian.core.scoping import (
    Action,
    holds_anywhere,
    holds_subtree,
    model_domain,
    only_own_records,
    qualify,
    reaches_unit,
    verb_of,
)
from qiaolian.core.versioning import EditConflict

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Promise


class ScopedView(LoginRequiredMixin, View):
    """Base: login required, 403 when the user holds the view's action nowhere, and the
    declared records restricted to it.

    `action` is a verb of the view's domain (`domain`, else the declared model's, else the app
    the view belongs to: a hotline view's CHANGE is "hotline.change") or a qualified action.
    """

    action: str = Action.VIEW
    domain: str | None = None
    model: Any = None
    queryset: QuerySet | None = None
    # The action the records are read under when it differs from the one that opens the view
    # (e.g. a form opened with VIEW held anywhere that acts on a case the user may CHANGE).
    queryset_action: str | None = None
    # The user's own records (API tokens, notifications): open to any signed-in staff user,
    # whatever grants they hold (none left, even), and read through an owner filter.
    owner_only: bool = False
    # The service behind the view writes only with the action over the record's unit
    # (`require_unit`): a grant narrowed to assigned records reaches the record but cannot
    # save it, so the view answers 403 instead of a form that fails.
    needs_whole_subtree: bool = False
    request: Any  # an HttpRequest carrying `active_unit` (RequestContextMiddleware)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if only_own_records(request.user):
            # A portal user signed in to the staff site: say where they belong.
            context = {"portal_url": settings.PORTAL_URL}
            return render(request, "core/portal_user.html", context, status=403)
        if self.owner_only:
            return super().dispatch(request, *args, **kwargs)
        permission = self.permission()
        if not holds_anywhere(request.user, permission):
            raise PermissionDenied
        if verb_of(permission) == Action.ADD and not holds_subtree(request.user, permission):
            # A grant narrowed to assigned records puts nothing into a unit (require_unit): a
            # liaison officer would fill in a form that no unit can take.
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def view_domain(self) -> str:
        if self.domain:
            return self.domain
        source = self.queryset.model if self.queryset is not None else self.model
        if source is not None:
            return model_domain(source)
        config = apps.get_containing_app_config(type(self).__module__)
        if config is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no domain")
        return config.label

    def permission(self, action: str | None = None) -> str:
        """`action` (default: the view's) qualified by the view's domain."""
        return qualify(action or self.action, self.view_domain())

    def restricted(self, action: str | None = None) -> QuerySet:
        """The declared records (`queryset` or `model`) the user may `action` (default:
        `queryset_action`, else the view's action)."""
        if self.queryset is not None:
            source: Any = self.queryset.all()
        elif self.model is not None:
            source = self.model._default_manager.all()
        else:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no model or queryset")
        return source.restrict(self.request.user, action or self.queryset_action or self.action)

    def narrow(self, queryset: QuerySet) -> QuerySet:
        """Narrow the restricted records further (select_related, a filter); never widen."""
        return queryset

    def scoped_queryset(self) -> QuerySet:
        """The restricted records this view reads: `narrow(restricted())`."""
        return self.narrow(self.restricted())

    def get_object(self):
        """The object named in the URL, from the restricted queryset, else 404."""
        try:
            obj = self.scoped_queryset().get(public_id=self.kwargs["public_id"])
        except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
            raise Http404 from exc
        if self.needs_whole_subtree and not reaches_unit(
            self.request.user, self.permission(), obj.unit, narrowed=False
        ):
            raise PermissionDenied
        return obj


class ScopedListView(ScopedView, TemplateView):
    """List with filter form, whitelisted sorting and pagination; HTMX gets `#rows` only."""

    filter_form_class: Any = None
    sort_fields: dict[str, str] = {}
    default_sort: str = ""
    paginate_by = 25
    paginator_class: Any = Paginator  # core.pagination.BoundedPaginator for very large scopes

    def filter_queryset(self, queryset: QuerySet, data: dict) -> QuerySet:
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = self.scoped_queryset()
        form = self.filter_form_class(self.request.GET or None) if self.filter_form_class else None
        if form is not None and form.is_valid():
            queryset = self.filter_queryset(queryset, form.cleaned_data)
        sort = self.request.GET.get("sort", self.default_sort)
        if sort.lstrip("-") in self.sort_fields:
            field = self.sort_fields[sort.lstrip("-")]
            queryset = queryset.order_by(f"-{field}" if sort.startswith("-") else field, "pk")
        page = self.paginator_class(queryset, self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            page=page,
            object_list=page.object_list,
            sort=sort,
            query=query.urlencode(),
        )
        return context

    def get_template_names(self):
        names = super().get_template_names()
        if self.request.headers.get("HX-Request") and not self.request.headers.get("HX-Boosted"):
            return [f"{names[0]}#rows"]
        return names


class ExportableListView(ScopedListView):
    """A scoped list whose filtered rows also download as `?export=csv|xlsx`.

    Subclasses give `export_name`, `queryset_for(action)` (the list's rows under VIEW, the
    export's under EXPORT), `export_header()` and `export_rows(queryset)`; `export_title`
    names the sheet (default: the records' plural name). `core.export_jobs.export_view` does the
    rest: EXPORT held somewhere, the page's own filters, the file at once or, for a large
    list, a background job with a progress page, formulas neutralised, one audit event.
    """

    export_name = ""
    export_limit = 100_000
    export_title: Any = None

    def queryset_for(self, action: str) -> QuerySet:
        """The list's rows under `action`: by default the declared records, restricted."""
        return self.narrow(self.restricted(action))

    def scoped_queryset(self) -> QuerySet:
        return self.queryset_for(Action.VIEW)

    def export_header(self) -> list:
        raise NotImplementedError

    def export_rows(self, queryset: QuerySet):
        raise NotImplementedError

    def export_permission(self) -> str:
        return self.permission(Action.EXPORT)

    def export_queryset(self) -> QuerySet:
        queryset = self.queryset_for(Action.EXPORT)
        if self.filter_form_class is not None:
            form = self.filter_form_class(self.request.GET)
            if form.is_valid():
                queryset = self.filter_queryset(queryset, form.cleaned_data)
        return queryset

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in {"csv", "xlsx"}:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export"] = holds_anywhere(self.request.user, self.export_permission())
        return context

    def export(self, fmt: str):
        from qiaolian.core.export_jobs import export_view

        return export_view(self, fmt)


class ScopedDetailView(ScopedView, TemplateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)


class ScopedFormView(ScopedView):
    """Create or edit through a service. `perform(form)` calls the service and returns the
    object; service ValidationError / PermissionDenied become form errors, nothing is saved."""

    template_name = ""
    form_class: Any = None
    object: Any = None
    needs_object = False  # edit views load the object named in the URL first
    success_message: str | Promise = ""

    def get_form_kwargs(self) -> dict:
        return {}

    def get_form(self, data=None):
        return self.form_class(data, **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        return {"object": self.object, **kwargs}

    def get_success_url(self, obj) -> str:
        raise NotImplementedError

    def perform(self, form):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and holds_anywhere(request.user, self.permission()):
            self.object = self.get_object() if self.needs_object else None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                obj = self.perform(form)
            except EditConflict as exc:
                return self.render_conflict(form, exc)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("You may not make this change."))
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return HttpResponseRedirect(self.get_success_url(obj))
        return self.render(form, status=400)

    def render(self, form, status: int = 200):
        context = self.get_context_data(form=form)
        return render(self.request, self.template_name, context, status=status)

    def render_conflict(self, form, conflict: EditConflict):
        """Someone saved the record since the form was opened: a form error like any refusal.
        Edit pages of versioned records use core.views.conflicts.ConflictFormMixin instead."""
        _add_service_errors(form, conflict)
        return self.render(form, status=400)


def _add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ScopedActionView(ScopedView):
    """A POST-only state change on one scoped object (deactivate, revoke, …)."""

    http_method_names = ["post"]
    success_message: str | Promise = ""

    def perform(self, obj) -> None:
        raise NotImplementedError

    def get_success_url(self, obj) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            self.perform(obj)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return HttpResponseRedirect(self.get_success_url(obj))


__all__ = [
    "ScopedActionView",
    "ScopedDetailView",
    "ScopedFormView",
    "ScopedListView",
    "ScopedView",
]
