"""Forms of the supplies pages. Every choice (unit, warehouse, item, association) is
restricted to what the user may see or act on."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core import countries
from qiaolian.core.forms import UnitChoiceField
from qiaolian.core.money import UNITS, unit_label
from qiaolian.core.scoping import Action
from qiaolian.people.models import Association
from qiaolian.relief import selectors
from qiaolian.relief.apps import RELIEF
from qiaolian.relief.models import Item, Lot, Need, Shipment, Thanks, Warehouse

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def uom_choices():
    return [(code, unit_label(code)) for code in UNITS]


class PublicIdChoice(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(queryset=queryset, to_field_name="public_id", **kwargs)
        self.widget.attrs.setdefault("data-tom-select", "1")


class ItemForm(forms.Form):
    unit = forms.Field(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Chinese name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("category"), choices=Item.Category.choices)
    uom = forms.ChoiceField(label=_("unit of measure"), choices=uom_choices)
    pack_size = forms.IntegerField(label=_("pack size"), min_value=1, initial=1)
    value_cny = forms.DecimalField(
        label=_("value per unit (yuan)"), min_value=0, max_digits=12, decimal_places=2
    )
    hs_code = forms.CharField(label=_("HS code"), max_length=12, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]
            self.fields["active"] = forms.BooleanField(label=_("in use"), required=False)
        else:
            self.fields["unit"] = UnitChoiceField(
                user=user, action=RELIEF("add"), label=_("Owner unit")
            )


class WarehouseForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    address = forms.CharField(label=_("address"), max_length=300, required=False)

    def __init__(self, *args, user, with_unit: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.fields = {
                "unit": UnitChoiceField(user=user, action=RELIEF("add"), label=_("Owner unit")),
                **self.fields,
            }


class StockMoveForm(forms.Form):
    """Receive, transfer, adjust or count one item in the warehouse of the page."""

    item = forms.ModelChoiceField(queryset=Item.objects.none(), label=_("item"))
    quantity = forms.IntegerField(label=_("quantity"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"] = PublicIdChoice(
            selectors.item_list(user=user).filter(active=True), label=_("item")
        )


class ReceiveForm(StockMoveForm):
    received_on = forms.DateField(label=_("received on"), widget=DATE)
    origin_kind = forms.ChoiceField(label=_("origin"), choices=Lot.Origin.choices[:2])
    origin_label = forms.CharField(label=_("origin details"), max_length=200, required=False)
    value_cny = forms.DecimalField(
        label=_("value (yuan)"),
        required=False,
        min_value=0,
        help_text=_("Leave empty to value the goods at the catalogue's price."),
    )


class TransferForm(StockMoveForm):
    target = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("to warehouse"))
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)

    def __init__(self, *args, user, source=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        targets = selectors.warehouse_list(user=user, action=Action.ADD)
        if source is not None:
            targets = targets.exclude(pk=source.pk)
        self.fields["target"] = PublicIdChoice(targets, label=_("to warehouse"))


class AdjustForm(StockMoveForm):
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].help_text = _("Positive: found; negative: lost or damaged.")


class CountForm(StockMoveForm):
    reason = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].label = _("quantity counted")
        self.fields["quantity"].min_value = 0


class NeedFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country (region)"), required=False)
    city = forms.CharField(label=_("City"), required=False)
    item = forms.ModelChoiceField(
        queryset=Item.objects.none(), label=pgettext_lazy("supplies", "Item"), required=False
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"),
        required=False,
        coerce=int,
        choices=[("", _("Any urgency")), *Need.Urgency.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open needs")), ("all", _("All needs")), *Need.Status.choices],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries (regions)")), *countries.choices()]
        self.fields["item"] = PublicIdChoice(
            selectors.item_list(user=user),
            label=_("item"),
            required=False,
            empty_label=_("All items"),
        )


class NeedForm(forms.Form):
    association = forms.ModelChoiceField(queryset=Association.objects.none())
    item = forms.ModelChoiceField(queryset=Item.objects.none())
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    urgency = forms.TypedChoiceField(
        label=_("urgency"), coerce=int, choices=Need.Urgency.choices, initial=Need.Urgency.NORMAL
    )
    delivery_address = forms.CharField(label=_("delivery address"), max_length=300)
    delivery_city = forms.CharField(
        label=_("delivery city"),
        max_length=100,
        required=False,
        help_text=_("Leave empty when it is the association's own city."),
    )
    contact = forms.CharField(label=_("contact"), max_length=200)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user=None, association=None, **kwargs):
        super().__init__(*args, **kwargs)
        if association is not None:  # the association's own link: no choice
            del self.fields["association"]
            items = Item.objects.filter(  # scoping: exempt - the federation-wide catalogue
                active=True, unit__path__in=_ancestor_paths(association.unit.path)
            )
        else:
            self.fields["association"] = PublicIdChoice(
                Association.objects.restrict(user, Action.VIEW).order_by("country", "name"),
                label=_("association"),
            )
            items = selectors.item_list(user=user).filter(active=True)
        self.fields["item"] = PublicIdChoice(items, label=_("item"))


def _ancestor_paths(path: str, steplen: int = 4) -> list[str]:
    from qiaolian.core.models import Unit

    steplen = getattr(Unit, "steplen", steplen)
    return [path[:n] for n in range(steplen, len(path) + 1, steplen)]


class NeedLinkForm(forms.Form):
    association = forms.ModelChoiceField(queryset=Association.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The link is made by staff who may put needs into the association's unit.
        self.fields["association"] = PublicIdChoice(
            Association.objects.restrict(user, Action.VIEW)
            .filter(unit__in=_units_with(user, RELIEF("add")))
            .order_by("country", "name"),
            label=_("association"),
        )


def _units_with(user, action):
    from qiaolian.core.models import Unit

    return Unit.objects.restrict(user, action)


class NeedReviewForm(forms.Form):
    quantity = forms.IntegerField(label=_("quantity confirmed"), min_value=1)
    reason = forms.CharField(
        label=_("reason for the adjustment"),
        max_length=300,
        required=False,
        help_text=_("Required when the quantity differs from the one reported."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class ProposeForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"] = PublicIdChoice(
            selectors.warehouse_list(user=user, action=Action.ADD), label=_("warehouse")
        )


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("carrier"), max_length=100)
    tracking_number = forms.CharField(label=_("tracking number"), max_length=60)
    shipped_on = forms.DateField(label=_("shipped on"), widget=DATE, required=False)
    description_zh = forms.CharField(label=_("contents (Chinese)"), max_length=300, required=False)
    description_en = forms.CharField(label=_("contents (English)"), max_length=300, required=False)


class ThanksForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Thanks.Kind.choices[:2])
    received_on = forms.DateField(label=_("received on"), widget=DATE)
    from_name = forms.CharField(label=_("from"), max_length=100, required=False)
    text = forms.CharField(
        label=_("content"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ShipmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("Any status")), *Shipment.Status.choices]
    )
    country = forms.ChoiceField(label=_("Country (region)"), required=False)
    sent = forms.BooleanField(label=_("Sent only"), required=False)
    start = forms.DateField(label=_("shipped from"), required=False, widget=DATE)
    end = forms.DateField(label=_("shipped until"), required=False, widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries (regions)")), *countries.choices()]


class PeriodFilterForm(forms.Form):
    start = forms.DateField(label=_("received from"), required=False, widget=DATE)
    end = forms.DateField(label=_("received until"), required=False, widget=DATE)


class LedgerFilterForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), required=False)
    item = forms.ModelChoiceField(queryset=Item.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("movement"), required=False)

    def __init__(self, *args, user, **kwargs):
        from qiaolian.relief.models import StockEntry

        super().__init__(*args, **kwargs)
        self.fields["warehouse"] = PublicIdChoice(
            selectors.warehouse_list(user=user),
            label=_("warehouse"),
            required=False,
            empty_label=_("All warehouses"),
        )
        self.fields["item"] = PublicIdChoice(
            selectors.item_list(user=user),
            label=_("item"),
            required=False,
            empty_label=_("All items"),
        )
        self.fields["kind"].choices = [("", _("All movements")), *StockEntry.Kind.choices]


class AckForm(forms.Form):
    """The association's acknowledgement (public page, both languages on the page)."""

    name = forms.CharField(max_length=100)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    photo = forms.FileField(required=False)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(min_value=0, initial=line.quantity)

    def received(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}
