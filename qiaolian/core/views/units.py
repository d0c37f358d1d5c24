from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiaolian.core import selectors, services
from qiaolian.core.apps import CORE
from qiaolian.core.forms import (
    UnitCreateForm,
    UnitEditForm,
    UnitFilterForm,
    UnitMoveForm,
    unit_option_label,
)
from qiaolian.core.models import Unit
from qiaolian.core.registry import all_actions
from qiaolian.core.scoping import Action, holds_anywhere
from qiaolian.core.views.generic import (
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)


class UnitListView(ScopedListView):
    """The unit tree, indented by depth, filterable by name/code and kind."""

    template_name = "core/units/list.html"
    paginate_by = 100

    model = Unit
    queryset_action = Action.VIEW

    def narrow(self, queryset):
        return queryset.in_subtree(self.request.active_unit)

    filter_form_class = UnitFilterForm

    def filter_queryset(self, queryset, data):
        if data.get("q"):
            queryset = queryset.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if not data.get("show_inactive"):
            queryset = queryset.filter(is_active=True)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_admin"] = holds_anywhere(self.request.user, CORE.ADMIN)
        return context


class UnitDetailView(ScopedDetailView):
    template_name = "core/units/detail.html"

    model = Unit
    queryset_action = Action.VIEW

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        user = self.request.user
        context["ancestors"] = Unit.objects.get_ancestors(unit).restrict(user, Action.VIEW)
        context["children"] = Unit.objects.get_children(unit).restrict(user, Action.VIEW)
        context["can_admin"] = Unit.objects.restrict(user, Action.ADMIN).filter(pk=unit.pk).exists()
        context["members"] = unit.members.restrict(user, Action.VIEW).order_by("username")[:50]
        return context


class UnitCreateView(ScopedFormView):
    action = Action.ADMIN
    template_name = "core/units/form.html"
    form_class = UnitCreateForm
    success_message = _("Unit created.")

    def get_form_kwargs(self):
        parent = None
        if parent_id := self.request.GET.get("parent"):
            try:
                parent = (
                    Unit.objects.restrict(self.request.user, Action.ADMIN)
                    .filter(public_id=parent_id)
                    .first()
                )
            except ValidationError:  # a malformed id in the query string preselects nothing
                parent = None
        return {"user": self.request.user, "initial_parent": parent}

    def perform(self, form):
        data = form.cleaned_data
        return services.unit_create(
            actor=self.request.user,
            parent=data["parent"],
            code=data["code"],
            name=data["name"],
            name_en=data["name_en"],
            kind=data["kind"],
        )

    def get_success_url(self, obj):
        return reverse("core:unit_detail", args=[obj.public_id])


class UnitObjectMixin(ScopedView):
    action = Action.ADMIN
    needs_object = True

    model = Unit

    def get_success_url(self, obj):
        return reverse("core:unit_detail", args=[obj.public_id])


class UnitEditView(UnitObjectMixin, ScopedFormView):
    template_name = "core/units/form.html"
    form_class = UnitEditForm
    success_message = _("Unit saved.")

    def get_form(self, data=None):
        unit = self.object
        initial = {f: getattr(unit, f) for f in ("code", "name", "name_en", "kind")}
        return UnitEditForm(data, unit=unit, initial=initial)

    def perform(self, form):
        return services.unit_update(actor=self.request.user, unit=self.object, **form.cleaned_data)


class UnitMoveView(UnitObjectMixin, ScopedFormView):
    template_name = "core/units/form.html"
    success_message = _("Unit moved with its whole subtree.")

    def get_form(self, data=None):
        return UnitMoveForm(data, user=self.request.user, unit=self.object)

    def perform(self, form):
        return services.unit_move(
            actor=self.request.user, unit=self.object, new_parent=form.cleaned_data["new_parent"]
        )


class UnitDeactivateView(UnitObjectMixin, ScopedActionView):
    success_message = _("Unit deactivated.")

    def perform(self, obj):
        services.unit_deactivate(actor=self.request.user, unit=obj)


class UnitActivateView(UnitObjectMixin, ScopedActionView):
    success_message = _("Unit activated.")

    def perform(self, obj):
        services.unit_activate(actor=self.request.user, unit=obj)


class UnitOptionsView(ScopedView):
    """JSON for remote unit pickers (`UnitChoiceField(remote=True)`): at most 20 active units
    matching `q` where the user holds `action` (a declared action or a verb of core's domain,
    VIEW by default)."""

    def get(self, request):
        action = request.GET.get("action") or Action.VIEW
        # A declared action ("people.add": where new people may go) or a bare verb (the unit
        # tree itself: "view" is core.view).
        if action not in all_actions() and action not in Action:
            return JsonResponse({"error": _("Unknown action.")}, status=400)
        found = selectors.unit_options(user=request.user, action=action, q=request.GET.get("q", ""))
        results = [
            {"value": str(unit.pk), "text": unit_option_label(unit, parent)}
            for unit, parent in found
        ]
        return JsonResponse({"results": results})
