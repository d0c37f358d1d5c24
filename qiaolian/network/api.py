"""The liaison grid's API operations (added to the API root in qiaolian/api/root.py).

The same selectors as the pages: every list, detail and figure starts from restrict()."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema

from qiaolian.core.api_kit import UnitOwnedOut, paginated, require, visible_unit
from qiaolian.core.scoping import Action
from qiaolian.network import selectors
from qiaolian.network.apps import NETWORK
from qiaolian.network.models import Group, Platform, Steward, StewardRole

router = Router(tags=["network"])


class GroupOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    name: str
    platform: Platform
    association: UUID | None = None
    association_name: str = ""
    created_on: date | None
    last_contacted_at: datetime | None
    members_count: int

    @staticmethod
    def resolve_association(obj: Group):
        return obj.association.public_id if obj.association else None

    @staticmethod
    def resolve_association_name(obj: Group) -> str:
        return obj.association.name if obj.association else ""

    @staticmethod
    def resolve_members_count(obj: Group) -> int:
        return obj.member_count


class StewardOut(Schema):
    id: UUID = Field(..., alias="public_id")
    role: StewardRole
    name: str
    kind: Literal["user", "person"]
    since: date | None

    @staticmethod
    def resolve_name(obj: Steward) -> str:
        return str(obj.holder)

    @staticmethod
    def resolve_kind(obj: Steward) -> str:
        return "user" if obj.user_id else "person"


class GroupDetailOut(GroupOut):
    notes: str
    stewards: list[StewardOut] = Field(..., alias="steward_list")
    missing: list[StewardRole]


class CoverageOut(Schema):
    days: int
    groups: int
    people_in_groups: int
    people_without_group: int
    groups_without_cadre: int
    groups_without_doctor: int
    groups_without_lawyer: int
    not_contacted: int
    stewards_cadre: int
    stewards_doctor: int
    stewards_lawyer: int
    stewards_interpreter: int
    stewards_other: int


@router.get("/groups", response=list[GroupOut])
@paginated(page_size=100)
def group_list(
    request,
    q: str = "",
    platform: Platform | None = None,
    unit: UUID | None = None,
    without: Literal["cadre", "doctor", "lawyer"] | None = None,
    not_contacted_days: int | None = Query(None, ge=1, le=3650),
):
    """Groups in the caller's scope; `unit` narrows to a unit's subtree, `without` to groups
    lacking that steward, `not_contacted_days` to groups not contacted for that long."""
    require(request.auth, NETWORK.VIEW)
    filters = {
        "q": q,
        "platform": platform,
        "unit": visible_unit(request.auth, unit, NETWORK.VIEW),
        "without": without,
        "not_contacted_days": not_contacted_days,
    }
    queryset = selectors.group_list(user=request.auth)
    return selectors.filter_groups(queryset, filters).order_by("unit__path", "name", "pk")


@router.get("/groups/{group_id}", response=GroupDetailOut)
def group_detail(request, group_id: UUID):
    """One group with its active member count and its active stewards."""
    group = selectors.group_list(user=request.auth).get_visible(
        request.auth, Action.VIEW, public_id=group_id
    )
    group.steward_list = list(selectors.group_stewards(user=request.auth, group=group))
    held = {s.role for s in group.steward_list}
    group.missing = [role for role in selectors.COVERED_ROLES if role not in held]
    return group


@router.get("/grid/coverage", response=CoverageOut)
def grid_coverage(
    request, unit: UUID | None = None, days: int = Query(selectors.DEFAULT_DAYS, ge=1, le=3650)
):
    """The grid's figures and gaps for the caller's scope (or one unit's subtree in it)."""
    require(request.auth, NETWORK.VIEW)
    return selectors.coverage(
        user=request.auth, within=visible_unit(request.auth, unit, NETWORK.VIEW), days=days
    )
