"""What the hotline's API modules share beyond the API kit (qiaolian/core/api_kit.py, which
holds the guards, the owner-unit output, the error shape and the pagination): the category
check. (A stale update raises core's EditConflict, which the API root answers 409.)"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qiaolian.hotline.categories import category_values


def check_category(value: str | None, field: str = "category") -> None:
    """The active case categories, as the forms offer them (the dictionary `case_category`)."""
    if value is not None and value not in category_values():
        raise ValidationError({field: _("Choose a category from the list.")})
