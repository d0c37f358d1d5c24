from django.utils import timezone

from qiaolian.core.models import Unit
from tests.demoapp.models import Widget


def seed_widgets(scale: int = 1) -> dict:
    city = Unit.objects.get(code="330200")
    made = 0
    for index in range(3 * scale):
        _widget, created = Widget.objects.get_or_create(
            unit=city, name=f"Widget {index}", defaults={"created_on": timezone.localdate()}
        )
        made += created
    return {"widgets": made}
