"""Needs: the open needs list (by country, city, item, urgency), report, review, the
association's private link."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import countries
from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedDetailView,
    ScopedFormView,
)
from qiaolian.relief import forms, selectors, services
from qiaolian.relief.allocation import open_quantity
from qiaolian.relief.apps import RELIEF
from qiaolian.relief.models import Need

LINK_SESSION_KEY = "relief_need_link"


class NeedListView(ExportableListView):
    template_name = "relief/need_list.html"
    model = Need
    export_name = "needs"
    export_title = gettext_lazy("needs")
    sort_fields = {"urgency": "urgency", "reported": "reported_at", "quantity": "quantity"}

    def narrow(self, queryset):
        rows = selectors.narrow_needs(queryset, within=self.request.active_unit)
        # The list shows the open needs unless the filter asks for others.
        if not self.request.GET.get("status"):
            rows = selectors.filter_needs(rows, {})
        return rows

    @property
    def filter_form_class(self):
        user = self.request.user
        return lambda data=None: forms.NeedFilterForm(data, user=user)

    def filter_queryset(self, queryset, data):
        return selectors.filter_needs(queryset, data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, RELIEF("add"))
        context["link_form"] = (
            forms.NeedLinkForm(user=self.request.user, auto_id="id_link_%s")
            if context["can_add"]
            else None
        )
        stored = self.request.session.pop(LINK_SESSION_KEY, None)
        if stored:
            context["new_link"] = {
                "url": self.request.build_absolute_uri(stored["path"]),
                "association": stored["association"],
            }
        return context

    def export_header(self):
        return [
            _("association"),
            _("Country (region)"),
            _("city"),
            _("item"),
            _("quantity reported"),
            _("quantity confirmed"),
            _("urgency"),
            _("status"),
            _("reported at"),
            _("delivery address"),
            _("contact"),
        ]

    def export_rows(self, queryset):
        return (
            [
                n.association.name,
                countries.name(str(n.association.country)),
                n.delivery_city or n.association.city,
                str(n.item),
                n.quantity_reported,
                n.quantity,
                n.get_urgency_display(),
                n.get_status_display(),
                n.reported_at,
                n.delivery_address,
                n.contact,
            ]
            for n in queryset[: self.export_limit]
        )


class NeedCreateView(ScopedFormView):
    action = Action.ADD
    model = Need
    template_name = "relief/form.html"
    success_message = gettext_lazy("Need reported.")

    def get_form(self, data=None):
        return forms.NeedForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": _("Report a need"),
            "back": reverse("relief:need_list"),
        }

    def perform(self, form):
        return services.need_report(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("relief:need_detail", args=[obj.public_id])


class NeedDetailView(ScopedDetailView):
    template_name = "relief/need_detail.html"
    model = Need

    def narrow(self, queryset):
        return queryset.select_related("association", "item", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        need, user = self.object, self.request.user
        context.update(
            can_review=Need.objects.restrict(user, Action.CHANGE).filter(pk=need.pk).exists()
            and need.status in (Need.Status.REPORTED, Need.Status.CONFIRMED, Need.Status.ADJUSTED),
            review_form=forms.NeedReviewForm(initial={"quantity": need.quantity}),
            open_quantity=open_quantity(need),
        )
        return context


class NeedReviewView(ScopedFormView):
    action = Action.CHANGE
    model = Need
    needs_object = True
    needs_whole_subtree = True
    template_name = "relief/form.html"
    success_message = gettext_lazy("Need reviewed.")

    def get_form(self, data=None):
        return forms.NeedReviewForm(data, initial={"quantity": self.object.quantity})

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": _("Confirm or adjust the need"),
            "back": reverse("relief:need_detail", args=[self.object.public_id]),
        }

    def perform(self, form):
        return services.need_confirm(
            actor=self.request.user,
            need=self.object,
            quantity=form.cleaned_data["quantity"],
            reason=form.cleaned_data["reason"],
        )

    def get_success_url(self, obj):
        return reverse("relief:need_detail", args=[obj.public_id])


class NeedCancelView(ScopedFormView):
    action = Action.CHANGE
    model = Need
    needs_object = True
    needs_whole_subtree = True
    template_name = "relief/form.html"
    form_class = forms.ReasonForm
    success_message = gettext_lazy("Need cancelled.")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": _("Cancel the need"),
            "back": reverse("relief:need_detail", args=[self.object.public_id]),
        }

    def perform(self, form):
        return services.need_cancel(
            actor=self.request.user, need=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_url(self, obj):
        return reverse("relief:need_detail", args=[obj.public_id])


class NeedLinkView(ScopedFormView):
    """Make the association's private link for reporting needs (shown once on the list)."""

    domain = "relief"
    action = Action.ADD
    template_name = "relief/form.html"

    def get_form(self, data=None):
        return forms.NeedLinkForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": _("A link for an association to report its needs"),
            "back": reverse("relief:need_list"),
        }

    def perform(self, form):
        association = form.cleaned_data["association"]
        path = services.need_link_create(actor=self.request.user, association=association)
        self.request.session[LINK_SESSION_KEY] = {"path": path, "association": association.name}
        return association

    def get_success_url(self, obj):
        return reverse("relief:need_list")
