"""Forms of the answer knowledge base."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaolian.core.forms import UnitChoiceField
from qiaolian.core.scoping import Action
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import AnswerStatus
from qiaolian.hotline.selectors.answers import category_choices


class AnswerForm(forms.Form):
    unit = forms.Field()  # replaced in __init__
    category = forms.ChoiceField(label=_("Category"), choices=())
    status = forms.ChoiceField(
        label=_("Status"),
        choices=AnswerStatus.choices,
        help_text=_(
            "Draft: only staff see it. Internal: staff and volunteers. Public: may be given to "
            "callers as written."
        ),
    )
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    body_zh = forms.CharField(label=_("Answer (Chinese)"), widget=forms.Textarea(attrs={"rows": 8}))
    body_en = forms.CharField(
        label=_("Answer (English)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=300,
        required=False,
        help_text=_("Words callers use for this topic, separated by spaces: 落户 户口 settle"),
    )
    # The version the edit form was opened at: required on an edit (checked in clean(), as a
    # hidden field's own error would not show), so a save never overwrites a newer one unseen.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, user, action: Action, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["unit"] = UnitChoiceField(
            user=user, action=HOTLINE(action), label=_("Owner unit")
        )
        category: Any = self.fields["category"]
        category.choices = category_choices()
        self.order_fields(["unit", "category", "status"])

    def clean(self):
        cleaned = super().clean()
        if self.editing and cleaned.get("version") is None:
            raise forms.ValidationError(
                _(
                    "This form does not say which version of the answer it edits, so saving it "
                    "could overwrite someone else's newer save. Open the answer again and redo "
                    "your change."
                ),
                code="version",
            )
        return cleaned


class AnswerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=())
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *AnswerStatus.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category: Any = self.fields["category"]
        category.choices = category_choices(str(_("All categories")))
