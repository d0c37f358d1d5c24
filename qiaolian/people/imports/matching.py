"""Duplicates of the rows: against the register in the user's VIEW scope, and within the file.

Sure matches: the same ID card or passport number (blind index), the same normalised phone,
the same name and birth date. Probable: the same pinyin and the same last 7 digits of a phone
(a number typed with another country code, 张伟 written 章伟). Every lookup starts from
`restrict(user, VIEW)`, so a person owned by a unit the user does not see is never matched,
and nothing tells the user that such a person exists.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL

from qiaolian.core.scoping import Action
from qiaolian.people.imports.validation import CleanRow
from qiaolian.people.models import ContactKind, Person, PersonContact

SURE = ("id", "passport", "phone", "name_birth")


@dataclass(slots=True)
class Match:
    kind: str  # one of SURE, "probable", or "file" (an earlier row of the same file)
    person_id: int | None = None
    row: int | None = None  # for "file": the Excel row number of the earlier row
    other_ids: tuple[int, ...] = ()  # sure matches with other people (an ambiguous row)
    via: str = ""  # for "file": which key repeats (id, passport, phone, name_birth)


def chunks(values: Iterable, size: int | None = None) -> Iterator[list]:
    size = size or chunk_size()
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def chunk_size() -> int:
    limit = connection.features.max_query_params or 100_000  # None: no limit (PostgreSQL)
    return max(100, min(5000, limit - 100))


LISTED = 20_000  # values per `listed()` query


def listed(values: Sequence) -> RawSQL:
    """`values` as ONE query parameter, for `filter(field__in=listed(values))`.

    An `__in` list makes Django prepare and bind every value apart (a few µs each, and a
    statement of thousands of placeholders); a 100,000-row import looks up several hundred
    thousand keys. A JSON array (SQLite's json_each) or a PostgreSQL array is one parameter,
    and the database still probes the column's index with each value."""
    values = list(values)
    if connection.vendor == "postgresql":
        cast = "bigint" if values and isinstance(values[0], int) else "text"
        return RawSQL(f"SELECT unnest(%s::{cast}[])", [values])  # noqa: S611 - a fixed cast
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])


def _last7(e164: str) -> str:
    return e164[-7:]


class Matcher:
    def __init__(self, user):
        self.people = Person.objects.restrict(user, Action.VIEW).filter(merged_into__isnull=True)
        self.contacts = PersonContact.objects.restrict(user, Action.VIEW).filter(
            kind=ContactKind.PHONE, person__merged_into__isnull=True
        )

    def within_file(self, rows: list[CleanRow]) -> dict[int, Match]:
        """Rows that repeat an earlier row of the same file (by a sure key)."""
        first: dict[tuple, CleanRow] = {}
        found: dict[int, Match] = {}
        for row in rows:
            if not row.ok:
                continue
            keys = []
            if row.id_index:
                keys.append(("id", row.id_index))
            if row.passport_index:
                keys.append(("passport", row.passport_index))
            keys += [("phone", e164) for _raw, e164, _region in row.phones]
            if row.values.get("birth_date"):
                keys.append(("name_birth", row.surname, row.given_name, row.values["birth_date"]))
            earlier = next((first[key] for key in keys if key in first), None)
            if earlier is not None:
                via = next(key[0] for key in keys if first.get(key) is earlier)
                found[row.index] = Match("file", row=earlier.number, via=via)
                continue
            for key in keys:
                first.setdefault(key, row)
        return found

    def in_register(self, rows: list[CleanRow]) -> dict[int, Match]:
        """The best match of each row among the people the user may see."""
        rows = [row for row in rows if row.ok]
        by_id = self._lookup(
            "id_number_index", {row.id_index for row in rows if row.id_index}, self.people
        )
        by_passport = self._lookup(
            "passport_index",
            {row.passport_index for row in rows if row.passport_index},
            self.people,
        )
        by_phone = self._lookup(
            "normalized",
            {e164 for row in rows for _raw, e164, _region in row.phones},
            self.contacts,
            value="person_id",
        )
        pinyins = {row.pinyin for row in rows if row.pinyin}
        by_name: dict[tuple, set[int]] = defaultdict(set)
        by_pinyin: dict[str, set[int]] = defaultdict(set)
        for batch in chunks(sorted(pinyins), LISTED):
            for pk, surname, given, birth, pinyin in self.people.filter(
                name_pinyin__in=listed(batch)
            ).values_list("pk", "surname", "given_name", "birth_date", "name_pinyin"):
                by_pinyin[pinyin].add(pk)
                if birth:
                    by_name[(surname, given, birth)].add(pk)

        found: dict[int, Match] = {}
        probable_rows: list[CleanRow] = []
        for row in rows:
            sure: list[tuple[str, set[int]]] = []
            if row.id_index and row.id_index in by_id:
                sure.append(("id", by_id[row.id_index]))
            if row.passport_index and row.passport_index in by_passport:
                sure.append(("passport", by_passport[row.passport_index]))
            for _raw, e164, _region in row.phones:
                if e164 in by_phone:
                    sure.append(("phone", by_phone[e164]))
            birth = row.values.get("birth_date")
            if birth and (row.surname, row.given_name, birth) in by_name:
                sure.append(("name_birth", by_name[(row.surname, row.given_name, birth)]))
            if sure:
                people = set().union(*(ids for _kind, ids in sure))
                kind, ids = sure[0]
                best = min(ids)
                found[row.index] = Match(
                    kind, person_id=best, other_ids=tuple(sorted(people - {best}))
                )
            elif row.phones and by_pinyin.get(row.pinyin):
                probable_rows.append(row)
        if probable_rows:
            candidates = {pk for row in probable_rows for pk in by_pinyin[row.pinyin]}
            tails: dict[int, set[str]] = defaultdict(set)
            for batch in chunks(sorted(candidates), LISTED):
                for person_id, e164 in self.contacts.filter(
                    person_id__in=listed(batch)
                ).values_list("person_id", "normalized"):
                    tails[person_id].add(_last7(e164))
            for row in probable_rows:
                mine = {_last7(e164) for _raw, e164, _region in row.phones}
                hits = sorted(pk for pk in by_pinyin[row.pinyin] if tails.get(pk, set()) & mine)
                if hits:
                    found[row.index] = Match("probable", person_id=hits[0])
        return found

    def _lookup(self, field: str, values: set[str], queryset, value: str = "pk") -> dict:
        table: dict[str, set[int]] = defaultdict(set)
        for batch in chunks(sorted(values), LISTED):
            for key, pk in queryset.filter(**{f"{field}__in": listed(batch)}).values_list(
                field, value
            ):
                table[key].add(pk)
        return table
