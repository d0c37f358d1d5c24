from django import forms
from django.utils.translation import gettext_lazy as _

from qiaolian.core.models import CalendarDay


class CalendarDayForm(forms.ModelForm):
    """A holiday or make-up working day of the year the page shows."""

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "name_en"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "kind": _(
                "A make-up working day (调休上班) is a Saturday or Sunday worked in exchange "
                "for a longer holiday."
            ),
            "name": _("As the State Council's notice names it, e.g. 春节 or 国庆节调休上班."),
        }

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day.year != self.year:
            raise forms.ValidationError(_("Pick a date in %(year)s.") % {"year": self.year})
        return day

    def validate_unique(self):
        """The service checks that the date is free, with its own message."""
