"""Satisfaction surveys: the list (state, rating, comment, with their case) and the CSAT
figures by category, unit or assignee — counts and shares only, always on restricted surveys
(`selectors.surveys.csat`, the report page's own function). The survey link's token is never
part of the output (only its hash is stored anyway)."""

import enum
from datetime import date, datetime
from uuid import UUID

from ninja import Field, Router, Schema

from qiaolian.core.api_kit import paginated, require, visible_unit
from qiaolian.core.models import Unit, User
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.forms.surveys import CsatFilterForm
from qiaolian.hotline.models import Survey
from qiaolian.hotline.selectors import surveys as selectors

router = Router(tags=["hotline: surveys"])

# The groupings of the CSAT report (category, unit, assignee), as its selector defines them.
Grouping = enum.StrEnum("Grouping", {name: name for name in selectors.GROUPINGS})


class SurveyOut(Schema):
    case: UUID
    case_number: str
    category: str
    unit: str
    assignee: str | None = Field(None, description="username")
    sent_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    rating: int | None = Field(None, description="1–5")
    comment: str

    @staticmethod
    def resolve_case(obj: Survey) -> UUID:
        return obj.case.public_id

    @staticmethod
    def resolve_case_number(obj: Survey) -> str:
        return obj.case.number

    @staticmethod
    def resolve_category(obj: Survey) -> str:
        return obj.case.category

    @staticmethod
    def resolve_unit(obj: Survey) -> str:
        return obj.case.unit.code

    @staticmethod
    def resolve_assignee(obj: Survey):
        return obj.case.assignee.get_username() if obj.case.assignee_id else None


class CsatRowOut(Schema):
    key: str | None = Field(
        None, description="category value, unit code or username; null: no assignee / total"
    )
    label: str
    answered: int
    satisfied: int = Field(..., description="answers rated 4 or 5")
    csat: float | None = Field(None, description="satisfied / answered, in percent")
    mean: float | None = Field(None, description="mean rating, 1–5")


class CsatOut(Schema):
    by: Grouping
    start: date
    end: date
    rows: list[CsatRowOut]
    total: CsatRowOut
    sent: int = Field(..., description="surveys sent in the period")
    response_rate: float | None = Field(
        None, description="share of the surveys sent in the period that were answered, percent"
    )


@router.get("/surveys", response=list[SurveyOut])
@paginated(page_size=100)
def survey_list(
    request,
    answered: bool | None = None,
    start: date | None = None,
    end: date | None = None,
    unit: UUID | None = None,
):
    """Surveys of the cases in the caller's scope, latest sent first; `start`/`end` are the
    local dates they were sent (inclusive)."""
    user = request.auth
    require(user, HOTLINE.VIEW)
    queryset = selectors.survey_list(user=user, within=visible_unit(user, unit, HOTLINE.VIEW))
    filters = {"answered": answered, "start": start, "end": end}
    return selectors.filter_surveys(queryset, filters).order_by("-sent_at", "-pk")


def _keys(by: str, rows) -> dict:
    """Opaque keys for the rows: a unit's code and a user's username, not database ids."""
    ids = [row.key for row in rows if row.key is not None]
    if by == "unit":
        # scoping: exempt - labels for the keys of rows already restricted
        return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "code"))
    if by == "assignee":
        # scoping: exempt - labels for the keys of rows already restricted
        return dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    return {key: key for key in ids}


@router.get("/surveys/csat", response=CsatOut)
def survey_csat(
    request,
    by: Grouping = Grouping.category,
    start: date | None = None,
    end: date | None = None,
    unit: UUID | None = None,
):
    """CSAT (share of answers rated 4–5), mean rating and counts by `by` over the surveys
    answered from `start` to `end` (local dates, inclusive; default: this year so far)."""
    user = request.auth
    require(user, HOTLINE.VIEW)
    start, end = CsatFilterForm({"start": start, "end": end}).period()
    report = selectors.csat(
        user, start, end, by=str(by), within=visible_unit(user, unit, HOTLINE.VIEW)
    )
    keys = _keys(str(by), report.rows)

    def row(item, key) -> dict:
        return {
            "key": key,
            "label": str(item.label),
            "answered": item.answered,
            "satisfied": item.satisfied,
            "csat": item.csat,
            "mean": item.mean,
        }

    return {
        "by": report.by,
        "start": report.start,
        "end": report.end,
        "rows": [row(item, keys.get(item.key)) for item in report.rows],
        "total": row(report.total, None),
        "sent": report.sent,
        "response_rate": report.response_rate,
    }
