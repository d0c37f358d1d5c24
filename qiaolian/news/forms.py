"""Forms of the news staff pages; unit choices are restricted like every other read."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaolian.core.forms import UnitChoiceField
from qiaolian.news.apps import NEWS
from qiaolian.news.models import Category, Language, Status

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ArticleForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address name"),
        max_length=80,
        required=False,
        help_text=_("Optional: letters, digits and hyphens for a readable address."),
    )
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    author_name = forms.CharField(label=_("Author"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("Summary"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Paragraphs, headings, lists, links and tables are kept; scripts are removed."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas."), max_length=300
    )
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF; resized and stripped of camera data."),
    )
    imported_views = forms.IntegerField(
        label=_("Views before import"),
        min_value=0,
        max_value=100_000_000,
        required=False,
        initial=0,
        help_text=_("The count an article brought from elsewhere had there; new views add to it."),
    )

    def __init__(self, *args, user, create: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: c.label
        if create:
            self.fields = {
                "unit": UnitChoiceField(user=user, action=NEWS.ADD, label=_("Publishing unit")),
                **self.fields,
            }
        else:
            self.fields["remove_cover"] = forms.BooleanField(
                label=_("Remove the cover image"), required=False
            )
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)

    def clean_imported_views(self):
        return self.cleaned_data.get("imported_views") or 0


class ApproveForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=DATETIME,
        help_text=_("Empty: publish now. A later time schedules the article."),
    )
    unpublish_at = forms.DateTimeField(
        label=_("Unpublish at"),
        required=False,
        widget=DATETIME,
        help_text=_("Optional: the article leaves the site at this time."),
    )
    show_on_city_site = forms.BooleanField(
        label=_("Show on the city's site"),
        required=False,
        help_text=_("For a district's article: the city federation's choice."),
    )


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or text"), required=False)
    queue = forms.ChoiceField(
        label=_("Whose turn"),
        required=False,
        choices=[("", _("All articles")), ("to_approve", _("Waiting for my approval"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Status.choices, ("scheduled", _("Scheduled"))],
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.all(),
        empty_label=_("All categories"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: c.label


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"))


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("slug", "name", "name_en", "is_public", "order")
