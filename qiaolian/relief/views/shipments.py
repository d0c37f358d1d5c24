"""Shipments: list (Excel export), detail with each line's lots ("whose donations are
these?"), ship, deliver, the acknowledgement link, thanks; the photo; the thanks list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import countries
from qiaolian.core.files import serve_private_file
from qiaolian.core.private_links import active_link_for
from qiaolian.core.scoping import Action
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)
from qiaolian.relief import forms, selectors, services
from qiaolian.relief.models import Shipment, Thanks
from qiaolian.relief.shipping import ACK_LINK_PURPOSE

ACK_SESSION_KEY = "relief_ack_link"


class ShipmentListView(ExportableListView):
    template_name = "relief/shipment_list.html"
    model = Shipment
    export_name = "shipments"
    export_title = gettext_lazy("shipments")
    sort_fields = {"number": "number", "packed": "packed_on", "shipped": "shipped_on"}

    def narrow(self, queryset):
        return selectors.narrow_shipments(queryset, within=self.request.active_unit)

    @property
    def filter_form_class(self):
        return forms.ShipmentFilterForm

    def filter_queryset(self, queryset, data):
        return selectors.filter_shipments(queryset, data)

    def export_header(self):
        return [
            _("shipment number"),
            _("association"),
            _("Country (region)"),
            _("delivery city"),
            _("status"),
            _("warehouse"),
            _("quantity"),
            _("declared value (yuan)"),
            _("contents (Chinese)"),
            _("contents (English)"),
            _("carrier"),
            _("tracking number"),
            _("packed on"),
            _("shipped on"),
            _("delivered on"),
            _("acknowledged on"),
        ]

    def export_rows(self, queryset):
        return (
            [
                s.number,
                s.association.name,
                countries.name(str(s.association.country)),
                s.delivery_city,
                s.get_status_display(),
                s.warehouse.name,
                s.quantity or 0,
                s.declared_value_cny,
                s.description_zh,
                s.description_en,
                s.carrier,
                s.tracking_number,
                s.packed_on,
                s.shipped_on,
                s.delivered_on,
                s.acknowledged_on,
            ]
            for s in queryset[: self.export_limit]
        )


class ShipmentDetailView(ScopedDetailView):
    template_name = "relief/shipment_detail.html"
    model = Shipment

    def narrow(self, queryset):
        return queryset.select_related("association", "warehouse", "allocation", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, shipment = self.request.user, self.object
        can_change = Shipment.objects.restrict(user, Action.CHANGE).filter(pk=shipment.pk).exists()
        stored = self.request.session.get(ACK_SESSION_KEY)
        new_link = None
        if stored and stored.get("shipment") == str(shipment.public_id):
            self.request.session.pop(ACK_SESSION_KEY, None)
            new_link = self.request.build_absolute_uri(stored["path"])
        link = active_link_for(shipment, ACK_LINK_PURPOSE) if can_change else None
        context.update(
            lines=selectors.shipment_lines(user=user, shipment=shipment),
            thanks=selectors.thanks_list(user=user).filter(shipment=shipment),
            can_change=can_change,
            ship_form=forms.ShipForm(
                initial={
                    "shipped_on": timezone.localdate(),
                    "description_zh": shipment.description_zh,
                    "description_en": shipment.description_en,
                }
            ),
            thanks_form=forms.ThanksForm(initial={"received_on": timezone.localdate()}),
            new_link=new_link,
            link=link,
            link_live=link is not None and link.expires_at > timezone.now(),
        )
        return context


class ShipmentFormView(ScopedFormView):
    model = Shipment
    action = Action.CHANGE
    needs_object = True
    needs_whole_subtree = True
    template_name = "relief/form.html"
    heading = ""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": f"{self.heading} · {self.object.number}",
            "back": reverse("relief:shipment_detail", args=[self.object.public_id]),
        }

    def get_success_url(self, obj):
        return reverse("relief:shipment_detail", args=[self.object.public_id])


class ShipmentShipView(ShipmentFormView):
    form_class = forms.ShipForm
    heading = gettext_lazy("Send the shipment")
    success_message = gettext_lazy("Shipment sent.")

    def perform(self, form):
        return services.shipment_ship(
            actor=self.request.user, shipment=self.object, **form.cleaned_data
        )


class ThanksCreateView(ShipmentFormView):
    action = Action.ADD
    form_class = forms.ThanksForm
    heading = gettext_lazy("Record thanks")
    success_message = gettext_lazy("Thanks recorded.")

    def perform(self, form):
        return services.thanks_record(
            actor=self.request.user, shipment=self.object, **form.cleaned_data
        )


class ShipmentDeliverView(ScopedActionView):
    model = Shipment
    action = Action.CHANGE
    needs_whole_subtree = True
    success_message = gettext_lazy("Shipment marked as delivered.")

    def perform(self, obj):
        services.shipment_deliver(actor=self.request.user, shipment=obj)

    def get_success_url(self, obj):
        return reverse("relief:shipment_detail", args=[obj.public_id])


class ShipmentAckLinkView(ScopedActionView):
    """Make the association's acknowledgement link (shown once on the shipment page)."""

    model = Shipment
    action = Action.CHANGE
    needs_whole_subtree = True

    def post(self, request, *args, **kwargs):
        shipment = self.get_object()
        try:
            path = services.ack_link_create(actor=request.user, shipment=shipment)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            request.session[ACK_SESSION_KEY] = {"shipment": str(shipment.public_id), "path": path}
        return HttpResponseRedirect(reverse("relief:shipment_detail", args=[shipment.public_id]))


class ShipmentPhotoView(ScopedView):
    model = Shipment

    def get(self, request, public_id):
        shipment = self.get_object()
        if not shipment.acknowledgement_photo:
            raise Http404
        return serve_private_file(request, shipment, "acknowledgement_photo")


class ThanksListView(ScopedListView):
    template_name = "relief/thanks_list.html"
    model = Thanks
    filter_form_class = forms.PeriodFilterForm

    def narrow(self, queryset):
        return selectors.narrow_thanks(queryset, within=self.request.active_unit)

    def filter_queryset(self, queryset, data):
        if data.get("start"):
            queryset = queryset.filter(received_on__gte=data["start"])
        if data.get("end"):
            queryset = queryset.filter(received_on__lte=data["end"])
        return queryset
