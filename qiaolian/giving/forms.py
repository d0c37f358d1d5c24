"""Forms of the donations app. Every choice of a unit, drive or donor is restricted to what
the user may see, like every other read."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qiaolian.core.forms import UnitChoiceField
from qiaolian.core.money import CNY, CURRENCIES, Money
from qiaolian.giving.apps import GIVING
from qiaolian.giving.models import Donation, DonationKind, Donor, DonorKind, Drive, PaymentMethod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def currency_choices():
    """Codes with their Chinese names on Chinese pages, the bare ISO codes on English ones."""
    if (get_language() or "zh").startswith("zh"):
        return [(code, f"{code} {name}") for code, (_sym, name, _d) in CURRENCIES.items()]
    return [(code, code) for code in CURRENCIES]


class ScopedChoice(forms.ModelChoiceField):
    def __init__(self, model, *, user, action=GIVING.VIEW, **kwargs):
        queryset = model.objects.restrict(user, action)
        super().__init__(queryset=queryset, to_field_name="public_id", **kwargs)


class DriveForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    target_cny = forms.DecimalField(
        label=_("Target (yuan)"), required=False, min_value=0, decimal_places=2
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    designated_use = forms.CharField(label=_("Designated use"), max_length=200, required=False)
    appeal_html = forms.CharField(
        label=_("Appeal text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    is_public = forms.BooleanField(label=_("Show on the public transparency page"), required=False)

    def __init__(self, *args, user, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.fields["unit"] = UnitChoiceField(
                user=user, action=GIVING.ADD, label=_("Owner unit")
            )
            self.order_fields(["unit"])


class DonorForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of donor"), choices=DonorKind.choices)
    name = forms.CharField(label=_("Donor name"), max_length=200, required=False)
    country = forms.CharField(
        label=_("Country (region) code"),
        max_length=2,
        required=False,
        help_text=_("Two letters, e.g. CN, IT, US."),
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(user=user, action=GIVING.ADD, label=_("Owner unit"))
        self.fields["mobilised_by"] = ScopedChoice(
            Donor,
            user=user,
            label=_("Mobilised by (soft credit)"),
            required=False,
        )
        self.fields["mobilised_by"].queryset = self.fields["mobilised_by"].queryset.exclude(
            kind__in=[DonorKind.PERSON, DonorKind.ANONYMOUS]
        )
        self.order_fields(["unit"])

    def clean_country(self):
        return (self.cleaned_data.get("country") or "").strip().upper()


class DonationForm(forms.Form):
    donor = forms.Field()
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=100, required=False)
    allow_duplicate = forms.BooleanField(
        label=_("Record it anyway (the bank reference was seen before)"), required=False
    )
    to_fund = forms.BooleanField(label=_("Designated to the charity fund"), required=False)
    show_name = forms.BooleanField(
        label=_("The donor allows the name to be shown publicly"), required=False
    )
    show_amount = forms.BooleanField(
        label=_("The donor allows the amount to be shown publicly"), required=False, initial=True
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            user=user, action=GIVING.ADD, label=_("Receiving unit")
        )
        self.fields["donor"] = ScopedChoice(Donor, user=user, label=_("Donor"))
        self.fields["drive"] = ScopedChoice(
            Drive, user=user, label=_("Donation drive"), required=False
        )
        self.fields["currency"].choices = currency_choices()
        self.order_fields(["unit", "drive", "donor"])


class ReissueForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300)


class GrantForm(forms.Form):
    applicant = forms.CharField(label=_("Applicant"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    amount_cny = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, decimal_places=2)
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE)


class IncomeForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, decimal_places=2)
    booked_on = forms.DateField(label=_("Booked on"), widget=DATE)
    reason = forms.CharField(label=_("Where it comes from"), max_length=300)


class InstalmentPayForm(forms.Form):
    """Which donation paid an instalment: the pledge donor's donations the user can see that
    pay no other instalment yet."""

    donation = forms.ModelChoiceField(
        label=_("Donation that paid it"), queryset=None, to_field_name="public_id"
    )

    def __init__(self, *args, user, instalment, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["donation"]
        field.queryset = (
            Donation.objects.restrict(user, GIVING.VIEW)
            .filter(donor=instalment.pledge.donor, instalment__isnull=True)
            .order_by("-received_on", "-pk")
        )
        field.label_from_instance = lambda d: (
            f"{d.received_on:%Y-%m-%d} · {Money(d.value_cny, CNY)}"
        )


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Why it is rejected"), max_length=300)


class PledgeForm(forms.Form):
    amount = forms.DecimalField(label=_("Pledged amount"), min_value=0, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    pledged_on = forms.DateField(label=_("Pledged on"), widget=DATE)
    first_due_on = forms.DateField(label=_("First instalment due on"), widget=DATE)
    instalments = forms.IntegerField(label=_("Instalments"), min_value=1, max_value=24, initial=1)
    months_between = forms.IntegerField(
        label=_("Months between instalments"), min_value=1, max_value=12, initial=1
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(user=user, action=GIVING.ADD, label=_("Owner unit"))
        self.fields["donor"] = ScopedChoice(Donor, user=user, label=_("Donor"))
        self.fields["drive"] = ScopedChoice(
            Drive, user=user, label=_("Donation drive"), required=False
        )
        self.fields["currency"].choices = currency_choices()
        self.order_fields(["unit", "donor", "drive"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Donation list (Excel or CSV)"),
        help_text=_(
            "Columns: donor, kind of donor, received on, amount, currency, bank reference, "
            "method. CSV in UTF-8 or GBK."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            user=user, action=GIVING.ADD, label=_("Receiving unit")
        )
        self.fields["drive"] = ScopedChoice(
            Drive, user=user, label=_("Donation drive"), required=False
        )
        self.order_fields(["unit", "drive"])


class DonationFilterForm(forms.Form):
    q = forms.CharField(label=_("Donor name"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of donation"),
        required=False,
        choices=[("", _("Money and goods")), *DonationKind.choices],
    )


GOODS_ROWS = 4


class GoodsDonationForm(forms.Form):
    """A goods donation: up to four lines of catalogue item and quantity, received into one
    warehouse (each line becomes a stock lot); value defaults to the item's value per unit."""

    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    show_name = forms.BooleanField(
        label=_("The donor allows the name to be shown publicly"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        from qiaolian.relief.models import Item, Warehouse

        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            user=user, action=GIVING.ADD, label=_("Receiving unit")
        )
        self.fields["donor"] = ScopedChoice(Donor, user=user, label=_("Donor"))
        self.fields["drive"] = ScopedChoice(
            Drive, user=user, label=_("Donation drive"), required=False
        )
        self.fields["warehouse"] = forms.ModelChoiceField(
            queryset=Warehouse.objects.restrict(user, "relief.add"),
            to_field_name="public_id",
            label=_("Received into warehouse"),
        )
        items = Item.objects.restrict_shared_down(user, "relief.view").order_by("category", "name")
        for row in range(1, GOODS_ROWS + 1):
            self.fields[f"item_{row}"] = forms.ModelChoiceField(
                queryset=items,
                to_field_name="public_id",
                label=_("Item %(row)s") % {"row": row},
                required=row == 1,
            )
            self.fields[f"quantity_{row}"] = forms.IntegerField(
                label=_("Quantity %(row)s") % {"row": row}, min_value=1, required=row == 1
            )
            self.fields[f"value_{row}"] = forms.DecimalField(
                label=_("Value in yuan %(row)s (empty: the catalogue value)") % {"row": row},
                min_value=0,
                decimal_places=2,
                required=False,
            )
        self.order_fields(["unit", "drive", "donor", "received_on", "warehouse"])

    def clean(self):
        data = super().clean()
        lines = []
        for row in range(1, GOODS_ROWS + 1):
            item, quantity = data.get(f"item_{row}"), data.get(f"quantity_{row}")
            if item and not quantity:
                self.add_error(f"quantity_{row}", _("Give the quantity of this item."))
            elif quantity and not item:
                self.add_error(f"item_{row}", _("Choose the item of this quantity."))
            elif item:
                lines.append(
                    {
                        "item": item,
                        "quantity": quantity,
                        "warehouse": data.get("warehouse"),
                        "value_cny": data.get(f"value_{row}"),
                    }
                )
        data["lines"] = lines
        return data
