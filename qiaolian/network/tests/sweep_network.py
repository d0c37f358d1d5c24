"""Leak-sweep entries for the liaison grid's pages and API (see core/testing/sweep.py).

Every object made here belongs to the sibling district B, which the district manager of A
must never see, change or count."""

from django.urls import reverse

from qiaolian.core.testing.sweep import Create, Detail, Exempt, Listing
from qiaolian.network.models import StewardRole
from qiaolian.network.tests.factories import (
    GroupFactory,
    MembershipFactory,
    PersonFactory,
    StewardFactory,
)

GROUP_MARKER = "乙区泄漏群标记"
PERSON_MARKER = "乙区群员泄漏"


def _sibling_group(cast):
    return GroupFactory(unit=cast.district_b, name=GROUP_MARKER)


def _group(cast):
    return {"public_id": _sibling_group(cast).public_id}


def _group_api(cast):
    return {"group_id": _sibling_group(cast).public_id}


def _group_listing(cast):
    group = _sibling_group(cast)
    MembershipFactory(group=group)
    return {}, GROUP_MARKER


def _grid_listing(cast):
    """The grid lists branches (units owning groups), each naming its branch URL."""
    group = _sibling_group(cast)
    MembershipFactory(group=group)
    return {}, reverse("network:grid_branch", args=[group.unit.public_id])


def _membership(cast):
    return {"public_id": MembershipFactory(group=_sibling_group(cast)).public_id}


def _steward(cast):
    steward = StewardFactory(group=_sibling_group(cast), role=StewardRole.LAWYER)
    return {"public_id": steward.public_id}


def _ungrouped_listing(cast):
    PersonFactory(unit=cast.district_b, surname="乙", given_name="区群员泄漏")
    return {}, PERSON_MARKER


SWEEP = {
    "network:grid": Listing(_grid_listing),
    "network:ungrouped": Listing(_ungrouped_listing),
    "network:group_list": Listing(_group_listing, exports=("csv", "xlsx")),
    "network:group_create": Create(
        "network.Group",
        lambda cast: {
            "unit": cast.district_b.pk,
            "platform": "whatsapp",
            "name": "新建群",
            "notes": "",
        },
    ),
    "network:group_detail": Detail(_group, methods=("GET",)),
    "network:group_edit": Detail(_group),
    "network:group_contacted": Detail(_group, methods=("POST",)),
    "network:member_add": Detail(_group),
    "network:steward_add": Detail(_group),
    "network:member_leave": Detail(_membership, methods=("POST",)),
    "network:steward_remove": Detail(_steward, methods=("POST",)),
    "network:person_options": Listing(_ungrouped_listing, query=lambda marker: {"q": marker}),
    "network:roster": Listing(_group_listing),
    "api:group_list": Listing(_group_listing),
    "api:group_detail": Detail(_group_api, methods=("GET",)),
    "api:grid_coverage": Exempt(
        "Returns counts only, no names; each count keeps to the caller's scope (sibling "
        "groups, members and stewards are not counted: tested in test_api)."
    ),
}


def _branch(cast):
    return {"public_id": _sibling_group(cast).unit.public_id}


SWEEP["network:grid_branch"] = Detail(_branch, methods=("GET",))
