"""Leak-sweep entry for the search page (see core/testing/sweep.py): searched for the marker
that names the sibling district's person, nothing of it is shown (page, HTMX fragment)."""

from qiaolian.core.testing.sweep import Listing
from qiaolian.people.models import Person
from qiaolian.people.search.index import reindex_people
from qiaolian.people.tests.factories import PersonFactory

SEARCH_MARKER = "乙区搜索标记"


def _search_listing(cast):
    person = PersonFactory(unit=cast.district_b, surname="乙", given_name="区搜索标记")
    reindex_people(Person.objects.filter(pk=person.pk))
    return {}, SEARCH_MARKER


SWEEP = {
    # The query is the marker without its last characters: the page echoes the query.
    "people:search": Listing(_search_listing, query=lambda marker: {"q": marker[:-2]}),
}
