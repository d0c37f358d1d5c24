"""Leak-sweep entries for the SLA pages (see core/testing/sweep.py).

Policies and calendars are federation-wide settings owned by no unit (like the dictionaries);
the breach report lists cases and is swept with a breached case of the sibling district B."""

from datetime import timedelta

from django.utils import timezone

from qiaolian.core.testing.sweep import Exempt, Listing
from qiaolian.hotline.models import Status
from qiaolian.hotline.tests.factories import CaseFactory

BREACH_MARKER = "乙区超时工单标记"

GLOBAL = (
    "SLA policies and calendars are federation-wide settings owned by no unit (like the "
    "dictionaries); editing needs CONFIGURE at a root unit, anyone else gets 403 "
    "(test_sla_views)."
)


def _breach_listing(cast):
    now = timezone.now()
    CaseFactory(
        unit=cast.district_b,
        subject=BREACH_MARKER,
        status=Status.IN_PROGRESS,
        resolution_due=now - timedelta(hours=1),
        resolution_breached=True,
        breach_notified_at=now,
    )
    return {}, BREACH_MARKER


SWEEP = {
    "hotline:sla_policy_list": Exempt(GLOBAL),
    "hotline:sla_policy_create": Exempt(GLOBAL),
    "hotline:sla_policy_edit": Exempt(GLOBAL),
    "hotline:sla_calendar_list": Exempt(GLOBAL),
    "hotline:sla_calendar_create": Exempt(GLOBAL),
    "hotline:sla_calendar_edit": Exempt(GLOBAL),
    "hotline:sla_breaches": Listing(_breach_listing, exports=("csv", "xlsx")),
}
