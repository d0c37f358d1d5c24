"""Allocations: list, propose (computed by the rule), edit lines, approve, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.core.views.generic import (
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
)
from qiaolian.relief import forms, selectors, services
from qiaolian.relief.apps import RELIEF
from qiaolian.relief.models import Allocation, AllocationLine


class AllocationListView(ScopedListView):
    template_name = "relief/allocation_list.html"
    model = Allocation

    def narrow(self, queryset):
        rows = selectors.narrow_allocations(queryset, within=self.request.active_unit)
        if self.request.GET.get("to_approve"):
            # What "my work" counts: proposals the user may approve, not their own.
            approvable = Allocation.objects.restrict(self.request.user, Action.APPROVE)
            rows = rows.filter(
                status=Allocation.Status.PROPOSED, pk__in=approvable.values("pk")
            ).exclude(created_by=self.request.user)
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, RELIEF("add"))
        return context


class AllocationProposeView(ScopedFormView):
    action = Action.ADD
    model = Allocation
    template_name = "relief/form.html"
    success_message = gettext_lazy("Allocation proposed. Someone else must approve it.")

    def get_form(self, data=None):
        return forms.ProposeForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": _("Propose an allocation"),
            "intro": _(
                "The proposal serves the open needs from the warehouse's stock: the most urgent "
                "first; within one urgency, shared equally among countries, then among the "
                "associations of each country. You can edit the lines before approval."
            ),
            "back": reverse("relief:allocation_list"),
        }

    def perform(self, form):
        return services.allocation_propose(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("relief:allocation_detail", args=[obj.public_id])


class AllocationDetailView(ScopedDetailView):
    template_name = "relief/allocation_detail.html"
    model = Allocation

    def narrow(self, queryset):
        return queryset.select_related("warehouse", "created_by", "approved_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, allocation = self.request.user, self.object
        proposed = allocation.status == Allocation.Status.PROPOSED
        context.update(
            lines=AllocationLine.objects.restrict(user, Action.VIEW)
            .filter(allocation=allocation)
            .select_related("need__association", "need__item"),
            can_edit=proposed
            and Allocation.objects.restrict(user, Action.CHANGE).filter(pk=allocation.pk).exists(),
            can_approve=proposed
            and allocation.created_by_id != user.pk
            and Allocation.objects.restrict(user, Action.APPROVE).filter(pk=allocation.pk).exists(),
            shipments=selectors.shipment_list(user=user).filter(allocation=allocation),
        )
        return context


class AllocationObjectView(ScopedActionView):
    model = Allocation
    action = Action.CHANGE
    needs_whole_subtree = True

    def get_success_url(self, obj):
        return reverse("relief:allocation_detail", args=[obj.public_id])


class AllocationLinesView(AllocationObjectView):
    """Save the edited quantities of the lines (0 removes a line)."""

    success_message = gettext_lazy("Allocation saved.")

    def perform(self, obj):
        lines = AllocationLine.objects.restrict(self.request.user, Action.CHANGE).filter(
            allocation=obj
        )
        for line in lines.select_related("need", "allocation"):
            raw = self.request.POST.get(f"line_{line.pk}")
            if raw is None or raw.strip() == str(line.quantity):
                continue
            try:
                quantity = int(raw)
            except ValueError as exc:
                raise ValidationError(
                    _("Enter a whole number for %(need)s.") % {"need": line.need}
                ) from exc
            services.allocation_line_set(actor=self.request.user, line=line, quantity=quantity)


class AllocationApproveView(AllocationObjectView):
    action = Action.APPROVE

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            shipments = services.allocation_approve(actor=request.user, allocation=obj)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("Allocation approved: %(count)s shipments packed.") % {"count": len(shipments)},
            )
        return HttpResponseRedirect(self.get_success_url(obj))


class AllocationCancelView(ScopedFormView):
    model = Allocation
    action = Action.CHANGE
    needs_object = True
    needs_whole_subtree = True
    template_name = "relief/form.html"
    form_class = forms.ReasonForm
    success_message = gettext_lazy("Allocation cancelled.")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": _("Cancel the allocation"),
            "back": reverse("relief:allocation_detail", args=[self.object.public_id]),
        }

    def perform(self, form):
        return services.allocation_cancel(
            actor=self.request.user, allocation=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_url(self, obj):
        return reverse("relief:allocation_detail", args=[obj.public_id])
