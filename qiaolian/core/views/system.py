"""Dashboard, unit switcher, API tokens, health check and error pages."""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from qiaolian.core import selectors, services
from qiaolian.core.apps import CORE
from qiaolian.core.forms import TokenForm
from qiaolian.core.models import ApiToken, UnitKind
from qiaolian.core.scoping import Action, holds_anywhere, holds_subtree
from qiaolian.core.tasks import queue_status
from qiaolian.core.views.generic import ScopedActionView, ScopedFormView, ScopedListView, ScopedView
from qiaolian.core.workdays import selectors as workdays_selectors


class DashboardView(ScopedView):
    """The workbench: "my work" from every app (open cases, callbacks, imports, …)."""

    template_name = "core/dashboard.html"

    def get(self, request):
        calendar_warning = workdays_selectors.schedule_warning(
            user=request.user, today=timezone.localdate()
        )
        context = {
            "panels": selectors.my_work(user=request.user, within=request.active_unit),
            "calendar_warning": calendar_warning,
        }
        return render(request, "core/dashboard.html", context)


class SystemView(ScopedView):
    """The system figures for administrators: units, users, operations and logins."""

    action = Action.ADMIN
    domain = "core"
    template_name = "core/system.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not holds_subtree(request.user, CORE.ADMIN):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        figures = selectors.dashboard_figures(user=request.user, within=request.active_unit)
        kinds = dict(UnitKind.choices)
        chart = {
            "days": figures["audit_days"],
            "series": figures["audit_series"],
            "kinds": [
                {"name": str(kinds.get(k, k)), "value": n}
                for k, n in figures["units_by_kind"].items()
            ],
        }
        return render(request, "core/system.html", {"figures": figures, "chart": chart})


class NotificationListView(ScopedListView):
    """The user's own notifications, newest first; unread ones stand out."""

    template_name = "core/notifications/list.html"
    owner_only = True
    paginate_by = 30

    def scoped_queryset(self):
        # scoping: exempt - the user's own notifications (recipient filter)
        queryset = selectors.notification_list(user=self.request.user)
        if self.request.GET.get("show") == "unread":
            queryset = queryset.unread()
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["show"] = "unread" if self.request.GET.get("show") == "unread" else "all"
        return context


class NotificationOpenView(ScopedActionView):
    """Mark one notification read and open its record; the record's own page checks scoping
    again, so a notification opens nothing the user may no longer see."""

    owner_only = True

    def scoped_queryset(self):
        # scoping: exempt - the user's own notifications only; another's id is a 404
        return selectors.notification_list(user=self.request.user)

    def perform(self, obj):
        services.notification_mark_read(actor=self.request.user, notification=obj)

    def get_success_url(self, obj):
        target = obj.url
        if not target or not url_has_allowed_host_and_scheme(
            target, {self.request.get_host()}, self.request.is_secure()
        ):
            return reverse("core:notification_list")
        return target


@require_POST
def notification_read_all(request):
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("core:login"))
    count = services.notification_mark_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return HttpResponseRedirect(reverse("core:notification_list"))


@require_POST
def switch_unit(request):
    """Remember the unit picked in the header; only units the user reaches are accepted."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("core:login"))
    public_id = request.POST.get("unit", "")
    allowed = {str(u.public_id) for u in selectors.switchable_units(user=request.user)}
    if public_id in allowed:
        request.session["active_unit"] = public_id
    else:
        request.session.pop("active_unit", None)
    target = request.POST.get("next") or reverse("core:dashboard")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("core:dashboard")
    return HttpResponseRedirect(target)


class TokenListView(ScopedListView):
    """The user's own API tokens (each user manages their own, even with no grant left: a
    user whose roles were all taken away can still revoke their tokens)."""

    owner_only = True
    template_name = "core/tokens/list.html"

    def scoped_queryset(self):
        # scoping: exempt — a user's own tokens only (owner filter), never another user's.
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = TokenForm()
        # A user with no grant left may revoke their tokens, but a new one would reach nothing.
        context["can_create"] = holds_anywhere(self.request.user, CORE.VIEW)
        context["new_secret"] = self.request.session.pop("new_token_secret", None)
        return context


class TokenCreateView(ScopedFormView):
    template_name = "core/tokens/list.html"
    form_class = TokenForm
    success_message = _("Token created. Copy it now: it will not be shown again.")

    def perform(self, form):
        from qiaolian.core.middleware import requires_second_factor

        # A token outlives the session: never one for a session that has not passed the
        # second factor its roles require (SecondFactorMiddleware stops it first anyway).
        user = self.request.user
        if requires_second_factor(user) and not user.is_verified():
            raise PermissionDenied(_("Confirm your second factor first."))
        token, secret = services.api_token_create(
            actor=self.request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        self.request.session["new_token_secret"] = secret
        return token

    def get_success_url(self, obj):
        return reverse("core:token_list")

    def get_context_data(self, **kwargs):
        # scoping: exempt - a user's own tokens (owner filter)
        tokens = ApiToken.objects.filter(user=self.request.user).order_by("-created_at")
        return {"object_list": tokens, "can_create": True, **kwargs}


class TokenRevokeView(ScopedActionView):
    owner_only = True
    success_message = _("Token revoked.")

    def scoped_queryset(self):
        # scoping: exempt — a user's own tokens only; another user's token id is a 404.
        return ApiToken.objects.filter(user=self.request.user)

    def perform(self, obj):
        services.api_token_revoke(actor=self.request.user, token=obj)

    def get_success_url(self, obj):
        return reverse("core:token_list")


def healthz(request):
    """Liveness of the database, the cache and the task queue, for load balancers."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
    try:
        cache.set("healthz", "1", 10)
        checks["cache"] = {"ok": cache.get("healthz") == "1"}
    except Exception as exc:
        checks["cache"] = {"ok": False, "error": exc.__class__.__name__}
    checks["queue"] = queue_status()
    ok = all(c.get("ok") for c in checks.values())
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)


def error_page(status: int):
    def view(request, exception=None):
        return render(request, f"errors/{status}.html", status=status)

    return view
