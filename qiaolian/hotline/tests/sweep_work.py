"""Leak-sweep entry for the dashboard's "my work" (the hotline's panels carry the marker):
a case of sibling district B assigned to B's manager shows in B's "my open cases" and never
on the dashboard of district A's manager."""

from qiaolian.core.testing.sweep import Listing

WORK_MARKER = "乙区待办泄漏标记"


def _my_work_listing(cast):
    from qiaolian.hotline.models import Status
    from qiaolian.hotline.tests.factories import CaseFactory

    CaseFactory(
        unit=cast.district_b,
        subject=WORK_MARKER,
        assignee=cast.sibling_manager,
        status=Status.ASSIGNED,
    )
    return {}, WORK_MARKER


SWEEP = {"core:dashboard": Listing(_my_work_listing)}
