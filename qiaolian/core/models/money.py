from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

validate_currency_code = RegexValidator(
    r"^[A-Z]{3}$", _("A currency is three capital letters (ISO 4217), e.g. USD.")
)


class ExchangeRate(models.Model):
    """How many yuan one unit of a currency was worth on a day, and who said so (汇率).

    Federation-wide reference data, like the dictionaries: not owned by a unit. Amounts in a
    foreign currency are converted to CNY at the latest rate on or before the day of the
    amount (`qiaolian.core.money.to_cny`), so a recorded rate is never edited: a correction is
    a new rate for the same or a later day.
    """

    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    date = models.DateField(_("date"))
    rate = models.DecimalField(
        _("rate to CNY"),
        max_digits=18,
        decimal_places=8,
        help_text=_("Yuan for one unit of the currency."),
    )
    source = models.CharField(_("source"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchangerate_one_a_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchangerate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.date:%Y-%m-%d} = {self.rate} CNY"
