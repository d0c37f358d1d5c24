"""Search over people, associations and groups: one interface on SQLite and PostgreSQL.

    from qiaolian.people.search import search, index_person, reindex_people

    results = search(user, "zw")          # scoped, ranked; results.people / .associations / …
    index_person(person)                  # after a person or their contacts change
    reindex_people(Person.objects.filter(import_batch=batch))   # after bulk writes

tokens.py says what is indexed and how queries are read, index.py keeps the index current,
selectors.py runs the search.
"""

from qiaolian.people.search.index import index_person, reindex_people
from qiaolian.people.search.selectors import KINDS, Hit, SearchResults, search

__all__ = ["KINDS", "Hit", "SearchResults", "index_person", "reindex_people", "search"]
