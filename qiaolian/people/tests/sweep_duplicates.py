"""Leak-sweep entries for the duplicate pages (see core/testing/sweep.py).

Pairs are addressed by two people's ids; the sweep's pair mixes a person of district A (which
the district manager governs) with one of the sibling district B: half-visible is invisible,
so both GET and POST must answer 404 without saying which half is out of reach."""

from qiaolian.core.testing.sweep import Detail, Exempt, Listing
from qiaolian.people import services
from qiaolian.people.models import DuplicateCandidate
from qiaolian.people.tests.factories import PersonFactory

PAIR_MARKER = "乙区重复标记"
MERGE_MARKER = "乙区合并标记"


def _twins(cast, given: str):
    first, second = (
        PersonFactory(
            unit=cast.district_b, surname="乙", given_name=given, phones=["+39 333 765 4321"]
        )
        for _ in range(2)
    )
    return first, second


def _candidates(cast):
    first, second = _twins(cast, PAIR_MARKER[1:])
    DuplicateCandidate.objects.create(
        person_a=first, person_b=second, score=95, reasons=["same_name", "same_phone"]
    )
    return {}, PAIR_MARKER


def _sibling_merge(cast):
    first, second = _twins(cast, MERGE_MARKER[1:])
    return services.person_merge(actor=cast.sibling_manager, survivor=first, merged=second)


def _merges(cast):
    _sibling_merge(cast)
    return {}, MERGE_MARKER


def _unmerge(cast):
    return {"public_id": _sibling_merge(cast).public_id}


def _mixed_pair(cast):
    own = PersonFactory(unit=cast.district_a, surname="甲", given_name="重复")
    sibling = PersonFactory(unit=cast.district_b, surname="甲", given_name="重复")
    return {"first": own.public_id, "second": sibling.public_id}


SWEEP = {
    "people:duplicate_list": Listing(_candidates),
    "people:duplicate_scan": Exempt(
        "Takes no object id: it queues a scan of the actor's own VIEW scope (scans never pair "
        "or count a sibling's people: test_duplicates_scan)."
    ),
    "people:duplicate_merges": Listing(_merges),
    "people:duplicate_unmerge": Detail(_unmerge, methods=("POST",)),
    "people:duplicate_merge": Detail(_mixed_pair),
    "people:duplicate_dismiss": Detail(_mixed_pair, methods=("POST",)),
}
