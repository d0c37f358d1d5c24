"""The enterprises app's API operations (mounted under /api/enterprises).

The same selectors and services as the pages: every list and detail starts from restrict()."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from qiaolian.core.api_kit import ApiError, UnitOwnedOut, paginated, require, visible_unit
from qiaolian.enterprises import selectors, services
from qiaolian.enterprises.codes import District, Industry, Size
from qiaolian.enterprises.models import (
    AppealCategory,
    AppealStatus,
    BodyKind,
    DomesticBody,
    Enterprise,
    InvestmentProject,
    ProjectStage,
    SurveyRound,
)

router = Router(tags=["enterprises"])
VIEW = "enterprises.view"


class EnterpriseOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    name: str
    credit_code: str
    industry: Industry
    size: Size
    district: District
    address: str
    founded_year: int | None
    returnee_founders: str
    is_key: bool


class AppealOut(Schema):
    id: UUID = Field(..., alias="public_id")
    number: str
    enterprise: UUID
    enterprise_name: str
    category: AppealCategory
    title: str
    status: AppealStatus
    department: str
    raised_at: datetime
    due_on: date | None
    answered_at: datetime | None
    closed_at: datetime | None
    satisfaction: int | None

    @staticmethod
    def resolve_enterprise(obj) -> UUID:
        return obj.enterprise.public_id

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.name if obj.department else ""


class AppealDetailOut(AppealOut):
    description: str
    reply: str


class AppealIn(Schema):
    category: AppealCategory
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1)


class DepartmentStatOut(Schema):
    id: UUID
    name: str
    received: int
    answered: int
    on_time: int
    closed: int
    satisfaction: float | None


class RateOut(Schema):
    key: str
    total: int
    resumed: int
    rate: Decimal | None


@router.get("/enterprises", response=list[EnterpriseOut])
@paginated(page_size=100)
def enterprise_list(request, q: str = "", unit: UUID | None = None, key: bool | None = None):
    """Enterprises in the caller's scope (an officer: those assigned to them)."""
    require(request.auth, VIEW)
    within = visible_unit(request.auth, unit, VIEW)
    queryset = selectors.enterprise_list(user=request.auth, within=within)
    filters = {"q": q, "key": "" if key is None else ("yes" if key else "no")}
    return selectors.filter_enterprises(queryset, filters).order_by("name", "pk")


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
def enterprise_detail(request, enterprise_id: UUID):
    return Enterprise.objects.select_related("unit").get_visible(
        request.auth, VIEW, public_id=enterprise_id
    )


@router.get("/appeals", response=list[AppealOut])
@paginated(page_size=100)
def appeal_list(request, status: AppealStatus | None = None, overdue: bool = False):
    require(request.auth, VIEW)
    queryset = selectors.appeal_list(user=request.auth)
    filters = {"status": status, "overdue": overdue}
    return selectors.filter_appeals(queryset, filters).order_by("-raised_at", "pk")


@router.get("/appeals/{appeal_id}", response=AppealDetailOut)
def appeal_detail(request, appeal_id: UUID):
    return selectors.appeal_list(user=request.auth).get_visible(
        request.auth, VIEW, public_id=appeal_id
    )


@router.post("/enterprises/{enterprise_id}/appeals", response={201: AppealDetailOut})
def appeal_raise(request, enterprise_id: UUID, payload: AppealIn):
    """Raise an appeal for an enterprise the caller may change (an officer: their own)."""
    enterprise = Enterprise.objects.get_visible(
        request.auth, "enterprises.change", public_id=enterprise_id
    )
    try:
        appeal = services.appeal_raise(actor=request.auth, enterprise=enterprise, **payload.dict())
    except ValidationError as exc:
        raise ApiError(422, "invalid", " ".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    return Status(201, appeal)


@router.get("/departments/stats", response=list[DepartmentStatOut])
def department_stats(request):
    """Per department: appeals received, answered, answered on time, closed, satisfaction."""
    require(request.auth, VIEW)
    return [
        {
            "id": row["department"].public_id,
            "name": row["department"].name,
            **{k: row[k] for k in ("received", "answered", "on_time", "closed")},
            "satisfaction": row["satisfaction"],
        }
        for row in selectors.department_stats(user=request.auth)
    ]


@router.get("/rounds/{round_id}/rates", response=list[RateOut])
def round_rates(request, round_id: UUID, by: str = "all"):
    """The round's resumption rate overall (`by=all`) or by unit, district or industry."""
    survey = _round(request, round_id)
    field = {
        "all": None,
        "unit": "enterprise__unit__code",
        "district": "enterprise__district",
        "industry": "enterprise__industry",
    }.get(by)
    if by not in ("all", "unit", "district", "industry"):
        raise ApiError(422, "invalid", "by: all, unit, district or industry")
    rows = selectors.resumption_rates(selectors.answers_of(user=request.auth, round=survey), field)
    return [
        {
            "key": str(row.get(field, "")) if field else "all",
            **{k: row[k] for k in ("total", "resumed", "rate")},
        }
        for row in rows
    ]


def _round(request, round_id: UUID) -> SurveyRound:
    require(request.auth, VIEW)
    survey = selectors.round_list(user=request.auth).filter(public_id=round_id).first()
    if survey is None:
        raise Http404
    return survey


class BodyOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    name: str
    kind: BodyKind
    contact_name: str
    contact_phone: str
    members: int


class ProjectOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    name: str
    investor: str
    country: str
    industry: Industry
    amount: Decimal
    currency: str
    amount_cny: Decimal | None
    stage: ProjectStage
    fair: str
    found_on: date
    signed_on: date | None
    landed_on: date | None

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.country.code

    @staticmethod
    def resolve_fair(obj) -> str:
        return obj.fair.name if obj.fair else ""


class ProjectDetailOut(ProjectOut):
    notes: str


@router.get("/bodies", response=list[BodyOut])
@paginated(page_size=100)
def body_list(request, unit: UUID | None = None):
    """Domestic bodies (国内涉侨团体) in the caller's scope."""
    require(request.auth, VIEW)
    within = visible_unit(request.auth, unit, VIEW)
    return (
        DomesticBody.objects.restrict(request.auth, VIEW)
        .in_subtree(within)
        .select_related("unit")
        .order_by("name", "pk")
    )


@router.get("/bodies/{body_id}", response=BodyOut)
def body_detail(request, body_id: UUID):
    return DomesticBody.objects.select_related("unit").get_visible(
        request.auth, VIEW, public_id=body_id
    )


@router.get("/projects", response=list[ProjectOut])
@paginated(page_size=100)
def project_list(request, stage: ProjectStage | None = None, unit: UUID | None = None):
    """Investment projects in the caller's scope."""
    require(request.auth, VIEW)
    within = visible_unit(request.auth, unit, VIEW)
    queryset = (
        InvestmentProject.objects.restrict(request.auth, VIEW)
        .in_subtree(within)
        .select_related("unit", "fair")
    )
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset.order_by("-found_on", "pk")


@router.get("/projects/{project_id}", response=ProjectDetailOut)
def project_detail(request, project_id: UUID):
    return InvestmentProject.objects.select_related("unit", "fair").get_visible(
        request.auth, VIEW, public_id=project_id
    )
