from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DictType(models.Model):
    """An admin-editable option list (数据字典), e.g. person categories or case categories.

    Dictionaries are shared reference data for the whole federation, not owned by a unit: every
    staff member reads them, only holders of CONFIGURE at a root unit edit them.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_system = models.BooleanField(_("built in"), default=False)

    class Meta:
        verbose_name = _("dictionary")
        verbose_name_plural = _("dictionaries")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)


class DictItem(models.Model):
    """One option of a dictionary, with Chinese and English labels."""

    dict_type = models.ForeignKey(DictType, on_delete=models.CASCADE, related_name="items")
    value = models.SlugField(_("value"), max_length=60)
    label = models.CharField(_("label"), max_length=60)
    label_en = models.CharField(_("English label"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dictionary item")
        verbose_name_plural = _("dictionary items")
        ordering = ["dict_type", "sort_order", "value"]
        constraints = [
            models.UniqueConstraint(fields=["dict_type", "value"], name="dictitem_unique_value")
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return localized(self.label, self.label_en)


def localized(chinese: str, english: str) -> str:
    language = get_language() or "zh-hans"
    if language.startswith("en") and english:
        return english
    return chinese
