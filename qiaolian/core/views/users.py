from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiaolian.core import selectors, services
from qiaolian.core.forms import GrantForm, UserFilterForm, UserForm
from qiaolian.core.models import UnitRole, User
from qiaolian.core.scoping import Action
from qiaolian.core.views.generic import (
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)


class UserListView(ScopedListView):
    action = Action.ADMIN
    template_name = "core/users/list.html"
    filter_form_class = UserFilterForm
    sort_fields = {"username": "username", "unit": "home_unit__path", "last_login": "last_login"}
    default_sort = "username"

    def scoped_queryset(self):
        return selectors.user_list(user=self.request.user, within=self.request.active_unit)

    def filter_queryset(self, queryset, data):
        if q := data.get("q"):
            queryset = queryset.filter(
                Q(username__icontains=q)
                | Q(display_name__icontains=q)
                | Q(phone__contains=q)
                | Q(email__icontains=q)
            )
        if data.get("role"):
            queryset = queryset.filter(unit_roles__role=data["role"]).distinct()
        return queryset


class UserObjectMixin(ScopedView):
    action = Action.ADMIN

    model = User

    def narrow(self, queryset):
        return queryset.select_related("home_unit")

    def get_success_url(self, obj):
        return reverse("core:user_detail", args=[obj.public_id])


class UserDetailView(UserObjectMixin, ScopedDetailView):
    template_name = "core/users/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grants"] = selectors.user_grants(user=self.request.user, subject=self.object)
        context["grant_form"] = GrantForm(user=self.request.user)
        return context


class UserCreateView(UserObjectMixin, ScopedFormView):
    template_name = "core/users/form.html"
    success_message = _("User created.")

    def get_form(self, data=None):
        return UserForm(
            data, user=self.request.user, initial={"home_unit": self.request.active_unit}
        )

    def perform(self, form):
        return services.user_create(actor=self.request.user, **form.cleaned_data)


class UserEditView(UserObjectMixin, ScopedFormView):
    template_name = "core/users/form.html"
    needs_object = True
    success_message = _("User saved.")

    def get_form(self, data=None):
        user = self.object
        initial = {
            f: getattr(user, f)
            for f in ("username", "display_name", "phone", "email", "home_unit", "is_active")
        }
        return UserForm(data, user=self.request.user, instance=user, initial=initial)

    def perform(self, form):
        return services.user_update(actor=self.request.user, user=self.object, **form.cleaned_data)


class UserGrantView(UserObjectMixin, ScopedFormView):
    template_name = "core/users/grant_form.html"
    needs_object = True
    success_message = _("Role granted.")

    def get_form(self, data=None):
        return GrantForm(data, user=self.request.user)

    def perform(self, form):
        services.role_grant(actor=self.request.user, user=self.object, **form.cleaned_data)
        return self.object


class GrantRevokeView(ScopedActionView):
    action = Action.ADMIN
    success_message = _("Role removed.")

    model = UnitRole

    def narrow(self, queryset):
        return queryset.select_related("user", "unit", "role")

    def perform(self, obj):
        services.role_revoke(actor=self.request.user, grant=obj)

    def get_success_url(self, obj):
        return reverse("core:user_detail", args=[obj.user.public_id])
