"""Catalogue, warehouses (with their balances and the stock forms), lots and the ledger."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.money import unit_label
from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.core.views.generic import (
    ExportableListView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
)
from qiaolian.relief import forms, selectors, services
from qiaolian.relief.apps import RELIEF
from qiaolian.relief.models import Item, Lot, StockEntry, Warehouse


class ItemListView(ScopedListView):
    template_name = "relief/item_list.html"
    model = Item
    paginate_by = 50

    def scoped_queryset(self):
        return selectors.item_list(user=self.request.user).select_related("unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = holds_subtree(self.request.user, RELIEF("add"))
        context["editable"] = set(
            Item.objects.restrict(self.request.user, Action.CHANGE).values_list("pk", flat=True)
        )
        return context


class ItemCreateView(ScopedFormView):
    action = Action.ADD
    model = Item
    template_name = "relief/form.html"
    success_message = gettext_lazy("Item added to the catalogue.")

    def get_form(self, data=None):
        return forms.ItemForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": _("New item"),
            "back": reverse("relief:item_list"),
        }

    def perform(self, form):
        return services.item_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("relief:item_list")


class ItemEditView(ScopedFormView):
    model = Item
    action = Action.CHANGE
    needs_object = True
    needs_whole_subtree = True
    template_name = "relief/form.html"
    success_message = gettext_lazy("Item saved.")

    def get_form(self, data=None):
        item = self.object
        initial = {name: getattr(item, name) for name in services.ITEM_FIELDS}
        return forms.ItemForm(data, user=self.request.user, editing=True, initial=initial)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": f"{_('Edit item')} · {self.object}",
            "back": reverse("relief:item_list"),
        }

    def perform(self, form):
        return services.item_update(actor=self.request.user, item=self.object, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("relief:item_list")


class WarehouseEditView(ScopedFormView):
    model = Warehouse
    action = Action.CHANGE
    needs_object = True
    needs_whole_subtree = True
    template_name = "relief/form.html"
    success_message = gettext_lazy("Warehouse saved.")

    def get_form(self, data=None):
        initial = {"name": self.object.name, "address": self.object.address}
        return forms.WarehouseForm(data, user=self.request.user, with_unit=False, initial=initial)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": f"{_('Edit warehouse')} · {self.object}",
            "back": reverse("relief:warehouse_detail", args=[self.object.public_id]),
        }

    def perform(self, form):
        return services.warehouse_update(
            actor=self.request.user, warehouse=self.object, **form.cleaned_data
        )

    def get_success_url(self, obj):
        return reverse("relief:warehouse_detail", args=[obj.public_id])


class WarehouseListView(ScopedListView):
    template_name = "relief/warehouse_list.html"
    model = Warehouse

    def narrow(self, queryset):
        return queryset.in_subtree(self.request.active_unit).select_related("unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = selectors.warehouse_totals(user=self.request.user)
        for house in context["object_list"]:
            house.totals = totals.get(house.pk, [])
        context["can_add"] = holds_subtree(self.request.user, RELIEF("add"))
        return context


class WarehouseCreateView(ScopedFormView):
    action = Action.ADD
    model = Warehouse
    template_name = "relief/form.html"
    success_message = gettext_lazy("Warehouse added.")

    def get_form(self, data=None):
        return forms.WarehouseForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": _("New warehouse"),
            "back": reverse("relief:warehouse_list"),
        }

    def perform(self, form):
        return services.warehouse_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("relief:warehouse_detail", args=[obj.public_id])


class WarehouseDetailView(ScopedDetailView):
    template_name = "relief/warehouse_detail.html"
    model = Warehouse

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, house = self.request.user, self.object
        context.update(
            balances=selectors.balance_list(user=user, warehouse=house),
            lots=selectors.lots_in_warehouse(user=user, warehouse=house),
            can_move=Warehouse.objects.restrict(user, Action.ADD).filter(pk=house.pk).exists(),
            can_adjust=Warehouse.objects.restrict(user, Action.CHANGE).filter(pk=house.pk).exists(),
        )
        return context


class StockFormView(ScopedFormView):
    """One stock movement in the warehouse named in the URL."""

    model = Warehouse
    action = Action.ADD
    needs_object = True
    needs_whole_subtree = True
    template_name = "relief/form.html"
    form_class: type = forms.ReceiveForm
    heading = ""

    def get_form(self, data=None):
        return self.form_class(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": f"{self.heading} · {self.object}",
            "back": reverse("relief:warehouse_detail", args=[self.object.public_id]),
        }

    def get_success_url(self, obj):
        return reverse("relief:warehouse_detail", args=[self.object.public_id])


class ReceiveView(StockFormView):
    form_class = forms.ReceiveForm
    heading = gettext_lazy("Receive goods")
    success_message = gettext_lazy("Goods received into stock.")

    def perform(self, form):
        data = form.cleaned_data
        services.stock_receive(
            actor=self.request.user,
            warehouse=self.object,
            item=data["item"],
            quantity=data["quantity"],
            received_on=data["received_on"],
            origin_kind=data["origin_kind"],
            origin_label=data["origin_label"],
            value_cny=data["value_cny"],
        )
        return self.object


class TransferView(StockFormView):
    form_class = forms.TransferForm
    heading = gettext_lazy("Transfer to another warehouse")
    success_message = gettext_lazy("Stock transferred.")

    def get_form(self, data=None):
        return forms.TransferForm(data, user=self.request.user, source=self.object)

    def perform(self, form):
        data = form.cleaned_data
        services.stock_transfer(
            actor=self.request.user,
            source=self.object,
            target=data["target"],
            item=data["item"],
            quantity=data["quantity"],
            reason=data["reason"],
        )
        return self.object


class AdjustView(StockFormView):
    action = Action.CHANGE
    form_class = forms.AdjustForm
    heading = gettext_lazy("Adjust stock")
    success_message = gettext_lazy("Stock adjusted.")

    def perform(self, form):
        data = form.cleaned_data
        services.stock_adjust(
            actor=self.request.user,
            warehouse=self.object,
            item=data["item"],
            quantity=data["quantity"],
            reason=data["reason"],
        )
        return self.object


class CountView(StockFormView):
    action = Action.CHANGE
    form_class = forms.CountForm
    heading = gettext_lazy("Record a stock count")
    success_message = gettext_lazy("Stock count recorded.")

    def perform(self, form):
        data = form.cleaned_data
        services.stock_count(
            actor=self.request.user,
            warehouse=self.object,
            item=data["item"],
            counted=data["quantity"],
            reason=data["reason"],
        )
        return self.object


class LotDetailView(ScopedDetailView):
    template_name = "relief/lot_detail.html"
    model = Lot

    def narrow(self, queryset):
        return queryset.select_related("item", "warehouse", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["trace"] = selectors.lot_trace(user=self.request.user, lot=self.object)
        return context


class LedgerView(ExportableListView):
    template_name = "relief/ledger.html"
    model = StockEntry
    paginate_by = 50
    export_name = "stock-ledger"
    export_title = gettext_lazy("stock ledger")

    def narrow(self, queryset):
        return (
            queryset.in_subtree(self.request.active_unit)
            .select_related("warehouse", "item", "lot", "shipment", "created_by")
            .order_by("-created_at", "-id")
        )

    @property
    def filter_form_class(self):
        user = self.request.user
        return lambda data=None: forms.LedgerFilterForm(data, user=user)

    def filter_queryset(self, queryset, data):
        for name in ("warehouse", "item", "kind"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        return queryset

    def export_header(self):
        return [
            _("time"),
            _("warehouse"),
            _("item"),
            _("movement"),
            _("quantity"),
            _("unit of measure"),
            _("lot"),
            _("shipment"),
            _("reason"),
        ]

    def export_rows(self, queryset):
        return (
            [
                e.created_at,
                e.warehouse.name,
                str(e.item),
                e.get_kind_display(),
                e.quantity,
                unit_label(e.uom),
                str(e.lot) if e.lot else "",
                e.shipment.number if e.shipment else "",
                e.reason,
            ]
            for e in queryset[: self.export_limit]
        )
