"""Leak-sweep entry for the search page (see core/testing/sweep.py)."""

from qiaolian.core.testing.sweep import Exempt

SWEEP = {
    # The sweep requests a URL without a query string, and the search page shows nothing
    # without one; its scoping is proven with queries instead.
    "people:search": Exempt(
        "Shows nothing without ?q=; its scoping (page and HTMX fragment, every query form, "
        "nothing of district B shown or counted) is proven in people/tests/test_search_views.py "
        "(ScopedViewTests.List with a query) and test_search.py."
    ),
}
