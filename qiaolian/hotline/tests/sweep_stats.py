"""Leak-sweep entry for the hotline figures page (see core/testing/sweep.py).

The sibling district B's case carries a category of its own: were it counted, the category
key would be listed in the page's category table, chart data and exports."""

from qiaolian.core.testing.sweep import Listing
from qiaolian.hotline.tests.factories import CaseFactory

MARKER = "乙区统计泄漏"


def _stats_listing(cast):
    CaseFactory(unit=cast.district_b, category=MARKER, subject=MARKER)
    return {}, MARKER


SWEEP = {
    "hotline:stats": Listing(_stats_listing, exports=("csv", "xlsx")),
}
