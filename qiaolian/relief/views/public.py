"""The association's pages, opened by a private link without a login: report needs, and
acknowledge a shipment. Both speak Chinese and English at once (the reader abroad may read
either). Everything shown comes from the link's target, never from the request."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views import View

from qiaolian.core import private_links
from qiaolian.core.throttle import PublicRateLimitMixin
from qiaolian.relief import forms, services
from qiaolian.relief.models import Need, Shipment
from qiaolian.relief.needs import association_for_need_token
from qiaolian.relief.shipping import shipment_for_ack_token


def _public(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def _gone(request, status=410):
    return _public(render(request, "relief/public/gone.html", {}, status=status))


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class NeedReportPublicView(PublicRateLimitMixin, View):
    """The association's leader reports a need (item, quantity, urgency, address, contact)."""

    http_method_names = ["get", "post"]

    def dispatch(self, request, token: str):
        try:
            self.association = association_for_need_token(token)
        except private_links.LinkNotFound as exc:
            raise Http404 from exc
        except private_links.LinkGone:
            return _gone(request)
        return super().dispatch(request, token)

    def page(self, form, status=200, done=None):
        # scoping: exempt - the needs of the association the token opens
        recent = Need.objects.filter(association=self.association).select_related("item")
        context = {
            "association": self.association,
            "form": form,
            "done": done,
            "recent": recent.order_by("-reported_at")[:10],
        }
        return _public(
            render(self.request, "relief/public/need_report.html", context, status=status)
        )

    def get(self, request, token: str):
        return self.page(forms.NeedForm(association=self.association))

    def post(self, request, token: str):
        form = forms.NeedForm(request.POST, association=self.association)
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            need = services.need_report(
                actor=None, association=self.association, via_link=True, **form.cleaned_data
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
            return self.page(form, status=400)
        return self.page(forms.NeedForm(association=self.association), done=need)


class ShipmentAckPublicView(PublicRateLimitMixin, View):
    """The association confirms what arrived: quantities per line, a photo, a note."""

    http_method_names = ["get", "post"]

    def dispatch(self, request, token: str):
        try:
            self.shipment = shipment_for_ack_token(token)
        except private_links.LinkNotFound as exc:
            raise Http404 from exc
        except private_links.LinkGone:
            return _gone(request)
        self.lines = list(self.shipment.lines.select_related("item"))
        return super().dispatch(request, token)

    def page(self, form, status=200):
        rows = [(line, form[f"line_{line.pk}"]) for line in self.lines]
        context = {"shipment": self.shipment, "form": form, "rows": rows}
        return _public(render(self.request, "relief/public/ack.html", context, status=status))

    def get(self, request, token: str):
        if self.shipment.status == Shipment.Status.ACKNOWLEDGED:
            return _public(
                render(request, "relief/public/ack_done.html", {"shipment": self.shipment})
            )
        if self.shipment.status == Shipment.Status.PACKED:
            return _gone(request, status=409)
        return self.page(forms.AckForm(lines=self.lines))

    def post(self, request, token: str):
        form = forms.AckForm(request.POST, request.FILES, lines=self.lines)
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            services.shipment_acknowledge(
                shipment=self.shipment,
                received=form.received(),
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                photo=form.cleaned_data.get("photo"),
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
            return self.page(form, status=400)
        return _public(render(request, "relief/public/ack_done.html", {"shipment": self.shipment}))
