"""The overseas associations (侨团) pages: list (with export), detail with leaders, create and
edit, leader posts added and removed."""

from __future__ import annotations

from functools import partial

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.apps import CORE
from qiaolian.core.export_jobs import export_view
from qiaolian.core.scoping import Action, holds_anywhere, holds_subtree
from qiaolian.core.views.generic import (
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)
from qiaolian.people import selectors, services
from qiaolian.people.apps import PEOPLE
from qiaolian.people.forms import (
    ASSOCIATION_MODEL_FIELDS,
    AssociationFilterForm,
    AssociationForm,
    LeaderForm,
)
from qiaolian.people.models import Association, AssociationLeader, Person

EXPORT_LIMIT = 100_000


class AssociationListView(ScopedListView):
    template_name = "people/association_list.html"
    sort_fields = {
        "name": "name",
        "country": "country",
        "founded": "founded_year",
        "members": "member_count",
        "unit": "unit__path",
    }
    default_sort = "name"

    @property
    def filter_form_class(self):
        return partial(AssociationFilterForm, user=self.request.user)

    def scoped_queryset(self):
        user = self.request.user
        # Count only posts whose holder the user may see, like the detail page lists them.
        visible = Person.objects.restrict(user, Action.VIEW).values("pk")
        return selectors.association_list(user=user, within=self.request.active_unit).annotate(
            leader_count=Count("leaders", filter=Q(leaders__person__in=visible))
        )

    def filter_queryset(self, queryset, data):
        return selectors.association_filter(queryset, data)

    def get(self, request, *args, **kwargs):
        if "export" in request.GET:
            return self.export(request.GET["export"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export"] = holds_anywhere(self.request.user, PEOPLE.EXPORT)
        context["can_add"] = holds_subtree(self.request.user, PEOPLE.ADD)
        return context

    export_name = "associations"
    export_title = gettext_lazy("Overseas associations")
    export_limit = EXPORT_LIMIT

    def export(self, fmt: str):
        return export_view(self, fmt)

    def export_permission(self) -> str:
        return PEOPLE.EXPORT

    def export_queryset(self):
        user = self.request.user
        queryset = selectors.association_list(
            user=user, action=Action.EXPORT, within=self.request.active_unit
        )
        form = AssociationFilterForm(self.request.GET, user=user)
        if form.is_valid():
            queryset = selectors.association_filter(queryset, form.cleaned_data)
        return queryset

    def export_header(self) -> list:
        return [
            _("Chinese name"),
            _("Local name"),
            _("Country (region)"),
            _("City"),
            _("Founded"),
            _("Members"),
            _("Contacts"),
            _("Owner unit"),
        ]

    def export_rows(self, queryset):
        return (
            [
                a.name,
                a.name_local,
                a.country.name,
                a.city,
                a.founded_year,
                a.member_count,
                a.contacts,
                a.unit.label,
            ]
            for a in queryset.order_by("name", "pk")[:EXPORT_LIMIT].iterator(chunk_size=2000)
        )


class AssociationObjectMixin(ScopedView):
    model = Association

    def narrow(self, queryset):
        return queryset.select_related("unit")

    def get_success_url(self, obj):
        association = obj if isinstance(obj, Association) else obj.association
        return reverse("people:association_detail", args=[association.public_id])


class AssociationDetailView(AssociationObjectMixin, ScopedDetailView):
    template_name = "people/association_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, association = self.request.user, self.object
        can_change = (
            Association.objects.restrict(user, Action.CHANGE).filter(pk=association.pk).exists()
        )
        context.update(
            leaders=selectors.association_leaders(user=user, association=association),
            can_change=can_change,
            leader_form=LeaderForm(user=user) if can_change else None,
            events=list(selectors.object_events(user=user, obj=association)),
            can_audit=holds_anywhere(user, CORE.AUDIT),
        )
        return context


class AssociationCreateView(ScopedFormView):
    action = Action.ADD
    template_name = "people/association_form.html"
    success_message = gettext_lazy("Association added.")

    def get_form(self, data=None):
        return AssociationForm(
            data, user=self.request.user, initial={"unit": self.request.active_unit}
        )

    def perform(self, form):
        return services.association_save(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("people:association_detail", args=[obj.public_id])


class AssociationEditView(AssociationObjectMixin, ScopedFormView):
    action = Action.CHANGE
    needs_object = True
    template_name = "people/association_form.html"
    success_message = gettext_lazy("Association saved.")

    def get_form(self, data=None):
        association = self.object
        initial = {name: getattr(association, name) for name in ASSOCIATION_MODEL_FIELDS}
        initial["unit"] = association.unit_id
        return AssociationForm(
            data, user=self.request.user, association=association, initial=initial
        )

    def perform(self, form):
        return services.association_save(
            actor=self.request.user, association=self.object, **form.cleaned_data
        )


class LeaderAddView(AssociationObjectMixin, ScopedFormView):
    action = Action.CHANGE
    needs_object = True
    template_name = "people/association_leader_form.html"
    success_message = gettext_lazy("Post added.")

    def get_form(self, data=None):
        return LeaderForm(data, user=self.request.user)

    def perform(self, form):
        data = form.cleaned_data
        services.leader_add(
            actor=self.request.user,
            association=self.object,
            person=data["person"],
            post=data["post"],
            since=data["since"],
        )
        return self.object


class LeaderRemoveView(AssociationObjectMixin, ScopedActionView):
    action = Action.CHANGE
    success_message = gettext_lazy("Post removed.")

    model = AssociationLeader

    def narrow(self, queryset):
        return queryset.select_related("association__unit", "person")

    def perform(self, obj):
        services.leader_remove(actor=self.request.user, leader=obj)


__all__ = [
    "AssociationCreateView",
    "AssociationDetailView",
    "AssociationEditView",
    "AssociationListView",
    "LeaderAddView",
    "LeaderRemoveView",
]
