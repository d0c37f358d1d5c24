"""Forms of the duplicate pages: the candidates filter and the field-by-field merge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qiaolian.people.duplicates.finder import LIKELY, MIN_SCORE, REASONS, VERY_LIKELY


class DuplicateFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name, pinyin or phone"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 张伟, zhangwei, 3331234567")}),
    )
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", format_lazy("{} ({}+)", _("All"), MIN_SCORE)),
            (LIKELY, format_lazy("{} ({}+)", _("Likely"), LIKELY)),
            (VERY_LIKELY, format_lazy("{} ({}+)", _("Very likely"), VERY_LIKELY)),
        ],
    )
    reason = forms.ChoiceField(
        label=_("Because of"),
        required=False,
        choices=[("", _("Any reason")), *REASONS.items()],
    )


SIDES = [("first", _("Left")), ("second", _("Right"))]


class DuplicateMergeForm(forms.Form):
    """`keep`: which record stays (its id, history and links; picked by reloading the page
    with `?keep=`, so the field defaults follow it); one radio per differing field saying
    whose value it keeps ("both" joins free-text lists); the versions the page was opened at."""

    keep = forms.ChoiceField(label=_("Record to keep"), choices=SIDES, widget=forms.HiddenInput)
    version_first = forms.IntegerField(widget=forms.HiddenInput)
    version_second = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rows: list[dict[str, Any]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            if not row["differs"]:
                continue
            choices = list(SIDES)
            if row["combinable"] and row["first"] and row["second"]:
                choices.append(("both", _("Both")))
            self.fields[f"field_{row['name']}"] = forms.ChoiceField(
                label=row["label"],
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def choices_for_service(self) -> tuple[str, dict[str, str]]:
        """(the kept side, {field: "survivor" | "merged" | "both"})."""
        keep = self.cleaned_data["keep"]
        other = "second" if keep == "first" else "first"
        mapping = {keep: "survivor", other: "merged", "both": "both"}
        choices = {
            name.removeprefix("field_"): mapping[value]
            for name, value in self.cleaned_data.items()
            if name.startswith("field_")
        }
        return keep, choices
