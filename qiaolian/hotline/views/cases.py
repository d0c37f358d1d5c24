"""Hotline pages: the case queues, the case page and its actions, new and edit forms.

Thin views: every read goes through `hotline.selectors.cases` (restricted to what the user may
see; a volunteer sees only the cases assigned to them), every write through one function of
`hotline.services.cases`, whose ValidationError / PermissionDenied become form errors or
messages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.files import serve_private_file
from qiaolian.core.forms import UnitChoiceField
from qiaolian.core.models import User
from qiaolian.core.scoping import Action, Narrowing, grant_narrowings, holds_anywhere, holds_subtree
from qiaolian.core.views.conflicts import ConflictFormMixin
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedDetailView,
    ScopedFormView,
    ScopedView,
)
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.categories import category_choices, category_labels
from qiaolian.hotline.models import (
    OPEN_STATUSES,
    Attachment,
    Case,
    Channel,
    Priority,
    Status,
)
from qiaolian.hotline.panels import panels_for
from qiaolian.hotline.selectors import cases as selectors
from qiaolian.hotline.services import cases as services
from qiaolian.network.forms import PersonChoiceField

# --- forms --------------------------------------------------------------------------------

BLANK = "---------"


def _users_field(queryset, label, required=True, empty_label=None) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        required=required,
        to_field_name="public_id",
        empty_label=empty_label or "---------",
    )
    return field


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Number, subject or contact"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "RX-2026-…"}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Status.choices],
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        required=False,
        choices=[("", gettext_lazy("Any priority")), *Priority.choices],
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        choices=[("", gettext_lazy("Any channel")), *Channel.choices],
    )

    def __init__(self, *args, user, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Any category")),
            *(categories or category_choices(BLANK))[1:],
        ]
        self.fields["assignee"] = _users_field(
            User.objects.restrict(user, Action.VIEW).order_by("display_name", "username"),
            _("Assignee"),
            required=False,
            empty_label=_("Anyone"),
        )


class CaseForm(forms.Form):
    """New case: the requester from the register, or a quick contact typed during the call."""

    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=Channel.choices, initial=Channel.CALL
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Contact name"), max_length=100, required=False
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Contact phone"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("As the caller gave it, with the country code: +39 333 123 4567"),
    )

    def __init__(self, *args, user, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(BLANK)  # type: ignore[attr-defined]
        self.fields["requester"] = PersonChoiceField(
            user=user,
            label=_("Requester from the register"),
            required=False,
            help_text=_("Type a name, pinyin or phone digits; or fill in the quick contact."),
        )
        order = [
            "requester",
            "contact_name",
            "contact_phone",
            "channel",
            "category",
            "priority",
            "subject",
            "description",
        ]
        if with_unit:
            self.fields["unit"] = UnitChoiceField(
                user=user, action=HOTLINE.ADD, label=_("Owner unit")
            )
            order.insert(0, "unit")
        self.order_fields(order)


class CaseEditForm(CaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, with_unit=False, **kwargs)
        del self.fields["channel"]


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
    to_requester = forms.BooleanField(
        label=gettext_lazy("Reply to the requester (not internal)"), required=False
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Confidential note"), widget=forms.Textarea(attrs={"rows": 3})
    )


# --- queue --------------------------------------------------------------------------------


class CaseListView(ExportableListView):
    """The queues (tabs with counts), filters, sorting; HTMX gets `#rows` only; the queue with
    its filters downloads as `?export=xlsx|csv` (EXPORT, audited as `export.cases`)."""

    template_name = "hotline/cases/list.html"
    sort_fields = selectors.SORTS
    default_sort = "-opened"
    export_name = "cases"
    export_title = gettext_lazy("Cases")

    def queue(self) -> str:
        queue = self.request.GET.get("queue", "")
        if queue in selectors.QUEUES or queue.startswith("category:"):
            return queue
        # A volunteer (every VIEW grant narrowed to ASSIGNED) starts on their own cases.
        narrowings = grant_narrowings(self.request.user, HOTLINE.VIEW)
        return "unit" if Narrowing.SUBTREE in narrowings else "mine"

    def queryset_for(self, action: Action):
        user = self.request.user
        queryset = selectors.case_list(user=user, within=self.request.active_unit, action=action)
        queue = self.queue()
        if queue.startswith("category:"):
            return queryset.filter(category=queue.split(":", 1)[1], status__in=OPEN_STATUSES)
        return queryset.filter(selectors.queue_q(queue, user=user))

    @property
    def filter_form_class(self):
        user, categories = self.request.user, self.categories
        return lambda data=None: CaseFilterForm(data, user=user, categories=categories)

    @cached_property
    def categories(self) -> list[tuple[str, str]]:
        return category_choices(BLANK)

    def filter_queryset(self, queryset, data):
        return selectors.filter_cases(queryset, data)

    def export_header(self):
        return [
            _("Case number"),
            _("Opened at"),
            _("Status"),
            _("Priority"),
            _("Category"),
            _("Channel"),
            _("Subject"),
            _("Requester"),
            _("Owner unit"),
            _("Assignee"),
            _("First response due"),
            _("Resolution due"),
            _("Resolved at"),
        ]

    def export_rows(self, queryset):
        labels = dict(self.categories[1:])

        def when(value):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

        return (
            [
                case.number,
                when(case.opened_at),
                case.get_status_display(),
                case.get_priority_display(),
                labels.get(case.category, case.category),
                case.get_channel_display(),
                case.subject,
                case.requester_label,
                case.unit.label,
                str(case.assignee or ""),
                when(case.first_response_due),
                when(case.resolution_due),
                when(case.resolved_at),
            ]
            for case in queryset.order_by("-opened_at", "-pk")[: self.export_limit]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, within = self.request.user, self.request.active_unit
        counts, by_category = selectors.queue_counts(user=user, within=within)
        labels = dict(self.categories[1:])
        can_assign = holds_anywhere(user, HOTLINE.CHANGE) and holds_subtree(user, HOTLINE.ADD)
        context.update(
            queue=self.queue(),
            tabs=[(key, label, counts.get(key, 0)) for key, label in selectors.QUEUES.items()],
            categories=[
                (value, labels.get(value, value), n) for value, n in sorted(by_category.items())
            ],
            category_labels=labels,
            can_add=holds_subtree(user, HOTLINE.ADD),
            can_assign=can_assign,
            assignees=(
                selectors.eligible_users(within or user.home_unit)
                if can_assign and (within or user.home_unit)
                else []
            ),
        )
        return context


class BulkAssignView(ScopedView):
    action = Action.CHANGE
    http_method_names = ["post"]

    model = Case

    def narrow(self, queryset):
        return queryset.select_related("unit")

    def post(self, request):
        ids = request.POST.getlist("cases")
        back = reverse("hotline:case_list") + "?" + request.POST.get("back", "")
        try:
            chosen = list(self.scoped_queryset().filter(public_id__in=ids))
        except ValidationError:
            chosen = []
        if len(chosen) != len(set(ids)):
            messages.error(request, _("Some of the ticked cases cannot be changed by you."))
            return HttpResponseRedirect(back)
        assignee = _eligible(request.POST.get("assignee"), chosen)
        if assignee is None:
            messages.error(request, _("Choose who gets the ticked cases."))
            return HttpResponseRedirect(back)
        try:
            count = services.case_bulk_assign(actor=request.user, cases=chosen, assignee=assignee)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("%(count)s cases assigned to %(user)s.") % {"count": count, "user": assignee},
            )
        return HttpResponseRedirect(back)


def _eligible(public_id, cases) -> User | None:
    """An assignee picked from the eligible list of the cases' units (who may live in a
    parent unit the actor does not administer, e.g. a city doctor)."""
    if not public_id or not cases:
        return None
    try:
        return selectors.eligible_users(cases[0].unit).filter(public_id=public_id).first()
    except ValidationError:
        return None


# --- the case page ------------------------------------------------------------------------


class CaseMixin(ScopedView):
    model = Case

    def narrow(self, queryset):
        return queryset.select_related(
            "unit", "assignee", "requester", "created_by", "sla_policy__calendar"
        )

    def detail_url(self, case) -> str:
        return reverse("hotline:case_detail", args=[case.public_id])


class CaseDetailView(CaseMixin, ScopedDetailView):
    template_name = "hotline/cases/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, case = self.request.user, self.object
        can_change = selectors.can_change(user, case)
        can_manage = can_change and services.can_manage(user, case)
        labels = category_labels()
        local = selectors.requester_local_time(case)
        watchers = list(case.watchers.order_by("display_name", "username"))
        panels = [
            mark_safe(render_to_string(p["template"], p, request=self.request))  # noqa: S308
            for p in panels_for(self.request, case)
        ]
        context.update(
            case=case,
            category_label=labels.get(case.category, case.category),
            can_change=can_change,
            events=list(selectors.timeline(user=user, case=case)),
            attachments=list(selectors.attachments(user=user, case=case)),
            watchers=watchers,
            is_watching=any(watcher.pk == user.pk for watcher in watchers),
            next_statuses=[(s, Status(s).label) for s in services.allowed_statuses(case)]
            if can_change
            else [],
            resolve_form=can_change and Status.RESOLVED in services.allowed_statuses(case),
            pending_callbacks=selectors.pending_callbacks(user=user, case=case)
            if can_change
            else [],
            assignees=selectors.eligible_users(case.unit) if can_manage and case.is_open else [],
            can_transfer=can_manage and holds_subtree(user, HOTLINE.ADD),
            transfer_form=_TransferForm(user=user) if can_manage else None,
            comment_form=CommentForm(),
            attachment_form=AttachmentForm(),
            note_form=NoteForm(),
            can_read_notes=case.is_confidential and services.can_read_notes(user, case),
            note_count=case.confidential_notes.count() if case.is_confidential else 0,
            link_form=_LinkForm(user=user) if can_change and not case.requester_id else None,
            clock=local,
            now=timezone.now(),
            panels=panels,
        )
        return context


class _TransferForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(user=user, action=HOTLINE.ADD, label=_("To unit"))
        self.order_fields(["unit", "reason"])


class _LinkForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(user=user, label=_("Person in the register"))


class CaseCreateView(ScopedFormView):
    action = Action.ADD
    template_name = "hotline/cases/form.html"
    success_message = gettext_lazy("Case opened.")

    def get_form(self, data=None):
        initial = {}
        if self.request.active_unit:
            initial["unit"] = self.request.active_unit
        for name in ("contact_phone", "contact_name", "subject", "category", "channel"):
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return CaseForm(data, user=self.request.user, initial=initial)

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.case_open(actor=self.request.user, **data)

    def get_success_url(self, obj):
        return reverse("hotline:case_detail", args=[obj.public_id])


class CaseEditView(CaseMixin, ConflictFormMixin, ScopedFormView):
    """Edit with optimistic locking: the form carries the version it was opened with; a
    conflicting save shows what changed and keeps the user's text, with the form now on the
    current version so a deliberate second save goes through."""

    action = Action.CHANGE
    needs_object = True
    template_name = "hotline/cases/form.html"
    success_message = gettext_lazy("Case saved.")

    def get_form(self, data=None):
        case = self.object
        initial = {name: getattr(case, name) for name in services.EDITABLE_FIELDS}
        initial["version"] = case.version
        return CaseEditForm(data, user=self.request.user, initial=initial)

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.case_update(
            actor=self.request.user, case=self.object, expected_version=version, **data
        )

    conflict_fields = services.EDITABLE_FIELDS

    def conflict_shown(self, current, name):
        value = getattr(current, name)
        return category_labels().get(value, value) if name == "category" else value

    def conflict_merge(self, data, current, name, before):
        if name != "requester" and data.get(name, "") == (before or ""):
            data[name] = getattr(current, name)

    def get_success_url(self, obj):
        return self.detail_url(obj)


class CaseActionView(CaseMixin):
    """POST-only change of the case named in the URL; errors become messages."""

    action = Action.CHANGE
    http_method_names = ["post"]
    success_message: Any = ""

    def act(self, case):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        case = self.get_object()
        try:
            self.act(case)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return HttpResponseRedirect(self.detail_url(case))

    def version(self) -> int | None:
        raw = self.request.POST.get("version")
        return int(raw) if raw and raw.isdigit() else None


class CaseStatusView(CaseActionView):
    success_message = gettext_lazy("Status changed.")

    def act(self, case):
        services.case_change_status(
            actor=self.request.user,
            case=case,
            status=self.request.POST.get("status", ""),
            expected_version=self.version(),
            note=self.request.POST.get("note", ""),
        )


class CaseAssignView(CaseActionView):
    success_message = gettext_lazy("Case assigned.")

    def act(self, case):
        raw = self.request.POST.get("assignee") or None
        assignee = None
        if raw:
            try:
                assignee = selectors.eligible_users(case.unit).filter(public_id=raw).first()
            except ValidationError:
                assignee = None
            if assignee is None:
                raise ValidationError(_("Choose an assignee from the list."))
        services.case_assign(
            actor=self.request.user, case=case, assignee=assignee, expected_version=self.version()
        )


class CaseCommentView(CaseActionView):
    def act(self, case):
        form = CommentForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Write the comment or reply first."))
        to_requester = form.cleaned_data["to_requester"]
        services.case_comment(
            actor=self.request.user,
            case=case,
            text=form.cleaned_data["text"],
            to_requester=to_requester,
        )
        messages.success(
            self.request, _("Reply recorded.") if to_requester else _("Comment added.")
        )


class CaseTransferView(CaseActionView):
    success_message = gettext_lazy("Case transferred.")

    def act(self, case):
        form = _TransferForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise ValidationError(
                [str(e) for errors in form.errors.values() for e in errors]
                or _("Choose a unit and give a reason.")
            )
        services.case_transfer(
            actor=self.request.user,
            case=case,
            unit=form.cleaned_data["unit"],
            reason=form.cleaned_data["reason"],
        )

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # After a transfer out of the actor's sight the case page would be a 404: go to the queue.
        case = self.get_object_or_none()
        if case is None:
            return HttpResponseRedirect(reverse("hotline:case_list"))
        return response

    def get_object_or_none(self):
        return self.scoped_queryset().filter(public_id=self.kwargs["public_id"]).first()


class CaseWatchView(CaseActionView):
    def act(self, case):
        raw = self.request.POST.get("user") or ""
        user = self.request.user
        if raw and raw != str(user.public_id):
            user = selectors.eligible_users(case.unit).filter(public_id=raw).first()
            if user is None:
                raise ValidationError(_("Choose a watcher from the list."))
        if self.request.POST.get("remove"):
            services.case_watcher_remove(actor=self.request.user, case=case, user=user)
            messages.success(self.request, _("%(user)s no longer watches.") % {"user": user})
        else:
            services.case_watcher_add(actor=self.request.user, case=case, user=user)
            messages.success(self.request, _("%(user)s now watches.") % {"user": user})


class CaseLinkRequesterView(CaseActionView):
    success_message = gettext_lazy("Requester linked.")

    def act(self, case):
        form = _LinkForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise ValidationError(_("Pick a person of the register."))
        services.case_link_requester(
            actor=self.request.user,
            case=case,
            person=form.cleaned_data["person"],
            expected_version=self.version(),
        )


class CaseAttachView(CaseActionView):
    success_message = gettext_lazy("File attached.")

    def act(self, case):
        services.attachment_add(
            actor=self.request.user, case=case, upload=self.request.FILES.get("file")
        )


class CaseNoteAddView(CaseActionView):
    success_message = gettext_lazy("Confidential note saved.")

    def act(self, case):
        services.note_add(
            actor=self.request.user, case=case, text=self.request.POST.get("text", "")
        )


class CaseNotesView(CaseMixin):
    """The confidential notes in clear (an HTMX fragment); every read is audited."""

    action = Action.VIEW
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        case = self.get_object()
        try:
            notes = services.note_read(actor=request.user, case=case)
        except (ValidationError, PermissionDenied) as exc:
            raise PermissionDenied(str(exc)) from exc
        response = render(request, "hotline/cases/notes.html", {"case": case, "notes": notes})
        add_never_cache_headers(response)  # medical/legal text: never kept on a shared PC
        return response


class AttachmentDownloadView(ScopedView):
    model = Attachment
    queryset_action = Action.VIEW

    def get(self, request, *args, **kwargs):
        return serve_private_file(request, self.get_object(), "file")


urlpatterns: list = [
    path("cases/", CaseListView.as_view(), name="case_list"),
    path("cases/new/", CaseCreateView.as_view(), name="case_create"),
    path("cases/bulk-assign/", BulkAssignView.as_view(), name="case_bulk_assign"),
    path("cases/<uuid:public_id>/", CaseDetailView.as_view(), name="case_detail"),
    path("cases/<uuid:public_id>/edit/", CaseEditView.as_view(), name="case_edit"),
    path("cases/<uuid:public_id>/status/", CaseStatusView.as_view(), name="case_status"),
    path("cases/<uuid:public_id>/assign/", CaseAssignView.as_view(), name="case_assign"),
    path("cases/<uuid:public_id>/comment/", CaseCommentView.as_view(), name="case_comment"),
    path("cases/<uuid:public_id>/transfer/", CaseTransferView.as_view(), name="case_transfer"),
    path("cases/<uuid:public_id>/watchers/", CaseWatchView.as_view(), name="case_watch"),
    path(
        "cases/<uuid:public_id>/requester/",
        CaseLinkRequesterView.as_view(),
        name="case_link_requester",
    ),
    path("cases/<uuid:public_id>/attachments/", CaseAttachView.as_view(), name="case_attach"),
    path("cases/<uuid:public_id>/notes/", CaseNotesView.as_view(), name="case_notes"),
    path("cases/<uuid:public_id>/notes/add/", CaseNoteAddView.as_view(), name="case_note_add"),
    path(
        "attachments/<uuid:public_id>/",
        AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
]
