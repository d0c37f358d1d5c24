"""Leak-sweep entries of the demo app: declared here, collected by core with the others."""

from django.utils import timezone

from qiaolian.core.testing.sweep import Detail, Listing
from tests.demoapp.models import Widget

MARKER = "乙区演示部件"


def _sibling_widget(cast):
    return Widget.objects.create(unit=cast.district_b, name=MARKER, created_on=timezone.localdate())


SWEEP = {
    "demoapp:widget_list": Listing(lambda cast: ({}, _sibling_widget(cast).name)),
    "demoapp:widget_detail": Detail(
        lambda cast: {"public_id": _sibling_widget(cast).public_id}, methods=("GET",)
    ),
    "api:demo_widget_list": Listing(lambda cast: ({}, _sibling_widget(cast).name)),
    "api:demo_widget_detail": Detail(
        lambda cast: {"widget_id": _sibling_widget(cast).public_id}, methods=("GET",)
    ),
}
