"""Hotline pages: proxy / cloud tomb-sweeping orders (see hotline/urls.py).

Staff pages are scoped like every other page. Two pages are public: the proof page a requester
opens from the private link (`/hotline/s/<token>/`) and the proof files it shows; the token is
the authorisation there, checked (hash and expiry) on every request, files included.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiaolian.core.files import serve_private_file
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.core.throttle import PublicRateLimitMixin
from qiaolian.core.views.conflicts import ConflictFormMixin
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedView,
)
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.forms.tomb import (
    CancelForm,
    ProofForm,
    RequesterLinkForm,
    ScheduleForm,
    ShareForm,
    TombEditForm,
    TombFilterForm,
    TombOpenForm,
    TombOrderForm,
    performer_label,
)
from qiaolian.hotline.models import Case, TombProof, TombStatus, TombSweepingOrder
from qiaolian.hotline.panels import panel
from qiaolian.hotline.selectors import tomb as selectors
from qiaolian.hotline.services import cases as case_services
from qiaolian.hotline.services import tomb as services

SHARE_SESSION_KEY = "hotline_tomb_share"


def _can(user, action: Action, unit) -> bool:
    return Unit.objects.restrict(user, HOTLINE(action)).filter(pk=unit.pk).exists()


class TombListView(ExportableListView):
    template_name = "hotline/tomb/list.html"
    filter_form_class = TombFilterForm
    sort_fields = {
        "date": "service_date",
        "cemetery": "cemetery",
        "status": "status",
        "unit": "unit__path",
    }
    default_sort = "-date"
    export_name = "tomb-sweeping"
    export_title = gettext_lazy("Tomb-sweeping orders")

    def queryset_for(self, action: Action):
        return selectors.order_list(
            user=self.request.user, action=action, within=self.request.active_unit
        )

    def filter_queryset(self, queryset, data):
        return selectors.filter_orders(queryset, data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["filter_form"]
        year = timezone.localdate().year
        if form is not None and form.is_valid() and form.cleaned_data.get("year"):
            year = form.cleaned_data["year"]
        context.update(
            year=year,
            seasons=services.seasonal_counts(self.request.user, year),
            can_add=holds_subtree(self.request.user, HOTLINE.ADD),
        )
        return context

    def export_header(self):
        return [
            _("Case number"),
            _("Service"),
            _("Deceased"),
            _("Cemetery"),
            _("Grave location"),
            _("Service date"),
            _("Rites requested"),
            _("Performed by"),
            _("Status"),
            _("Fulfilled at"),
            _("Owner unit"),
        ]

    def export_rows(self, queryset):
        return (
            [
                o.case.number,
                o.get_kind_display(),
                o.deceased_name,
                o.cemetery,
                o.grave_location,
                o.service_date,
                o.rites,
                str(o.performer or ""),
                o.get_status_display(),
                timezone.localtime(o.fulfilled_at).strftime("%Y-%m-%d %H:%M")
                if o.fulfilled_at
                else "",
                o.unit.label,
            ]
            for o in queryset.order_by("service_date", "pk")[: self.export_limit]
        )


class OrderMixin(ScopedView):
    object: Any = None

    model = TombSweepingOrder

    def narrow(self, queryset):
        return queryset.select_related("unit", "case", "performer", "share_link")

    def get_success_url(self, obj):
        order = obj if isinstance(obj, TombSweepingOrder) else self.object
        return reverse("hotline:tomb_detail", args=[order.public_id])


class TombDetailView(OrderMixin, ScopedDetailView):
    template_name = "hotline/tomb/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, order = self.request.user, self.object
        can_manage = _can(user, Action.CHANGE, order.unit)
        can_fulfil = (
            TombSweepingOrder.objects.restrict(user, Action.CHANGE).filter(pk=order.pk).exists()
        )
        shared = self.request.session.pop(SHARE_SESSION_KEY, None)
        new_link = None
        if shared and shared.get("order") == str(order.public_id):
            new_link = self.request.build_absolute_uri(
                reverse("hotline:tomb_shared", args=[shared["token"]])
            )
        now = timezone.now()
        context.update(
            order=order,
            proofs=list(selectors.order_proofs(user=user, order=order)),
            can_manage=can_manage,
            can_fulfil=can_fulfil and order.status != TombStatus.CANCELLED,
            can_schedule=can_manage
            and order.status in (TombStatus.REQUESTED, TombStatus.SCHEDULED),
            link_active=bool(order.share_token_hash)
            and order.share_expires_at is not None
            and order.share_expires_at > now,
            link_expired=bool(order.share_token_hash)
            and (order.share_expires_at is None or order.share_expires_at <= now),
            new_link=new_link,
            share_form=ShareForm(),
            cancel_form=CancelForm(),
            case_visible=Case.objects.restrict(user, Action.VIEW).filter(pk=order.case_id).exists(),
            # The requester is the case's: an order taken from a quick contact is linked to
            # the person of the register afterwards, with the same scoped picker.
            link_form=RequesterLinkForm(user=user)
            if can_manage and not order.case.requester_id
            else None,
            early_warning=services.early_warning(order)
            if order.status in (TombStatus.REQUESTED, TombStatus.SCHEDULED)
            and timezone.localdate() < order.service_date
            else "",
        )
        return context


class TombCreateView(ScopedFormView):
    """A new tomb-sweeping case and its order in one form."""

    action = Action.ADD
    template_name = "hotline/tomb/form.html"
    success_message = gettext_lazy("Tomb-sweeping order created.")

    def get_form(self, data=None):
        initial = {"service_date": timezone.localdate()}
        if self.request.active_unit:
            initial["unit"] = self.request.active_unit
        return TombOpenForm(data, user=self.request.user, initial=initial)

    def perform(self, form):
        return services.order_open(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("hotline:tomb_detail", args=[obj.public_id])


class TombCreateForCaseView(ScopedFormView):
    """An order for an existing tomb-sweeping case (from the case page's panel)."""

    action = Action.CHANGE
    needs_object = True
    template_name = "hotline/tomb/form.html"
    success_message = gettext_lazy("Tomb-sweeping order created.")

    model = Case

    def narrow(self, queryset):
        return queryset.select_related("unit")

    def get_form(self, data=None):
        return TombOrderForm(data, initial={"service_date": timezone.localdate()})

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "case": self.object, "object": None}

    def perform(self, form):
        return services.order_create(actor=self.request.user, case=self.object, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("hotline:tomb_detail", args=[obj.public_id])


class TombEditView(OrderMixin, ConflictFormMixin, ScopedFormView):
    """Edit with optimistic locking: a stale save keeps the user's text and shows theirs."""

    action = Action.CHANGE
    needs_object = True
    template_name = "hotline/tomb/form.html"
    success_message = gettext_lazy("Order saved.")

    def get_form(self, data=None):
        initial = {name: getattr(self.object, name) for name in services.ORDER_FIELDS}
        return TombEditForm(data, initial={**initial, "version": self.object.version})

    def perform(self, form):
        fields = dict(form.cleaned_data)
        version = fields.pop("version", None)
        return services.order_update(
            actor=self.request.user, order=self.object, expected_version=version, **fields
        )


class PerformerOptionsView(ScopedView):
    """Options for the performer picker: up to 20 active accounts the user can see matching
    `q` (JSON: {"results": [{"value", "text"}]}); opened by whoever may change orders."""

    action = Action.CHANGE
    limit = 20

    def get(self, request):
        found = services.performers_for(actor=request.user, q=request.GET.get("q", ""))
        results = [
            {"value": str(user.public_id), "text": performer_label(user)}
            for user in found[: self.limit]
        ]
        return JsonResponse({"results": results})


class TombScheduleView(OrderMixin, ScopedFormView):
    action = Action.CHANGE
    needs_object = True
    template_name = "hotline/tomb/subform.html"
    success_message = gettext_lazy("Order scheduled.")
    heading = gettext_lazy("Schedule the service")

    def get_form(self, data=None):
        initial = {"service_date": self.object.service_date, "performer": self.object.performer}
        return ScheduleForm(data, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        return services.order_schedule(
            actor=self.request.user, order=self.object, **form.cleaned_data
        )


class TombCancelView(OrderMixin, ScopedFormView):
    action = Action.CHANGE
    needs_object = True
    template_name = "hotline/tomb/subform.html"
    success_message = gettext_lazy("Order cancelled.")
    heading = gettext_lazy("Cancel the order")

    def get_form(self, data=None):
        return CancelForm(data)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading, "danger": True}

    def perform(self, form):
        return services.order_cancel(
            actor=self.request.user, order=self.object, **form.cleaned_data
        )


class TombFulfilView(OrderMixin, ScopedFormView):
    """Upload the proof and mark the service done; the performer may do it too."""

    action = Action.CHANGE
    needs_object = True
    template_name = "hotline/tomb/fulfil.html"
    success_message = gettext_lazy("Proof uploaded; the service is done.")

    def early(self) -> bool:
        order = self.object
        return order.status != TombStatus.DONE and timezone.localdate() < order.service_date

    def get_form(self, data=None):
        files = self.request.FILES if data is not None else None
        return ProofForm(data, files, early=self.early())

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "photo_limit": services.photo_max_bytes(),
            "video_limit": services.video_max_bytes(),
            "early_warning": services.early_warning(self.object) if self.early() else "",
        }

    def perform(self, form):
        services.order_fulfil(
            actor=self.request.user,
            order=self.object,
            files=form.cleaned_data["proof"],
            early_reason=form.cleaned_data.get("early_reason", ""),
        )
        return self.object


class TombShareView(OrderMixin, ScopedActionView):
    """Create (or replace) the private link; its token is shown once, on the next page."""

    action = Action.CHANGE

    def perform(self, obj):
        form = ShareForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(
                _("A link can be valid for 1 to %(max)d days.") % {"max": services.SHARE_MAX_DAYS}
            )
        token = services.share_create(
            actor=self.request.user, order=obj, days=form.cleaned_data["days"]
        )
        self.request.session[SHARE_SESSION_KEY] = {
            "order": str(obj.public_id),
            "token": token,
        }
        messages.success(
            self.request,
            _("Link created. Copy it now: for safety it is shown only once."),
        )


class TombShareExtendView(OrderMixin, ScopedActionView):
    action = Action.CHANGE
    success_message = gettext_lazy("The link's expiry was changed.")

    def perform(self, obj):
        form = ShareForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(
                _("A link can be valid for 1 to %(max)d days.") % {"max": services.SHARE_MAX_DAYS}
            )
        services.share_extend(actor=self.request.user, order=obj, days=form.cleaned_data["days"])


class TombShareRevokeView(OrderMixin, ScopedActionView):
    action = Action.CHANGE
    success_message = gettext_lazy("The link was revoked; it no longer opens the proof.")

    def perform(self, obj):
        services.share_revoke(actor=self.request.user, order=obj)


class TombLinkRequesterView(OrderMixin, ScopedActionView):
    """Link the order's case to the person of the register who asked for it."""

    action = Action.CHANGE
    success_message = gettext_lazy("Requester linked.")

    def perform(self, obj):
        form = RequesterLinkForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise ValidationError(_("Pick a person of the register."))
        case_services.case_link_requester(
            actor=self.request.user, case=obj.case, person=form.cleaned_data["person"]
        )


class ProofFileView(ScopedView):
    """A proof file for staff, through scoping (never a public MEDIA address)."""

    model = TombProof
    queryset_action = Action.VIEW

    def get(self, request, *args, **kwargs):
        return _file_response(request, self.get_object())


class ProofRemoveView(ScopedActionView):
    action = Action.CHANGE
    success_message = gettext_lazy("Proof file removed.")

    model = TombProof

    def narrow(self, queryset):
        return queryset.select_related("order__unit")

    def perform(self, obj):
        services.proof_remove(actor=self.request.user, proof=obj)

    def get_success_url(self, obj):
        return reverse("hotline:tomb_detail", args=[obj.order.public_id])


def _file_response(request, proof: TombProof):
    # Shown in the page (a photo, a video), so inline; the type is the one sniffed on upload.
    return serve_private_file(request, proof, "file", inline=True)


# --- the requester's private link (no login) ---------------------------------------------


def _public_headers(response):
    # The token is in the address: send it on as a referrer only to this site (a form POST
    # needs a real Origin for the CSRF check), and never index the page.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def federation_name(order: TombSweepingOrder) -> str:
    """The name the requester knows: the federation at the root of the order's unit tree
    (宁波市侨联), not the unit inside it that happened to take the order."""
    unit = order.unit
    if unit.depth > 1:
        # scoping: exempt - the public name of the order's own federation, token-authorised
        unit = Unit.objects.filter(path=unit.path[: Unit.steplen]).first() or unit
    return unit.label  # in the reader's language


def _order_or_gone(request, token: str, *, count: bool = True):
    """The order the token opens; 404 for no such (or a revoked) link, 410 when expired."""
    try:
        order = services.order_for_token(token, count=count)
    except services.LinkExpired:
        return None, _public_headers(render(request, "hotline/tomb/link_gone.html", status=410))
    if order is None:
        raise Http404
    return order, None


class SharedProofView(PublicRateLimitMixin, View):
    """The proof page a requester abroad opens. Shows the service and its proof, and nothing
    else of the case: no names but the performer's display name, no phone, no unit."""

    http_method_names = ["get"]

    def get(self, request, token: str):
        order, gone = _order_or_gone(request, token)
        if gone is not None:
            return gone
        proofs = list(order.proofs.order_by("uploaded_at", "pk"))  # scoping: exempt, token
        performer = ""
        if order.performer is not None:
            performer = order.performer.display_name or _("Federation staff")
        context = {
            "order": order,
            "proofs": proofs,
            "token": token,
            "performer": performer,
            "federation": federation_name(order),
        }
        return _public_headers(render(request, "hotline/tomb/shared.html", context))


class SharedProofFileView(PublicRateLimitMixin, View):
    """One proof file of a shared order; the token is checked again for every file."""

    http_method_names = ["get"]

    def get(self, request, token: str, public_id):
        order, gone = _order_or_gone(request, token, count=False)  # the page counted the visit
        if gone is not None:
            return gone
        proof = order.proofs.filter(public_id=public_id).first()  # scoping: exempt, token
        if proof is None:
            raise Http404
        return _public_headers(_file_response(request, proof))


# --- the case page's panel ---------------------------------------------------------------


@panel(45)
def tomb_panel(request, case):
    """The order of a tomb-sweeping case, or the button to create it."""
    user = request.user
    order = (
        TombSweepingOrder.objects.restrict(user, Action.VIEW)
        .filter(case=case)
        .select_related("performer")
        .first()
    )
    if order is None and case.category != services.TOMB_CATEGORY:
        return None
    can_create = order is None and _can(user, Action.ADD, case.unit)
    if order is None and not can_create:
        return None
    return {
        "template": "hotline/tomb/_panel.html",
        "tomb_order": order,
        "tomb_case": case,
        "tomb_can_create": can_create,
        "tomb_proof_count": order.proofs.count() if order else 0,
    }


urlpatterns: list = [
    path("tomb/", TombListView.as_view(), name="tomb_list"),
    path("tomb/new/", TombCreateView.as_view(), name="tomb_create"),
    path(
        "tomb/new/<uuid:public_id>/", TombCreateForCaseView.as_view(), name="tomb_create_for_case"
    ),
    path("tomb/<uuid:public_id>/", TombDetailView.as_view(), name="tomb_detail"),
    path("tomb/<uuid:public_id>/edit/", TombEditView.as_view(), name="tomb_edit"),
    path("tomb/<uuid:public_id>/schedule/", TombScheduleView.as_view(), name="tomb_schedule"),
    path("tomb/performers/", PerformerOptionsView.as_view(), name="performer_options"),
    path(
        "tomb/<uuid:public_id>/requester/",
        TombLinkRequesterView.as_view(),
        name="tomb_link_requester",
    ),
    path("tomb/<uuid:public_id>/cancel/", TombCancelView.as_view(), name="tomb_cancel"),
    path("tomb/<uuid:public_id>/fulfil/", TombFulfilView.as_view(), name="tomb_fulfil"),
    path("tomb/<uuid:public_id>/share/", TombShareView.as_view(), name="tomb_share"),
    path(
        "tomb/<uuid:public_id>/share/expiry/",
        TombShareExtendView.as_view(),
        name="tomb_share_extend",
    ),
    path(
        "tomb/<uuid:public_id>/share/revoke/",
        TombShareRevokeView.as_view(),
        name="tomb_share_revoke",
    ),
    path("tomb/proofs/<uuid:public_id>/", ProofFileView.as_view(), name="tomb_proof_file"),
    path(
        "tomb/proofs/<uuid:public_id>/remove/",
        ProofRemoveView.as_view(),
        name="tomb_proof_remove",
    ),
    path("s/<str:token>/", SharedProofView.as_view(), name="tomb_shared"),
    path(
        "s/<str:token>/files/<uuid:public_id>/",
        SharedProofFileView.as_view(),
        name="tomb_shared_file",
    ),
]
