"""Leak-sweep entries for the people and association pages and API (see core/testing/sweep.py).

Every object made here belongs to the sibling district B, which the district manager of A
must never see, change or count."""

from qiaolian.core.testing.sweep import Create, Detail, Listing
from qiaolian.people.tests.factories import (
    AssociationFactory,
    AssociationLeaderFactory,
    ConsentFactory,
    PersonFactory,
    RelationshipFactory,
)

PERSON_MARKER = "乙区泄漏标记"
ASSOCIATION_MARKER = "乙区泄漏侨团"


def _sibling_person(cast):
    return PersonFactory(
        unit=cast.district_b,
        surname="乙",
        given_name="区泄漏标记",
        phones=["+39 333 987 6543"],
        id_number="330203199001011234",
    )


def _person(cast):
    return {"public_id": _sibling_person(cast).public_id}


def _person_api(cast):
    return {"person_id": _sibling_person(cast).public_id}


def _person_listing(cast):
    _sibling_person(cast)
    return {}, PERSON_MARKER


def _reveal(cast):
    return {"public_id": _sibling_person(cast).public_id, "field": "id_number"}


def _consent(cast):
    return {"public_id": ConsentFactory(person=_sibling_person(cast)).public_id}


def _link(cast):
    person = _sibling_person(cast)
    return {"public_id": RelationshipFactory(person=person).public_id}


def _sibling_association(cast):
    return AssociationFactory(unit=cast.district_b, name=ASSOCIATION_MARKER)


def _association(cast):
    return {"public_id": _sibling_association(cast).public_id}


def _association_api(cast):
    return {"association_id": _sibling_association(cast).public_id}


def _association_listing(cast):
    _sibling_association(cast)
    return {}, ASSOCIATION_MARKER


def _leader(cast):
    leader = AssociationLeaderFactory(association=_sibling_association(cast))
    return {"public_id": leader.public_id}


SWEEP = {
    "people:person_list": Listing(_person_listing, exports=("csv", "xlsx")),
    "people:person_create": Create(
        "people.Person",
        lambda cast: {
            "surname": "新",
            "given_name": "乙建",
            "gender": "u",
            "phones": "138 1234 5678",
            "unit": cast.district_b.pk,
        },
    ),
    "people:person_lookup": Listing(_person_listing, query=lambda marker: {"q": marker}),
    "people:person_detail": Detail(_person, methods=("GET",)),
    "people:person_edit": Detail(_person),
    "people:person_reveal": Detail(_reveal, methods=("POST",)),
    "people:consent_grant": Detail(_person),
    "people:consent_withdraw": Detail(_consent, methods=("POST",)),
    "people:relationship_add": Detail(_person),
    "people:relationship_remove": Detail(_link, methods=("POST",)),
    "people:association_list": Listing(_association_listing, exports=("csv", "xlsx")),
    "people:association_create": Create(
        "people.Association",
        lambda cast: {"name": "新侨团乙", "country": "FR", "unit": cast.district_b.pk},
    ),
    "people:association_detail": Detail(_association, methods=("GET",)),
    "people:association_edit": Detail(_association),
    "people:leader_add": Detail(_association),
    "people:leader_remove": Detail(_leader, methods=("POST",)),
    "api:person_list": Listing(_person_listing),
    "api:person_detail": Detail(_person_api, methods=("GET",)),
    "api:person_create": Create(
        "people.Person",
        lambda cast: {
            "unit": str(cast.district_b.public_id),
            "surname": "新",
            "given_name": "乙建",
            "phones": ["138 1234 5678"],
        },
    ),
    "api:person_update": Detail(
        _person_api, methods=("PATCH",), payload=lambda cast: {"city": "Milano"}
    ),
    "api:association_list": Listing(_association_listing),
    "api:association_detail": Detail(_association_api, methods=("GET",)),
}
