from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qiaolian.core.models.dictionaries import localized


class CalendarYear(models.Model):
    """One year of mainland China's official working calendar (节假日安排) and where it came from.

    The State Council publishes each year's holidays and make-up working days (调休) in the
    autumn before; the libraries know the holidays early but the make-up days only after an
    update. A year seeded from the libraries stays refreshable until a city administrator edits
    or confirms it; from then on the seed never touches it again.
    """

    class Source(models.TextChoices):
        LIBRARY = "library", _("Seeded from the holiday libraries")
        ADMIN = "admin", _("Entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.LIBRARY
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class CalendarDay(models.Model):
    """A date that departs from the Monday-to-Friday week: a public holiday (also when it falls
    on a weekend, so the page shows the whole holiday) or a make-up working day (调休上班),
    a Saturday or Sunday worked in exchange for a longer holiday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.label}"

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)
