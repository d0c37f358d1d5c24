"""Liaison groups: list, detail (members and stewards), create, edit, members, stewards."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedView,
)
from qiaolian.network import selectors, services
from qiaolian.network.apps import NETWORK
from qiaolian.network.forms import GroupFilterForm, GroupForm, MemberForm, StewardForm
from qiaolian.network.models import Group, Membership, Steward
from qiaolian.people.models import Person


class GroupListView(ExportableListView):
    template_name = "network/groups/list.html"
    sort_fields = {
        "name": "name",
        "unit": "unit__path",
        "members": "member_count",
        "contacted": "last_contacted_at",
    }
    default_sort = "name"
    export_name = "groups"
    export_title = gettext_lazy("Liaison groups")

    def queryset_for(self, action: Action):
        return selectors.group_list(
            user=self.request.user, action=action, within=self.request.active_unit
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, NETWORK.ADD)
        return context

    @property
    def filter_form_class(self):
        user = self.request.user
        return lambda data=None: GroupFilterForm(data, user=user)

    def filter_queryset(self, queryset, data):
        return selectors.filter_groups(queryset, data)

    def export_header(self):
        return [
            _("Group name"),
            _("Platform"),
            _("Owner unit"),
            _("Linked association"),
            _("Members"),
            _("Created on"),
            _("Last contacted"),
        ]

    def export_rows(self, queryset):
        return (
            [
                g.name,
                g.get_platform_display(),
                g.unit.label,
                g.association or "",
                g.member_count,
                g.created_on,
                g.last_contacted_at,
            ]
            for g in queryset.order_by("unit__path", "name")[: self.export_limit]
        )


class GroupDetailView(ScopedDetailView):
    """The group with its stewards, and its members page by page (HTMX gets `#members`)."""

    template_name = "network/groups/detail.html"
    members_per_page = 50

    model = Group
    queryset_action = Action.VIEW

    def narrow(self, queryset):
        return queryset.select_related("unit", "association")

    def get_template_names(self):
        if self.request.headers.get("HX-Request") and not self.request.headers.get("HX-Boosted"):
            return [f"{self.template_name}#members"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, group = self.request.user, self.object
        members = selectors.group_members(user=user, group=group)
        page = Paginator(members, self.members_per_page).get_page(self.request.GET.get("page"))
        stewards = list(selectors.group_stewards(user=user, group=group))
        context.update(
            page=page,
            members=page.object_list,
            stewards=stewards,
            missing=selectors.missing_roles(stewards),
            can_change=Group.objects.restrict(user, Action.CHANGE).filter(pk=group.pk).exists(),
            # Edit and stewards: the unit's managers only (a steward cannot save those).
            can_manage=services.can_manage_group(user, group),
            query="",
        )
        return context


class GroupCreateView(ScopedFormView):
    action = Action.ADD
    template_name = "network/groups/form.html"
    success_message = gettext_lazy("Group created.")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit} if self.request.active_unit else {}
        return GroupForm(data, user=self.request.user, action=Action.ADD, initial=initial)

    def perform(self, form):
        return services.group_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("network:group_detail", args=[obj.public_id])


class GroupObjectMixin(ScopedView):
    """Views acting on the group named in the URL (CHANGE in its unit, or its steward)."""

    action = Action.CHANGE
    needs_object = True

    model = Group

    def narrow(self, queryset):
        return queryset.select_related("unit")

    def get_success_url(self, obj):
        group = obj if isinstance(obj, Group) else self.object
        return reverse("network:group_detail", args=[group.public_id])


class GroupManageMixin(GroupObjectMixin):
    """A group page only its unit's managers can save (edit, stewards): 403 for a steward."""

    def get_object(self):
        group = super().get_object()
        if not services.can_manage_group(self.request.user, group):
            raise PermissionDenied
        return group


class GroupEditView(GroupManageMixin, ScopedFormView):
    template_name = "network/groups/form.html"
    success_message = gettext_lazy("Group saved.")

    def get_form(self, data=None):
        group = self.object
        initial = {name: getattr(group, name) for name in services.GROUP_FIELDS}
        return GroupForm(data, user=self.request.user, action=Action.CHANGE, initial=initial)

    def perform(self, form):
        return services.group_update(
            actor=self.request.user, group=self.object, **form.cleaned_data
        )


class GroupContactedView(GroupObjectMixin, ScopedActionView):
    success_message = gettext_lazy("Contact recorded.")

    def perform(self, obj):
        services.group_mark_contacted(actor=self.request.user, group=obj)


class MemberAddView(GroupObjectMixin, ScopedFormView):
    template_name = "network/groups/subform.html"
    success_message = gettext_lazy("Member added.")
    heading = gettext_lazy("Add a member")

    def get_form(self, data=None):
        return MemberForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        return services.membership_add(
            actor=self.request.user, group=self.object, **form.cleaned_data
        )


class StewardAddView(GroupManageMixin, MemberAddView):
    success_message = gettext_lazy("Steward added.")
    heading = gettext_lazy("Add a steward")

    def get_form(self, data=None):
        return StewardForm(data, user=self.request.user)

    def perform(self, form):
        return services.steward_add(actor=self.request.user, group=self.object, **form.cleaned_data)


class MemberLeaveView(ScopedActionView):
    action = Action.CHANGE
    success_message = gettext_lazy("The member has left the group.")

    model = Membership

    def narrow(self, queryset):
        return queryset.select_related("group", "person")

    def perform(self, obj):
        services.membership_leave(actor=self.request.user, membership=obj)

    def get_success_url(self, obj):
        return reverse("network:group_detail", args=[obj.group.public_id])


class StewardRemoveView(MemberLeaveView):
    success_message = gettext_lazy("The stewardship has ended.")

    model = Steward
    queryset_action = Action.CHANGE

    def narrow(self, queryset):
        return queryset.select_related("group", "user", "person")

    def get_object(self):
        steward = super().get_object()
        if not services.can_manage_group(self.request.user, steward.group):
            raise PermissionDenied
        return steward

    def perform(self, obj):
        services.steward_remove(actor=self.request.user, steward=obj)


class PersonOptionsView(ScopedView):
    """Options for the person pickers: up to 20 visible people matching a name, pinyin,
    initials or phone digits (JSON: {"results": [{"value", "text"}]})."""

    limit = 20

    def get(self, request):
        q = request.GET.get("q", "").strip()
        people = Person.objects.restrict(request.user, Action.VIEW).filter(merged_into__isnull=True)
        people = selectors.match_person_text(people, q)
        rows = people.order_by("name_pinyin", "pk")[: self.limit]
        from qiaolian.network.forms import PersonChoiceField

        label = PersonChoiceField(user=request.user).label_from_instance
        return JsonResponse(
            {"results": [{"value": str(p.public_id), "text": label(p)} for p in rows]}
        )
