"""Pages of the outreach app: thin views on core/views/generic.py over the services."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _
from django.views import View

from qiaolian.core import private_links
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.core.throttle import PublicRateLimitMixin
from qiaolian.core.timezones import wall_clock
from qiaolian.core.views.conflicts import ConflictFormMixin
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
)
from qiaolian.outreach import forms, merge, sending, services
from qiaolian.outreach.audiences import audience_people
from qiaolian.outreach.kinds import kind_labels
from qiaolian.outreach.models import (
    Audience,
    CallCampaign,
    CallTask,
    CareKit,
    Channel,
    Delivery,
    KitDistribution,
    Letter,
)
from qiaolian.outreach.pdf import letter_pdf
from qiaolian.outreach.work import TODO

# Audiences ---------------------------------------------------------------------------------


class AudienceListView(ScopedListView):
    model = Audience
    template_name = "outreach/audience_list.html"

    def narrow(self, queryset):
        return (
            queryset.in_subtree(self.request.active_unit)
            .select_related("unit")
            .order_by("-created_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for audience in context["object_list"]:
            audience.live_count = audience_people(audience, user=self.request.user).count()
        return context


class AudienceDetailView(ScopedDetailView):
    model = Audience
    template_name = "outreach/audience_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = audience_people(self.object, user=self.request.user)
        context.update(count=people.count(), people=people.order_by("surname", "given_name")[:50])
        return context


class AudienceCreateView(ScopedFormView):
    model = Audience
    action = Action.ADD
    form_class = forms.AudienceForm
    template_name = "outreach/form.html"
    success_message = gettext_lazy("Audience saved.")

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New audience")}

    def perform(self, form):
        data = dict(form.cleaned_data)
        unit, name = data.pop("unit"), data.pop("name")
        return services.audience_create(
            actor=self.request.user, unit=unit, name=name, criteria=data
        )

    def get_success_url(self, obj):
        return reverse("outreach:audience_detail", args=[obj.public_id])


# Letters -----------------------------------------------------------------------------------


class LetterListView(ScopedListView):
    model = Letter
    template_name = "outreach/letter_list.html"

    def narrow(self, queryset):
        return (
            queryset.in_subtree(self.request.active_unit)
            .select_related("unit", "audience")
            .annotate(
                n_total=Count("deliveries"),
                n_sent=Count("deliveries", filter=Q(deliveries__status__in=["sent", "opened"])),
                n_opened=Count("deliveries", filter=Q(deliveries__status="opened")),
            )
            .order_by("-created_at", "pk")
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "kinds": kind_labels()}


class LetterCreateView(ScopedFormView):
    model = Letter
    action = Action.ADD
    form_class = forms.LetterForm
    template_name = "outreach/form.html"
    success_message = gettext_lazy("Letter saved as a draft.")

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("New letter"),
            "merge_help": True,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.letter_create(actor=self.request.user, **data)

    def get_success_url(self, obj):
        return reverse("outreach:letter_detail", args=[obj.public_id])


class LetterEditView(ConflictFormMixin, ScopedFormView):
    """Change a draft; an approved letter is refused (the service says so on the form)."""

    model = Letter
    action = Action.CHANGE
    needs_object = True
    form_class = forms.LetterEditForm
    template_name = "outreach/form.html"
    success_message = gettext_lazy("Draft saved.")

    def get_form_kwargs(self):
        return {"user": self.request.user, "letter": self.object}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Edit the letter"),
            "merge_help": True,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.letter_edit(
            actor=self.request.user, letter=self.object, expected_version=version, **data
        )

    def get_success_url(self, obj):
        return reverse("outreach:letter_detail", args=[obj.public_id])


class LetterScheduleView(ScopedFormView):
    """Send an approved letter later: its deliveries are built now, sent from the time."""

    model = Letter
    action = Action.CHANGE
    needs_object = True
    form_class = forms.ScheduleForm
    template_name = "outreach/form.html"
    success_message = gettext_lazy("Sending scheduled.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Send later")}

    def perform(self, form):
        return services.letter_send(
            actor=self.request.user,
            letter=self.object,
            scheduled_for=form.cleaned_data["scheduled_for"],
        )

    def get_success_url(self, obj):
        return reverse("outreach:letter_detail", args=[obj.public_id])


class LetterDetailView(ScopedDetailView):
    model = Letter
    template_name = "outreach/letter_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        letter = self.object
        user = self.request.user
        unknown = merge.unknown_fields(
            letter.subject_zh, letter.body_zh, letter.subject_en, letter.body_en
        )
        english = get_language().startswith("en") and bool(letter.body_en)
        language = "en" if english else "zh"
        subject, body = (
            (letter.subject_en, letter.body_en)
            if english
            else (
                letter.subject_zh,
                letter.body_zh,
            )
        )
        sample = merge.sample_values(language)
        preview = (merge.fill(subject, sample), merge.fill(body, sample, html=True))
        deliveries = letter.deliveries.select_related("person", "group").order_by("pk")
        status = self.request.GET.get("status")
        if status in Delivery.Status.values:
            deliveries = deliveries.filter(status=status)
        can_change = Letter.objects.restrict(user, "outreach.change").filter(pk=letter.pk).exists()
        can_approve = (
            letter.created_by_id != user.pk
            and Letter.objects.restrict(user, "outreach.approve").filter(pk=letter.pk).exists()
        )
        context.update(
            kind_label=kind_labels().get(letter.kind, letter.kind),
            channel_labels=(", " if get_language().startswith("en") else "、").join(
                str(label)
                for label in [Channel(c).label for c in letter.channels]
                + ([Channel.ROBOT.label] if letter.to_groups else [])
            ),
            unknown_fields=[f"{{{{{name}}}}}" for name in unknown],
            preview=preview,
            preview_language=language,
            skipped=[(Channel(c).label, n) for c, n in (letter.skipped or {}).items()],
            progress=sending.progress(letter),
            deliveries=deliveries[:50],
            deliveries_count=deliveries.count(),
            status_filter=status or "",
            statuses=Delivery.Status.choices,
            can_change=can_change,
            can_approve=can_approve and letter.status == Letter.Status.DRAFT,
            can_edit=can_change and letter.status == Letter.Status.DRAFT,
            can_export=Letter.objects.restrict(user, "outreach.export")
            .filter(pk=letter.pk)
            .exists(),
            schedule_form=forms.ScheduleForm(),
            audience_count=(
                audience_people(letter.audience, user=user).count() if letter.audience else 0
            ),
            polling=letter.status in (Letter.Status.SENDING, Letter.Status.SCHEDULED),
        )
        return context


class LetterActionView(ScopedActionView):
    model = Letter
    action = Action.CHANGE

    def get_success_url(self, obj):
        return reverse("outreach:letter_detail", args=[obj.public_id])


class LetterApproveView(LetterActionView):
    action = Action.APPROVE
    success_message = gettext_lazy("Letter approved.")

    def perform(self, obj):
        services.letter_approve(actor=self.request.user, letter=obj)


class LetterSendView(LetterActionView):
    success_message = gettext_lazy("Sending has started; the count below follows it.")

    def perform(self, obj):
        services.letter_send(actor=self.request.user, letter=obj)


class LetterCancelView(LetterActionView):
    success_message = gettext_lazy("Sending cancelled: what had not gone will not go.")

    def perform(self, obj):
        services.letter_cancel(actor=self.request.user, letter=obj)


class DeliveryListView(ExportableListView):
    """The deliveries of the letters in view (`?letter=` one letter's), with their status; the
    same rows as a spreadsheet (`?export=xlsx`), in the background when there are many."""

    model = Delivery
    template_name = "outreach/delivery_list.html"
    filter_form_class = forms.DeliveryFilterForm
    export_name = "letter_deliveries"
    export_title = gettext_lazy("Deliveries")
    paginate_by = 50

    def narrow(self, queryset):
        unit = self.request.active_unit
        if unit is not None:
            queryset = queryset.filter(letter__unit__path__startswith=unit.path)
        return queryset.select_related("letter", "person", "group").order_by("letter", "pk")

    def filter_queryset(self, queryset, data):
        if data.get("letter"):
            queryset = queryset.filter(letter__public_id=data["letter"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["filter_form"]
        letter = None
        if form is not None and form.is_valid() and form.cleaned_data.get("letter"):
            letter = (
                Letter.objects.restrict(self.request.user, "outreach.view")
                .filter(public_id=form.cleaned_data["letter"])
                .first()
            )
        context["letter"] = letter
        return context

    def export_header(self):
        return [
            _("Letter subject"),
            _("Recipient"),
            pgettext("delivery", "Channel"),
            _("Address"),
            _("Status"),
            _("Sent at"),
            pgettext("delivery", "Opened at"),
            _("Reason"),
        ]

    def export_rows(self, queryset):
        return (
            [
                d.letter.title,
                d.person.full_name if d.person_id else (d.group.name if d.group_id else ""),
                d.get_channel_display(),
                d.address,
                d.get_status_display(),
                d.sent_at,
                d.opened_at,
                d.reason,
            ]
            for d in queryset[: self.export_limit].iterator(chunk_size=2000)
        )


class LetterPdfView(ScopedDetailView):
    """The letter on paper: one page per recipient of its audience, merge fields filled."""

    model = Letter

    def get(self, request, *args, **kwargs):
        letter = self.get_object()
        people = []
        if letter.audience:
            people = list(audience_people(letter.audience, user=request.user)[:500])
        data = letter_pdf(letter, people)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="letter-{letter.public_id}.pdf"'
        return response


class LetterPublicView(PublicRateLimitMixin, View):
    """The recipient's H5 page at a private link: shows this one letter, records the opening."""

    http_method_names = ["get", "head"]

    def get(self, request, token: str):
        try:
            link = private_links.private_link_resolve(token, sending.LINK_PURPOSE)
        except private_links.LinkNotFound as exc:
            raise Http404 from exc
        except private_links.LinkGone:
            return render(request, "outreach/public_gone.html", status=410)
        # scoping: exempt - the private link's token is the authorisation
        deliveries = Delivery.objects.select_related("letter", "person")
        delivery = deliveries.filter(pk=link.target_id).first()
        if delivery is None or delivery.letter.status == Letter.Status.CANCELLED:
            raise Http404
        services.delivery_opened(delivery)
        subject, body = sending.rendered(delivery.letter, delivery)
        english = delivery.language.startswith("en") and bool(delivery.letter.body_en)
        response = render(
            request,
            "outreach/public_letter.html",
            {"subject": subject, "body": body, "lang": "en" if english else "zh-hans"},
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response


# Family-call campaigns ---------------------------------------------------------------------


class CampaignListView(ScopedListView):
    model = CallCampaign
    template_name = "outreach/campaign_list.html"

    def narrow(self, queryset):
        return (
            queryset.in_subtree(self.request.active_unit)
            .select_related("unit", "audience")
            .annotate(
                n_total=Count("tasks"),
                n_done=Count("tasks", filter=~Q(tasks__outcome="pending")),
                n_reached=Count("tasks", filter=Q(tasks__outcome="reached")),
            )
            .order_by("-created_at", "pk")
        )


class CampaignCreateView(ScopedFormView):
    model = CallCampaign
    action = Action.ADD
    form_class = forms.CampaignForm
    template_name = "outreach/form.html"
    success_message = gettext_lazy("Campaign started: the calls are shared among the callers.")

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New family-call campaign")}

    def perform(self, form):
        data = form.cleaned_data
        return services.campaign_create(
            actor=self.request.user,
            unit=data["unit"],
            name=data["name"],
            audience=data["audience"],
            callers=list(data["callers"]),
        )

    def get_success_url(self, obj):
        return reverse("outreach:campaign_detail", args=[obj.public_id])


class CampaignDetailView(ScopedDetailView):
    model = CallCampaign
    template_name = "outreach/campaign_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tasks = CallTask.objects.restrict(self.request.user, "outreach.view").filter(
            campaign=self.object
        )
        by_caller = (
            tasks.values("caller__display_name", "caller__username", "person__unit")
            .annotate(
                total=Count("pk"),
                done=Count("pk", filter=~Q(outcome="pending")),
                reached=Count("pk", filter=Q(outcome="reached")),
            )
            .order_by("caller__username", "person__unit")
        )
        by_caller = list(by_caller)
        # The units of people the user may see: a label in the reader's language.
        units = Unit.objects.restrict(self.request.user, "core.view").in_bulk(
            {row["person__unit"] for row in by_caller}
        )
        for row in by_caller:
            unit = units.get(row["person__unit"])
            row["unit_label"] = unit.label if unit else "—"
        context.update(
            by_caller=by_caller, tasks=_with_clock(tasks.select_related("person", "caller")[:200])
        )
        return context


def _with_clock(tasks):
    rows = list(tasks)
    now = timezone.now()
    for task in rows:
        task.clock = wall_clock(task.person.time_zone, now, default=None)
        task.best = _best_time(task.person.time_zone)
        if task.call_back_at:
            task.call_back_clock = wall_clock(task.person.time_zone, task.call_back_at)
    return rows


def _best_time(time_zone: str) -> str:
    """The best hours to call, on the person's clock (their evening, 19:00–21:00)."""
    return "19:00–21:00" if time_zone else "—"


class MyCallsView(ScopedListView):
    model = CallTask
    template_name = "outreach/my_calls.html"

    def narrow(self, queryset):
        if self.request.GET.get("todo"):
            queryset = queryset.filter(outcome__in=TODO)
        return (
            queryset.filter(caller=self.request.user)
            .select_related("person", "campaign")
            .order_by("outcome", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = _with_clock(context["object_list"])
        context["outcome_form"] = forms.CallForm()
        return context


class CallRecordView(ScopedFormView):
    model = CallTask
    action = Action.CHANGE
    needs_object = True
    form_class = forms.CallForm
    template_name = "outreach/call_form.html"
    success_message = gettext_lazy("Call recorded.")

    def get_object(self):
        task = super().get_object()
        task.clock = wall_clock(task.person.time_zone, default=None)
        return task

    def perform(self, form):
        data = form.cleaned_data
        when = data.get("call_back_at")
        if when is not None:
            from qiaolian.core.timezones import zone

            when = when.replace(tzinfo=None).replace(tzinfo=zone(self.object.person.time_zone))
        return services.call_record(
            actor=self.request.user,
            task=self.object,
            outcome=data["outcome"],
            notes=data["notes"],
            needs=data["needs"],
            call_back_at=when,
        )

    def get_success_url(self, obj):
        return reverse("outreach:my_calls")


class CallToCaseView(ScopedActionView):
    model = CallTask
    action = Action.CHANGE

    def perform(self, obj):
        case = services.call_need_to_case(actor=self.request.user, task=obj)
        messages.success(
            self.request, _("Case %(number)s opened from the need.") % {"number": case}
        )

    def get_success_url(self, obj):
        return reverse("outreach:campaign_detail", args=[obj.campaign.public_id])


# Care kits ---------------------------------------------------------------------------------


class KitListView(ScopedListView):
    model = CareKit
    template_name = "outreach/kit_list.html"

    def narrow(self, queryset):
        return (
            queryset.in_subtree(self.request.active_unit)
            .select_related("unit")
            .prefetch_related("items")
            .order_by("name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["given"] = (
            KitDistribution.objects.restrict(self.request.user, "outreach.view")
            .in_subtree(self.request.active_unit)
            .select_related("kit", "person")
            .order_by("-given_on", "-pk")[:50]
        )
        return context


class KitCreateView(ScopedFormView):
    model = CareKit
    action = Action.ADD
    form_class = forms.KitForm
    template_name = "outreach/form.html"
    success_message = gettext_lazy("Care kit saved.")

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New care kit")}

    def perform(self, form):
        data = form.cleaned_data
        return services.kit_create(
            actor=self.request.user,
            unit=data["unit"],
            name=data["name"],
            items=data["items"],
            stock=data["stock"],
        )

    def get_success_url(self, obj):
        return reverse("outreach:kit_list")


class KitGiveView(ScopedFormView):
    model = CareKit
    action = Action.ADD
    needs_object = True
    form_class = forms.GiveForm
    template_name = "outreach/form.html"
    success_message = gettext_lazy("Kit given.")

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Give a care kit")}

    def perform(self, form):
        data = form.cleaned_data
        return services.kit_give(actor=self.request.user, kit=self.object, **data)

    def get_success_url(self, obj):
        return reverse("outreach:kit_list")
