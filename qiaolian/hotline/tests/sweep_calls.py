"""Leak-sweep entries for the calls and callbacks pages (see core/testing/sweep.py).

Every object made here belongs to the sibling district B."""

from datetime import timedelta

from django.utils import timezone

from qiaolian.core.testing.sweep import Create, Detail, Exempt, Listing
from qiaolian.hotline.models import Callback
from qiaolian.hotline.tests.factories import CallFactory, CaseFactory

CALL_MARKER = "乙区来电泄漏"
CALLBACK_MARKER = "乙区回电泄漏"


def _call_listing(cast):
    CallFactory(unit=cast.district_b, number="+39 333 765 0001", notes=CALL_MARKER)
    CallFactory(unit=cast.district_b, number=CALL_MARKER)
    return {}, CALL_MARKER


def _sibling_case(cast, subject="乙区工单"):
    return CaseFactory(unit=cast.district_b, subject=subject)


def _callback(cast):
    return Callback.objects.create(
        case=_sibling_case(cast),
        scheduled_for=timezone.now() + timedelta(hours=1),
        time_zone="Europe/Rome",
    )


def _callback_listing(cast):
    Callback.objects.create(
        case=_sibling_case(cast, CALLBACK_MARKER),
        scheduled_for=timezone.now() - timedelta(hours=1),
        time_zone="Europe/Rome",
    )
    return {}, CALLBACK_MARKER


SWEEP = {
    "hotline:call_list": Listing(_call_listing, exports=("csv", "xlsx")),
    "hotline:call_console": Create(
        "hotline.Call",
        lambda cast: {
            "number": "+39 333 123 4567",
            "direction": "in",
            "outcome": "answered",
            "unit": cast.district_b.pk,
            "mode": "log",
        },
    ),
    "hotline:caller_lookup": Exempt(
        "Shows nothing without ?number=; with one, every person, case, group and call comes "
        "from restrict() (a sibling's person with the same number is not shown: tested in "
        "test_calls_views and test_calls_services)."
    ),
    "hotline:call_detail": Detail(
        lambda cast: {"public_id": CallFactory(unit=cast.district_b).public_id}, methods=("GET",)
    ),
    "hotline:call_edit": Detail(
        lambda cast: {"public_id": CallFactory(unit=cast.district_b, notes=CALL_MARKER).public_id}
    ),
    "hotline:call_callback": Detail(
        lambda cast: {
            "public_id": CallFactory(
                unit=cast.district_b, outcome="callback", notes=CALL_MARKER
            ).public_id
        }
    ),
    "hotline:callback_list": Listing(_callback_listing),
    "hotline:callback_create": Detail(lambda cast: {"public_id": _sibling_case(cast).public_id}),
    "hotline:callback_done": Detail(
        lambda cast: {"public_id": _callback(cast).public_id}, methods=("POST",)
    ),
    "hotline:callback_cancel": Detail(
        lambda cast: {"public_id": _callback(cast).public_id}, methods=("POST",)
    ),
}
