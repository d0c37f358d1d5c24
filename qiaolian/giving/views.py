"""Pages of the donations app: drives, donors, donations, receipts, pledges and the fund,
plus the two public pages (receipt verification, transparency)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import BooleanField, Count, Q, Sum, Value
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.money import CNY, Money
from qiaolian.core.pdf import qr_svg
from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
)
from qiaolian.core.views.public import PublicListView, PublicPageView
from qiaolian.giving import forms, selectors, services
from qiaolian.giving.apps import GIVING
from qiaolian.giving.goods import lines_with_trace
from qiaolian.giving.models import (
    Donation,
    Donor,
    Drive,
    Fund,
    FundEntry,
    Grant,
    Instalment,
    Pledge,
    Receipt,
)
from qiaolian.giving.receipts import public_view, receipt_pdf


def _within(view):
    return view.request.active_unit


# --- drives --------------------------------------------------------------------------------


class DriveListView(ScopedListView):
    model = Drive
    template_name = "giving/drive_list.html"

    def narrow(self, queryset):
        return (
            queryset.in_subtree(_within(self))
            .select_related("unit")
            .annotate(raised=Sum("donations__value_cny"), gifts=Count("donations"))
            .order_by("-starts_on", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, GIVING.ADD)
        return context


class DriveDetailView(ScopedDetailView):
    model = Drive
    template_name = "giving/drive_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        donations = selectors.donations(user=self.request.user).filter(drive=self.object)
        context.update(
            totals=selectors.totals(donations),
            donations=donations.select_related("donor")[:50],
            can_change=selectors.can(self.request.user, Action.CHANGE, self.object),
        )
        return context


class DriveCreateView(ScopedFormView):
    action = Action.ADD
    model = Drive
    template_name = "giving/form.html"
    success_message = gettext_lazy("Donation drive created.")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit, "starts_on": timezone.localdate()}
        return forms.DriveForm(data, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New donation drive")}

    def perform(self, form):
        return services.drive_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("giving:drive_detail", args=[obj.public_id])


class DriveEditView(DriveCreateView):
    action = Action.CHANGE
    needs_object = True
    success_message = gettext_lazy("Donation drive saved.")

    def get_form(self, data=None):
        drive = self.object
        initial = {name: getattr(drive, name) for name in services.DRIVE_FIELDS}
        return forms.DriveForm(data, user=self.request.user, initial=initial, with_unit=False)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.object.title}

    def perform(self, form):
        return services.drive_update(
            actor=self.request.user, drive=self.object, **form.cleaned_data
        )


# --- donors --------------------------------------------------------------------------------


class DonorListView(ScopedListView):
    model = Donor
    template_name = "giving/donor_list.html"
    filter_form_class = forms.DonationFilterForm

    def narrow(self, queryset):
        return (
            queryset.in_subtree(_within(self))
            .select_related("mobilised_by")
            .annotate(given=Sum("donations__value_cny"), gifts=Count("donations"))
            .order_by("-given", "name")
        )

    def filter_queryset(self, queryset, data):
        if data.get("q"):
            queryset = queryset.filter(name__icontains=data["q"])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, GIVING.ADD)
        return context


class DonorDetailView(ScopedDetailView):
    model = Donor
    template_name = "giving/donor_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, donor = self.request.user, self.object
        donations = selectors.donations(user=user).filter(donor=donor)
        mobilised = Donor.objects.restrict(user, Action.VIEW).filter(mobilised_by=donor)
        soft = selectors.donations(user=user).filter(donor__mobilised_by=donor)
        context.update(
            donations=donations.select_related("drive"),
            totals=selectors.totals(donations),
            mobilised=mobilised.annotate(given=Sum("donations__value_cny")).order_by("name"),
            soft_totals=selectors.totals(soft),
        )
        return context


class DonorCreateView(ScopedFormView):
    action = Action.ADD
    model = Donor
    template_name = "giving/form.html"
    success_message = gettext_lazy("Donor added.")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit}
        return forms.DonorForm(data, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New donor")}

    def perform(self, form):
        return services.donor_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("giving:donor_detail", args=[obj.public_id])


# --- donations -------------------------------------------------------------------------------


class DonationListView(ExportableListView):
    model = Donation
    template_name = "giving/donation_list.html"
    filter_form_class = forms.DonationFilterForm
    sort_fields = {"received": "received_on", "value": "value_cny"}
    default_sort = "-received"
    export_name = "giving_donations"
    export_title = gettext_lazy("Donations")

    def narrow(self, queryset):
        return queryset.in_subtree(_within(self)).select_related("donor", "drive", "unit")

    def filter_queryset(self, queryset, data):
        if data.get("q"):
            queryset = queryset.filter(donor__name__icontains=data["q"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, GIVING.ADD)
        context["totals"] = selectors.totals(self.scoped_queryset())
        return context

    def export_header(self):
        return [
            _("Received on"),
            _("Donor"),
            _("Kind of donor"),
            _("Donation drive"),
            _("Kind of donation"),
            _("Amount"),
            _("Currency"),
            _("Rate to CNY"),
            _("Value (yuan)"),
            _("Bank reference"),
            _("Receiving unit"),
        ]

    def export_rows(self, queryset):
        return (
            [
                d.received_on,
                d.donor.name,
                d.donor.get_kind_display(),
                d.drive.title if d.drive else "",
                d.get_kind_display(),
                d.amount,
                d.currency if d.amount is not None else "",
                d.rate,
                d.value_cny,
                d.bank_reference,
                d.unit.label,
            ]
            for d in queryset.order_by("received_on", "pk")[: self.export_limit]
        )


class DonationDetailView(ScopedDetailView):
    model = Donation
    template_name = "giving/donation_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("donor", "drive", "unit")

    def get_context_data(self, **kwargs):

        context = super().get_context_data(**kwargs)
        user, donation = self.request.user, self.object
        context.update(
            receipts=Receipt.objects.restrict(user, Action.VIEW)
            .filter(donation=donation)
            .order_by("-issued_at", "-pk"),
            lines=lines_with_trace(user=user, donation=donation),
            instalment=getattr(donation, "instalment", None),
        )
        return context


class DonationCreateView(ScopedFormView):
    action = Action.ADD
    model = Donation
    template_name = "giving/form.html"
    success_message = gettext_lazy("Donation recorded and its receipt issued.")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit, "received_on": timezone.localdate()}
        return forms.DonationForm(data, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Record a money donation")}

    def perform(self, form):
        return services.donation_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("giving:donation_detail", args=[obj.public_id])


class GoodsDonationCreateView(DonationCreateView):
    success_message = gettext_lazy("Goods received into stock and the receipt issued.")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit, "received_on": timezone.localdate()}
        return forms.GoodsDonationForm(data, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Record a goods donation")}

    def perform(self, form):
        data = form.cleaned_data
        return services.donation_create(
            actor=self.request.user,
            unit=data["unit"],
            donor=data["donor"],
            drive=data["drive"],
            kind="goods",
            received_on=data["received_on"],
            show_name=data["show_name"],
            lines=data["lines"],
        )


class DonationImportView(ScopedFormView):
    action = Action.ADD
    model = Donation
    template_name = "giving/import.html"

    def get_form(self, data=None):
        files = self.request.FILES if data is not None else None
        return forms.ImportForm(data, files, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Import a donation list")}

    def perform(self, form):
        from qiaolian.giving.imports import import_donations

        upload = form.cleaned_data["file"]
        self.result = import_donations(
            actor=self.request.user,
            unit=form.cleaned_data["unit"],
            drive=form.cleaned_data["drive"],
            name=upload.name,
            data=upload.read(),
        )
        return self.result

    def get_success_url(self, obj):
        from django.contrib import messages

        messages.success(
            self.request,
            _("%(count)s donations imported, each with its receipt.") % {"count": len(obj)},
        )
        return reverse("giving:donation_list")


# --- receipts --------------------------------------------------------------------------------


class ReceiptListView(ExportableListView):
    model = Receipt
    template_name = "giving/receipt_list.html"
    filter_form_class = forms.DonationFilterForm
    export_name = "giving_receipts"
    export_title = gettext_lazy("Receipts")

    def narrow(self, queryset):
        return (
            queryset.in_subtree(_within(self))
            .select_related("donation__donor", "donation__drive", "unit")
            .order_by("-year", "-number")
        )

    def filter_queryset(self, queryset, data):
        if data.get("q"):
            queryset = queryset.filter(donation__donor__name__icontains=data["q"])
        if data.get("kind"):
            queryset = queryset.filter(donation__kind=data["kind"])
        return queryset

    def export_header(self):
        return [
            _("Receipt number"),
            _("Status"),
            _("Issued on"),
            _("Donor"),
            _("Donation drive"),
            _("Value (yuan)"),
            _("Reason for voiding"),
            _("Issuing unit"),
        ]

    def export_rows(self, queryset):
        return (
            [
                r.code,
                r.get_status_display(),
                r.issued_on,
                r.donation.donor.name,
                r.donation.drive.title if r.donation.drive else "",
                r.donation.value_cny,
                r.void_reason,
                r.unit.label,
            ]
            for r in queryset.order_by("year", "number")[: self.export_limit]
        )


def verify_url(request, receipt: Receipt) -> str:
    return request.build_absolute_uri(reverse("giving:verify", args=[receipt.token]))


class ReceiptDetailView(ScopedDetailView):
    model = Receipt
    template_name = "giving/receipt_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("donation__donor", "donation__drive", "unit", "replaces")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        url = verify_url(self.request, self.object)
        context.update(
            verify_url=url,
            qr=qr_svg(url, scale=3),
            can_change=selectors.can(self.request.user, Action.CHANGE, self.object),
            form=forms.ReissueForm(),
        )
        return context


class ReceiptPdfView(ReceiptDetailView):
    def get(self, request, *args, **kwargs):
        receipt = self.get_object()
        pdf = receipt_pdf(receipt, verify_url(request, receipt))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="receipt-{receipt.code}.pdf"'
        return response


class ReceiptReissueView(ScopedFormView):
    action = Action.CHANGE
    model = Receipt
    needs_object = True
    template_name = "giving/form.html"
    form_class = forms.ReissueForm
    success_message = gettext_lazy("The receipt was voided and a new one issued.")

    def get_context_data(self, **kwargs):
        title = _("Void and reissue receipt %(code)s") % {"code": self.object.code}
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        return services.receipt_reissue(
            actor=self.request.user, receipt=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_url(self, obj):
        return reverse("giving:receipt_detail", args=[obj.public_id])


class ReceiptVerifyView(PublicPageView):
    """The page a receipt's QR code opens: only what the donor allowed."""

    template_name = "giving/public_verify.html"
    lookup_field = "token"
    lookup_url_kwarg = "token"

    def base_queryset(self):
        # scoping: exempt - public page: a receipt is found only by its unguessable token.
        return Receipt.objects.annotate(
            is_published=Value(True, output_field=BooleanField())
        ).select_related("donation__donor", "donation__drive", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shown"] = public_view(context["object"])
        return context


class TransparencyView(PublicListView):
    """Totals by drive, by designated use and the fund's grants; no personal data."""

    template_name = "giving/public_transparency.html"
    ordering = ("-starts_on", "pk")

    def base_queryset(self):
        # scoping: exempt - public page: the drives marked public, as totals.
        return Drive.objects.annotate(is_published=Q(is_public=True)).annotate(
            raised=Sum("donations__value_cny"), gifts=Count("donations")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        drives = context["objects"]
        uses = (
            # scoping: exempt - totals of the public drives only, no names.
            Donation.objects.filter(drive__in=[d.pk for d in drives])
            .values("designated_use")
            .annotate(total=Sum("value_cny"), gifts=Count("pk"))
            .order_by("-total")
        )
        # scoping: exempt - decided grants of the funds (applicant bodies, not people).
        grants = Grant.objects.filter(status=Grant.Status.APPROVED).order_by("-decided_on")[:50]
        context.update(
            uses=uses,
            grants=grants,
            total=sum((d.raised or Decimal(0) for d in drives), Decimal(0)),
        )
        return context


# --- pledges ---------------------------------------------------------------------------------


class PledgeListView(ScopedListView):
    model = Pledge
    template_name = "giving/pledge_list.html"

    def narrow(self, queryset):
        return (
            queryset.in_subtree(_within(self))
            .select_related("donor", "drive")
            .annotate(
                paid=Sum("instalments__amount", filter=Q(instalments__donation__isnull=False))
            )
            .order_by("-pledged_on", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, GIVING.ADD)
        return context


class PledgeDetailView(ScopedDetailView):
    model = Pledge
    template_name = "giving/pledge_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["instalments"] = self.object.instalments.select_related("donation")
        context["today"] = timezone.localdate()
        context["can_change"] = selectors.can(self.request.user, Action.CHANGE, self.object)
        return context


class InstalmentPayView(ScopedFormView):
    """Record an instalment of a pledge as paid by one of the donor's donations."""

    action = Action.CHANGE
    model = Instalment
    needs_object = True
    template_name = "giving/form.html"
    success_message = gettext_lazy("The instalment is recorded as paid.")

    def narrow(self, queryset):
        return queryset.select_related("pledge__donor")

    def get_form(self, data=None):
        return forms.InstalmentPayForm(data, user=self.request.user, instalment=self.object)

    def get_context_data(self, **kwargs):
        instalment = self.object
        title = _("Record the instalment due on %(due)s as paid") % {
            "due": f"{instalment.due_on:%Y-%m-%d}"
        }
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        return services.instalment_pay(
            actor=self.request.user, instalment=self.object, donation=form.cleaned_data["donation"]
        )

    def get_success_url(self, obj):
        return reverse("giving:pledge_detail", args=[obj.pledge.public_id])


class PledgeCreateView(ScopedFormView):
    action = Action.ADD
    model = Pledge
    template_name = "giving/form.html"
    success_message = gettext_lazy("Pledge recorded.")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit, "pledged_on": timezone.localdate()}
        return forms.PledgeForm(data, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New pledge")}

    def perform(self, form):
        data = form.cleaned_data
        count = data["instalments"]
        amount = Decimal(data["amount"])
        share = (amount / count).quantize(Decimal("0.01"))
        parts = [
            (data["first_due_on"] + relativedelta(months=i * data["months_between"]), share)
            for i in range(count)
        ]
        parts[-1] = (parts[-1][0], amount - share * (count - 1))
        return services.pledge_create(
            actor=self.request.user,
            unit=data["unit"],
            donor=data["donor"],
            drive=data["drive"],
            amount=amount,
            currency=data["currency"],
            pledged_on=data["pledged_on"],
            instalments=parts,
        )

    def get_success_url(self, obj):
        return reverse("giving:pledge_detail", args=[obj.public_id])


# --- the charity fund ------------------------------------------------------------------------


class FundListView(ScopedListView):
    model = Fund
    template_name = "giving/fund_list.html"

    def narrow(self, queryset):
        return (
            queryset.in_subtree(_within(self))
            .select_related("unit")
            .annotate(balance=Sum("entries__amount"))
            .order_by("unit__path", "name")
        )


class FundDetailView(ScopedDetailView):
    model = Fund
    template_name = "giving/fund_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, fund = self.request.user, self.object
        entries = FundEntry.objects.restrict(user, Action.VIEW).filter(fund=fund)
        years: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for row in entries.values("booked_on__year", "kind").annotate(total=Sum("amount")):
            years[row["booked_on__year"]][row["kind"]] += row["total"]
        report = [
            {
                "year": year,
                "donation": kinds.get("donation", Decimal(0)),
                "interest": kinds.get("interest", Decimal(0)),
                "grant": -kinds.get("grant", Decimal(0)),
                "net": sum(kinds.values(), Decimal(0)),
            }
            for year, kinds in sorted(years.items())
        ]
        context.update(
            balance=Money(services.fund_balance(fund), CNY),
            entries=entries.select_related("created_by").order_by("-booked_on", "-pk")[:30],
            grants=Grant.objects.restrict(user, Action.VIEW)
            .filter(fund=fund)
            .prefetch_related("approvals"),
            report=report,
            can_add=selectors.can(user, Action.ADD, fund),
        )
        return context


class FundLedgerView(ExportableListView):
    model = FundEntry
    template_name = "giving/fund_ledger.html"
    export_name = "giving_fund"
    export_title = gettext_lazy("Charity fund ledger")

    def narrow(self, queryset):
        return (
            queryset.in_subtree(_within(self))
            .select_related("fund", "created_by")
            .order_by("-booked_on", "-pk")
        )

    def export_header(self):
        return [
            _("Booked on"),
            _("Charity fund"),
            _("Kind of entry"),
            _("Amount (yuan)"),
            _("Reason"),
            _("Entered by"),
        ]

    def export_rows(self, queryset):
        return (
            [
                e.booked_on,
                e.fund.name,
                e.get_kind_display(),
                e.amount,
                e.reason,
                e.created_by.display_name,
            ]
            for e in queryset.order_by("booked_on", "pk")[: self.export_limit]
        )


class FundIncomeView(ScopedFormView):
    action = Action.ADD
    model = Fund
    needs_object = True
    needs_whole_subtree = True
    template_name = "giving/form.html"
    form_class = forms.IncomeForm
    success_message = gettext_lazy("Income posted to the fund.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Post interest income")}

    def perform(self, form):
        return services.fund_income(actor=self.request.user, fund=self.object, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("giving:fund_detail", args=[self.object.public_id])


class GrantCreateView(FundIncomeView):
    form_class = forms.GrantForm
    success_message = gettext_lazy("Grant application entered; it now needs approval.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New grant application")}

    def perform(self, form):
        return services.grant_create(actor=self.request.user, fund=self.object, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("giving:grant_detail", args=[obj.public_id])


class GrantListView(ScopedListView):
    """Grants from the charity fund; ?to_approve=1 lists those waiting for the user's approval
    (the "my work" panel's count)."""

    model = Grant
    template_name = "giving/grant_list.html"

    def narrow(self, queryset):
        rows = queryset.in_subtree(_within(self))
        if self.request.GET.get("to_approve"):
            waiting = selectors.grants_to_approve(user=self.request.user, within=_within(self))
            rows = rows.filter(pk__in=waiting.values("pk"))
        return rows.select_related("fund", "unit").order_by("-applied_on", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["to_approve"] = bool(self.request.GET.get("to_approve"))
        return context


class GrantDetailView(ScopedDetailView):
    model = Grant
    template_name = "giving/grant_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("fund", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grant = self.object
        context.update(
            approvals=grant.approvals.select_related("approver"),
            can_approve=grant.status == Grant.Status.PENDING
            and selectors.can(self.request.user, Action.APPROVE, grant)
            and grant.created_by_id != self.request.user.pk,
            reject_form=forms.RejectForm(),
        )
        return context


class GrantApproveView(ScopedActionView):
    action = Action.APPROVE
    model = Grant
    success_message = gettext_lazy("Your approval was recorded.")

    def perform(self, obj):
        services.grant_approve(actor=self.request.user, grant=obj)

    def get_success_url(self, obj):
        return reverse("giving:grant_detail", args=[obj.public_id])


class GrantRejectView(ScopedFormView):
    action = Action.APPROVE
    model = Grant
    needs_object = True
    template_name = "giving/form.html"
    form_class = forms.RejectForm
    success_message = gettext_lazy("The grant was rejected.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Reject the grant")}

    def perform(self, form):
        return services.grant_reject(
            actor=self.request.user, grant=self.object, note=form.cleaned_data["note"]
        )

    def get_success_url(self, obj):
        return reverse("giving:grant_detail", args=[obj.public_id])
