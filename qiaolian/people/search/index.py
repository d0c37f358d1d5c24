"""Keeping the search index current.

`index_person(person)` after each write of one person (people.services calls it inside the
write's transaction), `reindex_people(queryset)` after bulk writes (imports, merges, seeds):
both replace the person's tokens wholesale, so running them twice changes nothing. A person
merged into another (`merged_into` set) keeps no tokens: only the surviving record is found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from qiaolian.people.search.tokens import person_tokens

BATCH = 2000


def tokens_of(person: Any, contacts: Iterable[tuple[str, str]]) -> dict[str, int]:
    if getattr(person, "merged_into_id", None):
        return {}
    return person_tokens(
        surname=person.surname,
        given_name=person.given_name,
        name_pinyin=person.name_pinyin,
        name_initials=person.name_initials,
        romanized_names=person.romanized_names,
        contacts=contacts,
    )


def rows_for(person: Any, contacts: Iterable[tuple[str, str]], token_model: Any) -> Iterator:
    for token, rank in tokens_of(person, contacts).items():
        yield token_model(token=token, rank=rank, person_id=person.pk, unit_id=person.unit_id)


def index_person(person: Any) -> None:
    """Replace one person's tokens (call after the person and their contacts are saved)."""
    from qiaolian.people.models import PersonContact, PersonSearchToken

    contacts = PersonContact.objects.filter(person_id=person.pk).values_list("kind", "normalized")
    with transaction.atomic():
        PersonSearchToken.objects.filter(person_id=person.pk).delete()
        PersonSearchToken.objects.bulk_create(rows_for(person, contacts, PersonSearchToken))


def reindex_people(queryset: QuerySet | None = None, *, batch_size: int = BATCH) -> int:
    """Rebuild the tokens of every person in `queryset` (all people when None), in batches.

    Returns the number of people indexed. Each batch is one transaction, so a long rebuild
    never holds a lock for long; a person changed meanwhile is re-indexed by its own write.
    """
    from qiaolian.people.models import Person, PersonContact, PersonSearchToken

    queryset = Person.objects.all() if queryset is None else queryset
    return _reindex(queryset, Person, PersonContact, PersonSearchToken, batch_size)


def _reindex(queryset, person_model, contact_model, token_model, batch_size: int) -> int:
    fields = (
        "pk",
        "unit_id",
        "surname",
        "given_name",
        "name_pinyin",
        "name_initials",
        "romanized_names",
        "merged_into_id",
    )
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        people = person_model.objects.filter(pk__in=chunk).only(*fields)
        contacts: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for person_id, kind, normalized in contact_model.objects.filter(
            person_id__in=chunk
        ).values_list("person_id", "kind", "normalized"):
            contacts[person_id].append((kind, normalized))
        rows = [row for p in people for row in rows_for(p, contacts[p.pk], token_model)]
        with transaction.atomic():
            token_model.objects.filter(person_id__in=chunk).delete()
            token_model.objects.bulk_create(rows, batch_size=5000)
    return len(ids)


def reindex_with_models(apps: Any) -> int:
    """The rebuild over historical models, for data migrations."""
    person = apps.get_model("people", "Person")
    return _reindex(
        person.objects.all(),
        person,
        apps.get_model("people", "PersonContact"),
        apps.get_model("people", "PersonSearchToken"),
        BATCH,
    )
