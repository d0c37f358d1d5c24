"""Core API operations: the caller and the unit tree (the pattern every app's router follows)."""

from uuid import UUID

from django.db.models import Q
from ninja import Field, Router, Schema, Status

from qiaolian.core import services
from qiaolian.core.api_kit import PageHook, paginated, require, visible_unit
from qiaolian.core.apps import CORE
from qiaolian.core.models import Unit, UnitKind
from qiaolian.core.scoping import Action

router = Router(tags=["units"])


class UnitOut(Schema):
    id: UUID = Field(..., alias="public_id")
    code: str
    name: str
    name_en: str
    kind: UnitKind
    depth: int
    is_active: bool
    parent: UUID | None = None

    @staticmethod
    def resolve_parent(obj: Unit):
        parent_path = obj.path[: -Unit.steplen]
        return getattr(obj, "_parent_public_id", None) if parent_path else None


class UnitIn(Schema):
    parent: UUID
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = ""
    kind: UnitKind


class UnitPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = None
    kind: UnitKind | None = None


class MoveIn(Schema):
    new_parent: UUID


class MeOut(Schema):
    username: str
    display_name: str
    home_unit: str | None
    grants: list[str]


def _with_parents(units: list[Unit]) -> list[Unit]:
    """Attach each unit's parent public id with one query (no N+1)."""
    parent_paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    # scoping: exempt - the parents' public ids of units already restricted
    ids = dict(Unit.objects.filter(path__in=parent_paths).values_list("path", "public_id"))
    for unit in units:
        unit._parent_public_id = ids.get(unit.path[: -Unit.steplen])
    return units


@router.get("/me", response=MeOut, tags=["me"])
def me(request):
    user = request.auth
    grants = [
        f"{g.role.code}@{g.unit.code}" for g in user.unit_roles.select_related("role", "unit")
    ]
    return {
        "username": user.username,
        "display_name": user.display_name,
        "home_unit": user.home_unit.code if user.home_unit else None,
        "grants": grants,
    }


@router.get("/units", response=list[UnitOut])
@paginated(page_size=100)
def unit_list(request, q: str = "", kind: UnitKind | None = None, within: UUID | None = None):
    require(request.auth, CORE.VIEW)  # like the pages: 403 for a caller who may view nothing
    units = Unit.objects.restrict(request.auth, Action.VIEW)
    root = visible_unit(request.auth, within, CORE.VIEW)
    if root is not None:
        units = units.in_subtree(root)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind:
        units = units.filter(kind=kind)
    # The paginator slices the queryset first; parents are attached to that one page only.
    return PageHook(units, _with_parents)


@router.get("/units/{unit_id}", response=UnitOut)
def unit_detail(request, unit_id: UUID):
    unit = Unit.objects.get_visible(request.auth, Action.VIEW, public_id=unit_id)
    return _with_parents([unit])[0]


@router.post("/units", response={201: UnitOut})
def unit_create(request, payload: UnitIn):
    parent = Unit.objects.get_visible(request.auth, Action.ADMIN, public_id=payload.parent)
    unit = services.unit_create(
        actor=request.auth,
        parent=parent,
        code=payload.code,
        name=payload.name,
        name_en=payload.name_en,
        kind=payload.kind,
    )
    return Status(201, _with_parents([unit])[0])


@router.patch("/units/{unit_id}", response=UnitOut)
def unit_update(request, unit_id: UUID, payload: UnitPatch):
    unit = Unit.objects.get_visible(request.auth, Action.ADMIN, public_id=unit_id)
    fields = payload.dict(exclude_unset=True, exclude_none=True)
    unit = services.unit_update(actor=request.auth, unit=unit, **fields)
    return _with_parents([unit])[0]


@router.post("/units/{unit_id}/move", response=UnitOut)
def unit_move(request, unit_id: UUID, payload: MoveIn):
    unit = Unit.objects.get_visible(request.auth, Action.ADMIN, public_id=unit_id)
    new_parent = Unit.objects.get_visible(request.auth, Action.ADMIN, public_id=payload.new_parent)
    unit = services.unit_move(actor=request.auth, unit=unit, new_parent=new_parent)
    return _with_parents([unit])[0]
