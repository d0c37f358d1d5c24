"""Pages of the enterprises app, on core's generic scoped views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiaolian.core import private_links
from qiaolian.core.files import serve_private_file
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action, holds_subtree, reaches_unit
from qiaolian.core.throttle import PublicRateLimitMixin
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
)
from qiaolian.enterprises import forms, imports, selectors, services
from qiaolian.enterprises.codes import District, Industry
from qiaolian.enterprises.models import (
    Appeal,
    AppealAttachment,
    AppealCategory,
    AppealStatus,
    Department,
    DomesticBody,
    Enterprise,
    InvestmentProject,
    LiaisonAssignment,
    Meeting,
    MeetingAttendee,
    Resumption,
    SurveyAnswer,
    SurveyRound,
    TradeFair,
)

FORM = "enterprises/form.html"
TOKEN_KEY = "enterprises.link"  # noqa: S105 - a session key, not a secret


def _can_manage(user, unit) -> bool:
    return reaches_unit(user, "enterprises.change", unit, narrowed=False)


# --- enterprises --------------------------------------------------------------------------


class EnterpriseListView(ExportableListView):
    template_name = "enterprises/enterprise_list.html"
    sort_fields = {"name": "name", "unit": "unit__path", "contact": "last_contact"}
    default_sort = "name"
    export_name = "enterprises"
    export_title = gettext_lazy("Enterprises")
    filter_form_class = forms.EnterpriseFilterForm
    model = Enterprise

    def narrow(self, queryset):
        return selectors.with_service(queryset.in_subtree(self.request.active_unit))

    def filter_queryset(self, queryset, data):
        return selectors.filter_enterprises(queryset, {**data, "user": self.request.user})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, "enterprises.add")
        return context

    def export_header(self):
        return [
            _("Enterprise name"),
            _("Unified social credit code"),
            _("Industry"),
            _("Size"),
            _("District"),
            _("Address"),
            _("Founding year"),
            _("Returnee founders"),
            _("Key enterprise"),
            _("Owner unit"),
        ]

    def export_rows(self, queryset):
        return (
            [
                e.name,
                e.credit_code,
                e.get_industry_display(),
                e.get_size_display(),
                e.get_district_display(),
                e.address,
                e.founded_year,
                e.returnee_founders,
                _("Yes") if e.is_key else _("No"),
                e.unit.label,
            ]
            for e in queryset.order_by("unit__path", "name")[: self.export_limit]
        )


class EnterpriseDetailView(ScopedDetailView):
    template_name = "enterprises/enterprise_detail.html"
    model = Enterprise

    def narrow(self, queryset):
        return queryset.select_related("unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, enterprise = self.request.user, self.object
        context.update(
            investors=enterprise.investors.all(),
            assignments=selectors.current_officers(user=user, enterprise=enterprise),
            contacts=enterprise.contacts.select_related("officer")[:20],
            appeals=selectors.appeal_list(user=user).filter(enterprise=enterprise)[:20],
            answers=SurveyAnswer.objects.restrict(user)
            .filter(enterprise=enterprise)
            .select_related("round")
            .order_by("-round__opens_on"),
            can_manage=_can_manage(user, enterprise.unit),
            portal_link=_shown_link(self.request, enterprise, "enterprises:portal"),
            can_change=Enterprise.objects.restrict(user, Action.CHANGE)
            .filter(pk=enterprise.pk)
            .exists(),
        )
        return context


class EnterpriseCreateView(ScopedFormView):
    action = Action.ADD
    model = Enterprise
    template_name = FORM
    success_message = gettext_lazy("Enterprise added.")
    heading = gettext_lazy("New enterprise")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit} if self.request.active_unit else {}
        return forms.EnterpriseForm(data, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        return services.enterprise_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("enterprises:enterprise_detail", args=[obj.public_id])


class EnterpriseObjectMixin:
    """A form on the enterprise named in the URL."""

    action = Action.CHANGE
    model = Enterprise
    needs_object = True
    template_name = FORM
    heading = ""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": self.heading,
            "cancel": self.get_success_url(self.object),
        }

    def get_success_url(self, obj):
        return reverse("enterprises:enterprise_detail", args=[self.object.public_id])


class EnterpriseEditView(EnterpriseObjectMixin, ScopedFormView):
    needs_whole_subtree = True
    success_message = gettext_lazy("Enterprise saved.")
    heading = gettext_lazy("Edit enterprise")

    def get_form(self, data=None):
        initial = {name: getattr(self.object, name) for name in services.ENTERPRISE_FIELDS}
        return forms.EnterpriseForm(
            data, user=self.request.user, action="enterprises.change", initial=initial
        )

    def perform(self, form):
        return services.enterprise_update(
            actor=self.request.user,
            enterprise=self.object,
            expected_version=self.object.version,
            **form.cleaned_data,
        )


class InvestorAddView(EnterpriseObjectMixin, ScopedFormView):
    needs_whole_subtree = True
    success_message = gettext_lazy("Investor added.")
    heading = gettext_lazy("Add an overseas investor")

    def get_form(self, data=None):
        return forms.InvestorForm(data)

    def perform(self, form):
        return services.investor_add(
            actor=self.request.user, enterprise=self.object, **form.cleaned_data
        )


class AssignmentAddView(EnterpriseObjectMixin, ScopedFormView):
    needs_whole_subtree = True
    success_message = gettext_lazy("Liaison officer assigned.")
    heading = gettext_lazy("Assign a liaison officer")

    def get_form(self, data=None):
        return forms.AssignmentForm(data, user=self.request.user)

    def perform(self, form):
        return services.assignment_add(
            actor=self.request.user, enterprise=self.object, **form.cleaned_data
        )


class AssignmentEndView(ScopedActionView):
    action = Action.CHANGE
    model = LiaisonAssignment
    needs_whole_subtree = False
    success_message = gettext_lazy("Assignment ended.")

    def narrow(self, queryset):
        return queryset.select_related("enterprise__unit", "officer")

    def perform(self, obj):
        from django.utils import timezone

        services.assignment_end(
            actor=self.request.user, assignment=obj, ends_on=timezone.localdate()
        )

    def get_success_url(self, obj):
        return reverse("enterprises:enterprise_detail", args=[obj.enterprise.public_id])


class ContactAddView(EnterpriseObjectMixin, ScopedFormView):
    success_message = gettext_lazy("Contact logged.")
    heading = gettext_lazy("Log a visit or contact")

    def get_form(self, data=None):
        return forms.ContactForm(data)

    def perform(self, form):
        return services.contact_log(
            actor=self.request.user, enterprise=self.object, **form.cleaned_data
        )


class AppealAddView(EnterpriseObjectMixin, ScopedFormView):
    success_message = gettext_lazy("Appeal raised.")
    heading = gettext_lazy("Raise an appeal")
    multipart = True

    def get_form(self, data=None):
        files = self.request.FILES if data is not None else None
        return forms.AppealForm(data, files, user=self.request.user)

    def perform(self, form):
        data = dict(form.cleaned_data)
        upload = data.pop("attachment", None)
        if upload is not None:
            services.files.check_upload(upload, services.ATTACHMENTS)  # refuse before writing
        appeal = services.appeal_raise(actor=self.request.user, enterprise=self.object, **data)
        if upload is not None:
            services.attachment_add(actor=self.request.user, appeal=appeal, upload=upload)
        return appeal

    def get_success_url(self, obj):
        if isinstance(obj, Appeal):
            return reverse("enterprises:appeal_detail", args=[obj.public_id])
        return super().get_success_url(obj)


class EnterpriseImportView(ScopedFormView):
    action = Action.ADD
    model = Enterprise
    template_name = FORM
    heading = gettext_lazy("Import enterprises from Excel")
    multipart = True

    def get_form(self, data=None):
        files = self.request.FILES if data is not None else None
        return forms.ImportForm(data, files, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": self.heading,
            "intro": _(
                "Columns in this order: enterprise name, unified social credit code, industry "
                "section letter (GB/T 4754), size, district, address, founding year, returnee "
                "founders, key enterprise (是/否). Nothing is saved unless every row is valid."
            ),
        }

    def perform(self, form):
        count = imports.import_enterprises(
            actor=self.request.user,
            unit=form.cleaned_data["unit"],
            upload=form.cleaned_data["file"],
        )
        messages.success(self.request, _("%(count)s enterprises imported.") % {"count": count})
        return count

    def get_success_url(self, obj):
        return reverse("enterprises:enterprise_list")


# --- liaison officers ---------------------------------------------------------------------


class OfficerListView(ScopedListView):
    template_name = "enterprises/officer_list.html"
    model = LiaisonAssignment
    paginate_by = 50

    def narrow(self, queryset):
        return selectors.workload(queryset.in_subtree(self.request.active_unit))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        # scoping: exempt - the names of the home units of officers already restricted
        units = Unit.objects.in_bulk([row["officer__home_unit"] for row in rows])
        for row in rows:
            unit = units.get(row["officer__home_unit"])
            row["home_unit"] = unit.label if unit else ""
        context["object_list"] = rows
        return context


# --- appeals ------------------------------------------------------------------------------


class AppealListView(ExportableListView):
    template_name = "enterprises/appeal_list.html"
    sort_fields = {"raised": "raised_at", "due": "due_on", "number": "number"}
    default_sort = "-raised"
    export_name = "appeals"
    export_title = gettext_lazy("Appeals")
    model = Appeal

    @property
    def filter_form_class(self):
        user = self.request.user
        return lambda data=None: forms.AppealFilterForm(data, user=user)

    def narrow(self, queryset):
        return queryset.in_subtree(self.request.active_unit).select_related(
            "enterprise", "department"
        )

    def filter_queryset(self, queryset, data):
        return selectors.filter_appeals(queryset, data)

    def export_header(self):
        return [
            _("Number"),
            _("Enterprise"),
            _("Category"),
            _("Subject"),
            _("Status"),
            _("Department"),
            _("Raised"),
            _("Due"),
            _("Answered"),
            _("Closed"),
            _("Satisfaction"),
        ]

    def export_rows(self, queryset):
        return (
            [
                a.number,
                a.enterprise.name,
                a.get_category_display(),
                a.title,
                a.get_status_display(),
                a.department.label if a.department else "",
                a.raised_at,
                a.due_on,
                a.answered_at,
                a.closed_at,
                a.satisfaction,
            ]
            for a in queryset.order_by("number")[: self.export_limit]
        )


class AppealDetailView(ScopedDetailView):
    template_name = "enterprises/appeal_detail.html"
    model = Appeal

    def narrow(self, queryset):
        return queryset.select_related("enterprise__unit", "department", "meeting", "raised_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        appeal, user = self.object, self.request.user
        can_manage = _can_manage(user, appeal.enterprise.unit)
        shown = self.request.session.pop(TOKEN_KEY, None)
        link = None
        if shown and shown.get("appeal") == str(appeal.public_id):
            name = (
                "enterprises:department_link"
                if shown["purpose"] == services.DEPARTMENT_LINK
                else "enterprises:enterprise_link"
            )
            link = {
                "url": self.request.build_absolute_uri(reverse(name, args=[shown["token"]])),
                "department": shown["purpose"] == services.DEPARTMENT_LINK,
            }
        context.update(
            events=appeal.events.select_related("actor"),
            attachments=appeal.attachments.all(),
            can_manage=can_manage,
            route_form=forms.RouteForm(user=user) if can_manage else None,
            reply_form=forms.ReplyForm(),
            confirm_form=forms.ConfirmForm(),
            reason_form=forms.ReasonForm(),
            link=link,
            Status=AppealStatus,
        )
        return context


class AppealObjectMixin:
    """A staff step on the appeal named in the URL (the enterprise's unit, whole subtree)."""

    action = Action.CHANGE
    model = Appeal
    needs_object = True
    needs_whole_subtree = True
    template_name = FORM
    heading = ""

    def narrow(self, queryset):
        return queryset.select_related("enterprise__unit", "department")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": f"{self.heading} · {self.object.number}",
            "cancel": self.get_success_url(self.object),
        }

    def get_success_url(self, obj):
        return reverse("enterprises:appeal_detail", args=[self.object.public_id])


def _shown_link(request, obj, url_name: str) -> str:
    """The link made on the previous page for `obj`, once (its token is never stored)."""
    shown = request.session.get(TOKEN_KEY)
    if not shown or shown.get("appeal") != str(obj.public_id):
        return ""
    del request.session[TOKEN_KEY]
    return request.build_absolute_uri(reverse(url_name, args=[shown["token"]]))


class PortalLinkView(EnterpriseObjectMixin, ScopedActionView):
    needs_whole_subtree = True
    success_message = gettext_lazy("Link created; send it to the enterprise.")

    def perform(self, obj):
        token = services.portal_link_create(actor=self.request.user, enterprise=obj)
        _remember_link(self.request, obj, services.PORTAL_LINK, token)

    def get_success_url(self, obj):
        return reverse("enterprises:enterprise_detail", args=[obj.public_id])


def _remember_link(request, appeal, purpose: str, token: str) -> None:
    """The token exists in clear only now: shown once, on the next page."""
    request.session[TOKEN_KEY] = {
        "appeal": str(appeal.public_id),
        "purpose": purpose,
        "token": token,
    }


class AppealRouteView(AppealObjectMixin, ScopedFormView):
    success_message = gettext_lazy("Appeal routed; send the department its link below.")
    heading = gettext_lazy("Route to a department")

    def get_form(self, data=None):
        return forms.RouteForm(data, user=self.request.user)

    def perform(self, form):
        appeal, token = services.appeal_route(
            actor=self.request.user, appeal=self.object, **form.cleaned_data
        )
        _remember_link(self.request, appeal, services.DEPARTMENT_LINK, token)
        return appeal


class AppealReplyView(AppealObjectMixin, ScopedFormView):
    success_message = gettext_lazy("Reply recorded.")
    heading = gettext_lazy("Record the department's reply")

    def get_form(self, data=None):
        return forms.ReplyForm(data)

    def perform(self, form):
        return services.appeal_answer(
            actor=self.request.user, appeal=self.object, reply=form.cleaned_data["reply"]
        )


class AppealConfirmView(AppealObjectMixin, ScopedFormView):
    success_message = gettext_lazy("Appeal closed on the enterprise's confirmation.")
    heading = gettext_lazy("Record the enterprise's confirmation")

    def get_form(self, data=None):
        return forms.ConfirmForm(data)

    def perform(self, form):
        return services.appeal_confirm(
            actor=self.request.user, appeal=self.object, **form.cleaned_data
        )


class AppealOverrideView(AppealObjectMixin, ScopedFormView):
    success_message = gettext_lazy("Appeal closed without confirmation.")
    heading = gettext_lazy("Close without the enterprise's confirmation")

    def get_form(self, data=None):
        return forms.ReasonForm(data)

    def perform(self, form):
        return services.appeal_close_override(
            actor=self.request.user, appeal=self.object, reason=form.cleaned_data["reason"]
        )


class AppealReopenView(AppealObjectMixin, ScopedFormView):
    success_message = gettext_lazy("Appeal reopened.")
    heading = gettext_lazy("Reopen the appeal")

    def get_form(self, data=None):
        return forms.ReasonForm(data)

    def perform(self, form):
        return services.appeal_reopen(
            actor=self.request.user, appeal=self.object, reason=form.cleaned_data["reason"]
        )


class AppealLinkView(AppealObjectMixin, ScopedActionView):
    success_message = gettext_lazy("Link created; send it to the enterprise.")

    def perform(self, obj):
        token = services.enterprise_link_create(actor=self.request.user, appeal=obj)
        _remember_link(self.request, obj, services.ENTERPRISE_LINK, token)

    def get_success_url(self, obj):
        return reverse("enterprises:appeal_detail", args=[obj.public_id])


class AppealFileView(ScopedDetailView):
    model = AppealAttachment

    def get(self, request, *args, **kwargs):
        return serve_private_file(request, self.get_object(), "file")


# --- the department's and the enterprise's private links (no login) ----------------------


def _public_headers(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


class _LinkView(PublicRateLimitMixin, View):
    purpose = ""
    template_name = ""
    by_link = ""

    def appeal(self, request, token):
        try:
            return services.appeal_for_token(token, self.purpose, request=request)
        except private_links.LinkExpired:
            return None
        except (private_links.LinkNotFound, private_links.LinkRevoked) as exc:
            raise Http404 from exc
        except private_links.LinkRateLimited as exc:
            raise PermissionDenied from exc

    def page(self, request, appeal, form=None, status=200):
        if appeal is None:
            return _public_headers(render(request, "enterprises/link_gone.html", status=410))
        context = {
            "appeal": appeal,
            "events": appeal.events.all(),  # scoping: exempt, the token's own appeal
            "form": form,
            "reason_form": forms.ReasonForm(),
            "confirm_form": forms.ConfirmForm(),
            "reply_form": forms.ReplyForm(),
            "Status": AppealStatus,
        }
        return _public_headers(render(request, self.template_name, context, status=status))

    def get(self, request, token):
        return self.page(request, self.appeal(request, token))

    def post(self, request, token):
        appeal = self.appeal(request, token)
        if appeal is None:
            return self.page(request, None)
        try:
            self.act(request, appeal)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.page(request, appeal, status=400)
        return _public_headers(HttpResponseRedirect(request.path))


class DepartmentLinkView(_LinkView):
    purpose = services.DEPARTMENT_LINK
    template_name = "enterprises/public_department.html"

    def act(self, request, appeal):
        if request.POST.get("step") == "acknowledge":
            services.appeal_acknowledge(appeal=appeal, by_link="department")
            messages.success(request, _("Thank you: the appeal is marked as acknowledged."))
        else:
            services.appeal_answer(
                appeal=appeal, reply=request.POST.get("reply", ""), by_link="department"
            )
            messages.success(request, _("Thank you: your reply is recorded."))


class EnterpriseLinkView(_LinkView):
    purpose = services.ENTERPRISE_LINK
    template_name = "enterprises/public_enterprise.html"

    def act(self, request, appeal):
        if request.POST.get("step") == "reopen":
            services.appeal_reopen(
                appeal=appeal, reason=request.POST.get("reason", ""), by_link="enterprise"
            )
            messages.success(request, _("The appeal goes back to the department."))
        else:
            services.appeal_confirm(
                appeal=appeal,
                satisfaction=request.POST.get("satisfaction"),
                note=request.POST.get("note", ""),
                by_link="enterprise",
            )
            messages.success(request, _("Thank you: the appeal is closed."))


class PortalView(PublicRateLimitMixin, View):
    """The enterprise's own page (no login): its appeals, a form to raise one, and the survey
    rounds open today. Everything shown comes from the token's enterprise."""

    def enterprise(self, request, token):
        try:
            return services.enterprise_for_token(token, request=request)
        except private_links.LinkExpired:
            return None
        except (private_links.LinkNotFound, private_links.LinkRevoked) as exc:
            raise Http404 from exc
        except private_links.LinkRateLimited as exc:
            raise PermissionDenied from exc

    def page(self, request, enterprise, status=200):
        if enterprise is None:
            return _public_headers(render(request, "enterprises/link_gone.html", status=410))
        answered = {
            a.round_id: a
            for a in SurveyAnswer.objects.filter(enterprise=enterprise)  # scoping: exempt, token
        }
        rounds = list(services.open_rounds_for(enterprise))
        for survey in rounds:
            survey.answer = answered.get(survey.pk)
        context = {
            "enterprise": enterprise,
            # scoping: exempt - the token's own enterprise's appeals
            "appeals": Appeal.objects.filter(enterprise=enterprise).select_related("department"),
            "rounds": rounds,
            "categories": AppealCategory.choices,
            "statuses": Resumption.choices,
        }
        return _public_headers(
            render(request, "enterprises/public_portal.html", context, status=status)
        )

    def get(self, request, token):
        return self.page(request, self.enterprise(request, token))

    def post(self, request, token):
        enterprise = self.enterprise(request, token)
        if enterprise is None:
            return self.page(request, None)
        data = request.POST
        try:
            if data.get("step") == "answer":
                survey = (
                    services.open_rounds_for(enterprise).filter(public_id=data.get("round")).first()
                )
                if survey is None:
                    raise ValidationError(_("This survey round is not open."))
                services.answer_record(
                    actor=None,
                    round=survey,
                    enterprise=enterprise,
                    status=data.get("status", ""),
                    staff_back=_percent(data.get("staff_back")),
                    capacity=_percent(data.get("capacity")),
                    difficulties=data.get("difficulties", ""),
                    by_link=True,
                )
                messages.success(request, _("Thank you: your answer is recorded."))
            else:
                category = data.get("category", "")
                if category not in AppealCategory.values:
                    raise ValidationError(_("Choose the category of the appeal."))
                services.appeal_raise(
                    actor=None,
                    enterprise=enterprise,
                    category=category,
                    title=data.get("title", "")[:200],
                    description=data.get("description", ""),
                    by_link="enterprise",
                )
                messages.success(request, _("Thank you: your appeal is received."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.page(request, enterprise, status=400)
        return _public_headers(HttpResponseRedirect(request.path))


def _percent(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 100:
        raise ValidationError(_("Give the shares of staff back and capacity from 0 to 100."))
    return number


# --- departments --------------------------------------------------------------------------


class DepartmentListView(ScopedListView):
    template_name = "enterprises/department_list.html"
    model = Department
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stats"] = selectors.department_stats(
            user=self.request.user, within=self.request.active_unit
        )
        context["can_add"] = holds_subtree(self.request.user, "enterprises.add")
        return context


class DepartmentCreateView(ScopedFormView):
    action = Action.ADD
    model = Department
    template_name = FORM
    success_message = gettext_lazy("Department added.")
    heading = gettext_lazy("New department")

    def get_form(self, data=None):
        return forms.DepartmentForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        return services.department_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("enterprises:department_list")


class DepartmentEditView(ScopedFormView):
    action = Action.CHANGE
    model = Department
    needs_object = True
    needs_whole_subtree = True
    template_name = FORM
    success_message = gettext_lazy("Department saved.")

    def get_form(self, data=None):
        initial = {name: getattr(self.object, name) for name in services.DEPARTMENT_FIELDS}
        return forms.DepartmentForm(
            data, user=self.request.user, action="enterprises.change", initial=initial
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.object.label}

    def perform(self, form):
        return services.department_update(
            actor=self.request.user, department=self.object, **form.cleaned_data
        )

    def get_success_url(self, obj):
        return reverse("enterprises:department_list")


# --- meetings -----------------------------------------------------------------------------


class MeetingListView(ScopedListView):
    template_name = "enterprises/meeting_list.html"
    model = Meeting

    def narrow(self, queryset):
        return (
            queryset.in_subtree(self.request.active_unit)
            .order_by("-held_on", "-pk")
            .annotate(
                enterprise_count=Count("attendees", distinct=True),
                appeal_count=Count("appeals", distinct=True),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, "enterprises.add")
        return context


class MeetingCreateView(ScopedFormView):
    action = Action.ADD
    model = Meeting
    template_name = FORM
    success_message = gettext_lazy("Meeting recorded.")
    heading = gettext_lazy("New meeting")

    def get_form(self, data=None):
        return forms.MeetingForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        return services.meeting_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("enterprises:meeting_detail", args=[obj.public_id])


class MeetingDetailView(ScopedDetailView):
    template_name = "enterprises/meeting_detail.html"
    model = Meeting

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, meeting = self.request.user, self.object
        context.update(
            departments=meeting.departments.restrict(user),
            attendees=MeetingAttendee.objects.restrict(user)
            .filter(meeting=meeting)
            .select_related("enterprise"),
            appeals=selectors.appeal_list(user=user).filter(meeting=meeting),
            can_manage=_can_manage(user, meeting.unit),
        )
        return context


class AttendeeAddView(ScopedFormView):
    action = Action.CHANGE
    model = Meeting
    needs_object = True
    needs_whole_subtree = True
    template_name = FORM
    success_message = gettext_lazy("Representative added.")
    heading = gettext_lazy("Add an enterprise representative")

    def get_form(self, data=None):
        return forms.AttendeeForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        return services.attendee_add(
            actor=self.request.user, meeting=self.object, **form.cleaned_data
        )

    def get_success_url(self, obj):
        return reverse("enterprises:meeting_detail", args=[self.object.public_id])


# --- resumption surveys -------------------------------------------------------------------


class SharedDownMixin:
    """Rounds of the units above the user's too (a city's round surveys every district)."""

    def restricted(self, action=None):
        action = action or self.queryset_action or self.action
        return SurveyRound.objects.restrict_shared_down(self.request.user, self.permission(action))


class RoundListView(SharedDownMixin, ScopedListView):
    template_name = "enterprises/round_list.html"
    model = SurveyRound

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for survey in context["object_list"]:
            answers = selectors.answers_of(user=user, round=survey)
            survey.stats = selectors.resumption_rates(answers)[0]
        context["can_add"] = holds_subtree(user, "enterprises.add")
        return context


class RoundCreateView(ScopedFormView):
    action = Action.ADD
    model = SurveyRound
    template_name = FORM
    success_message = gettext_lazy("Survey round opened.")
    heading = gettext_lazy("New survey round")

    def get_form(self, data=None):
        return forms.RoundForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        return services.round_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("enterprises:round_detail", args=[obj.public_id])


class RoundDetailView(SharedDownMixin, ScopedDetailView):
    template_name = "enterprises/round_detail.html"
    model = SurveyRound

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        answers = selectors.answers_of(
            user=user, round=self.object, within=self.request.active_unit
        )
        districts = dict(District.choices)
        industries = dict(Industry.choices)
        by_district = selectors.resumption_rates(answers, "enterprise__district")
        for row in by_district:
            row["label"] = districts.get(row["enterprise__district"], "")
        by_industry = selectors.resumption_rates(answers, "enterprise__industry")
        for row in by_industry:
            row["label"] = industries.get(row["enterprise__industry"], "")
        by_unit = selectors.resumption_rates(answers, "enterprise__unit")
        # scoping: exempt - the names of the units of answers already restricted
        units = Unit.objects.in_bulk([row["enterprise__unit"] for row in by_unit])
        for row in by_unit:
            row["label"] = units[row["enterprise__unit"]].label
        context.update(
            overall=selectors.resumption_rates(answers)[0],
            by_unit=by_unit,
            by_district=by_district,
            by_industry=by_industry,
            answers=answers.order_by("status", "enterprise__name")[:200],
            can_answer=not self.object.is_closed,
            to_appeal_form=forms.ToAppealForm(),
        )
        return context


class AnswerAddView(SharedDownMixin, ScopedFormView):
    """An answer recorded by the enterprise's officer (CHANGE on the enterprise)."""

    action = Action.VIEW
    model = SurveyRound
    needs_object = True
    template_name = FORM
    success_message = gettext_lazy("Answer recorded.")
    heading = gettext_lazy("Record an answer")

    def get_form(self, data=None):
        return forms.AnswerForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        return services.answer_record(
            actor=self.request.user, round=self.object, **form.cleaned_data
        )

    def get_success_url(self, obj):
        return reverse("enterprises:round_detail", args=[self.object.public_id])


class AnswerToAppealView(ScopedFormView):
    action = Action.CHANGE
    model = SurveyAnswer
    needs_object = True
    template_name = FORM
    heading = gettext_lazy("Raise the difficulty as an appeal")
    success_message = gettext_lazy("Appeal raised.")

    def narrow(self, queryset):
        return queryset.select_related("enterprise__unit", "round")

    def get_form(self, data=None):
        return forms.ToAppealForm(data)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        return services.difficulty_to_appeal(
            actor=self.request.user, answer=self.object, category=form.cleaned_data["category"]
        )

    def get_success_url(self, obj):
        return reverse("enterprises:appeal_detail", args=[obj.public_id])


# --- domestic bodies ----------------------------------------------------------------------


class _Heading:
    heading: object = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}


class BodyListView(ScopedListView):
    template_name = "enterprises/body_list.html"
    model = DomesticBody
    paginate_by = 100

    def narrow(self, queryset):
        return (
            queryset.in_subtree(self.request.active_unit)
            .select_related("unit")
            .annotate(enterprise_count=Count("enterprises", distinct=True))
            .order_by("kind", "name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, "enterprises.add")
        return context


class BodyDetailView(ScopedDetailView):
    template_name = "enterprises/body_detail.html"
    model = DomesticBody

    def get_context_data(self, **kwargs):
        from qiaolian.people.models import Person

        context = super().get_context_data(**kwargs)
        user, body = self.request.user, self.object
        context.update(
            enterprises=Enterprise.objects.restrict(user).filter(bodies=body),
            people=Person.objects.restrict(user).filter(pk__in=body.people.values("pk")),
            can_manage=_can_manage(user, body.unit),
        )
        return context


class BodyCreateView(_Heading, ScopedFormView):
    action = Action.ADD
    model = DomesticBody
    template_name = FORM
    success_message = gettext_lazy("Domestic body added.")
    heading = gettext_lazy("New domestic body")

    def get_form(self, data=None):
        return forms.BodyForm(data, user=self.request.user)

    def perform(self, form):
        return services.body_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("enterprises:body_detail", args=[obj.public_id])


class BodyEditView(ScopedFormView):
    action = Action.CHANGE
    model = DomesticBody
    needs_object = True
    needs_whole_subtree = True
    template_name = FORM
    success_message = gettext_lazy("Domestic body saved.")

    def get_form(self, data=None):
        initial = {name: getattr(self.object, name) for name in services.BODY_FIELDS}
        initial["enterprises"] = list(self.object.enterprises.all())
        initial["people"] = list(self.object.people.all())
        return forms.BodyForm(
            data, user=self.request.user, action="enterprises.change", initial=initial
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.object.name}

    def perform(self, form):
        return services.body_update(actor=self.request.user, body=self.object, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("enterprises:body_detail", args=[obj.public_id])


# --- trade fairs --------------------------------------------------------------------------


class FairListView(ScopedListView):
    template_name = "enterprises/fair_list.html"
    model = TradeFair

    def narrow(self, queryset):
        return (
            queryset.in_subtree(self.request.active_unit)
            .annotate(
                enterprise_count=Count("enterprises", distinct=True),
                people_count=Count("people", distinct=True),
                project_count=Count("projects", distinct=True),
            )
            .order_by("-starts_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, "enterprises.add")
        return context


class FairDetailView(ScopedDetailView):
    template_name = "enterprises/fair_detail.html"
    model = TradeFair

    def get_context_data(self, **kwargs):
        from qiaolian.people.models import Person

        context = super().get_context_data(**kwargs)
        user, fair = self.request.user, self.object
        context.update(
            enterprises=Enterprise.objects.restrict(user).filter(fairs=fair),
            people=Person.objects.restrict(user).filter(pk__in=fair.people.values("pk")),
            projects=InvestmentProject.objects.restrict(user).filter(fair=fair),
        )
        return context


class FairCreateView(_Heading, ScopedFormView):
    action = Action.ADD
    model = TradeFair
    template_name = FORM
    success_message = gettext_lazy("Trade fair added.")
    heading = gettext_lazy("New trade fair")

    def get_form(self, data=None):
        return forms.FairForm(data, user=self.request.user)

    def perform(self, form):
        return services.fair_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("enterprises:fair_detail", args=[obj.public_id])


# --- investment projects ------------------------------------------------------------------


class ProjectListView(ExportableListView):
    template_name = "enterprises/project_list.html"
    model = InvestmentProject
    filter_form_class = forms.ProjectFilterForm
    sort_fields = {"name": "name", "found": "found_on", "amount": "amount_cny"}
    default_sort = "-found"
    export_name = "investment_projects"
    export_title = gettext_lazy("Investment projects")

    def narrow(self, queryset):
        return queryset.in_subtree(self.request.active_unit).select_related("unit", "fair")

    def filter_queryset(self, queryset, data):
        if data.get("q"):
            q = data["q"].strip()
            queryset = queryset.filter(Q(name__icontains=q) | Q(investor__icontains=q))
        if data.get("stage"):
            queryset = queryset.filter(stage=data["stage"])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, "enterprises.add")
        return context

    def export_header(self):
        return [
            _("Project name"),
            _("Investor"),
            _("Country (region)"),
            _("Industry"),
            _("Amount"),
            _("Currency"),
            _("Amount (yuan)"),
            _("Stage"),
            _("Trade fair"),
            _("Lead found"),
            _("Signed"),
            _("Landed"),
            _("Owner unit"),
        ]

    def export_rows(self, queryset):
        return (
            [
                p.name,
                p.investor,
                p.country.name,
                p.get_industry_display(),
                p.amount,
                p.currency,
                p.amount_cny,
                p.get_stage_display(),
                p.fair.name if p.fair else "",
                p.found_on,
                p.signed_on,
                p.landed_on,
                p.unit.label,
            ]
            for p in queryset.order_by("unit__path", "-found_on", "pk")[: self.export_limit]
        )


class ProjectDetailView(ScopedDetailView):
    template_name = "enterprises/project_detail.html"
    model = InvestmentProject

    def narrow(self, queryset):
        return queryset.select_related("unit", "fair", "enterprise", "officer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        context["can_change"] = (
            InvestmentProject.objects.restrict(user, Action.CHANGE).filter(pk=project.pk).exists()
        )
        return context


class ProjectCreateView(_Heading, ScopedFormView):
    action = Action.ADD
    model = InvestmentProject
    template_name = FORM
    success_message = gettext_lazy("Investment project added.")
    heading = gettext_lazy("New investment project")

    def get_form(self, data=None):
        return forms.ProjectForm(data, user=self.request.user)

    def perform(self, form):
        return services.project_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("enterprises:project_detail", args=[obj.public_id])


class ProjectEditView(ScopedFormView):
    action = Action.CHANGE
    model = InvestmentProject
    needs_object = True
    template_name = FORM
    success_message = gettext_lazy("Investment project saved.")

    def get_form(self, data=None):
        initial = {name: getattr(self.object, name) for name in services.PROJECT_FIELDS}
        initial["country"] = self.object.country.code
        return forms.ProjectForm(
            data, user=self.request.user, action="enterprises.change", initial=initial
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.object.name}

    def perform(self, form):
        return services.project_update(
            actor=self.request.user, project=self.object, **form.cleaned_data
        )

    def get_success_url(self, obj):
        return reverse("enterprises:project_detail", args=[obj.public_id])
