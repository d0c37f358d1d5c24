"""Forms of the import pages: the upload (target unit restricted to where the user may ADD),
the column mapping (one select per file column) and the choice for duplicates."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from qiaolian.core.forms import UnitChoiceField
from qiaolian.people.apps import PEOPLE
from qiaolian.people.imports.errors import MAX_BYTES, MAX_ROWS
from qiaolian.people.imports.mapping import FIELDS, mapping_problems

DUPLICATE_CHOICES = [
    ("skip", _("Skip them: keep the register as it is")),
    ("update", _("Update: the file's values replace the register's, new phones are added")),
    ("merge", _("Merge: fill only empty fields and add new phones and emails")),
]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request: a lazy text formatted at import would keep the language of
        # whichever request loaded the module first.
        self.fields["file"].help_text = _(
            ".xlsx, .xls or .csv (UTF-8 or GBK), up to %(size)s and %(rows)s rows. Start from "
            "the template to get the columns right."
        ) % {"size": filesizeformat(MAX_BYTES), "rows": f"{MAX_ROWS:,}"}
        self.fields["unit"] = UnitChoiceField(
            user=user,
            action=PEOPLE.ADD,
            label=_("Owner unit of the new people"),
            initial=getattr(user, "home_unit", None),
        )
        self.order_fields(["unit", "file"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; files up to %(limit)s can be imported. Split it in parts.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)}
            )
        return upload


class ImportMappingForm(forms.Form):
    """`col_0 … col_N`: the field each column of the file goes to ("" = not imported)."""

    on_duplicate = forms.ChoiceField(
        label=_("Duplicates of people already in the register"),
        choices=DUPLICATE_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="skip",
    )

    def __init__(self, *args, headers: list[str], samples: list[list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", _("— not imported —")), *((f.key, f.label) for f in FIELDS)]
        self.columns = []
        for index, header in enumerate(headers):
            name = f"col_{index}"
            example = "、".join(samples[index]) if index < len(samples) else ""
            self.fields[name] = forms.ChoiceField(
                label=header, choices=choices, required=False, help_text=example
            )
            self.columns.append(name)

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in self.columns]

    def clean(self):
        data = super().clean()
        for problem in mapping_problems(self.mapping(), self.headers):
            self.add_error(None, problem)
        return data

    def column_fields(self):
        return [self[name] for name in self.columns]


class ImportCommitForm(forms.Form):
    on_duplicate = forms.ChoiceField(
        label=_("Duplicates of people already in the register"),
        choices=DUPLICATE_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
