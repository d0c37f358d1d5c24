"""The answer knowledge base: list/search, detail, create, edit with a version check.

The page's rules: reads come from `visible_answers` (the caller's scope plus the internal and
public answers of the units above their grants; volunteers see no drafts), writes need the
action on the answer's own unit and go through `hotline.services.answers`.
"""

from datetime import datetime
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from qiaolian.core.api_kit import ErrorOut, UnitOwnedOut, paginated, require, visible_unit
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.core.versioning import MAX_VERSION, if_match_version
from qiaolian.hotline.api.common import check_category
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Answer, AnswerStatus
from qiaolian.hotline.selectors import answers as selectors
from qiaolian.hotline.services import answers as services

router = Router(tags=["hotline: answers"])


class AnswerOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    category: str
    status: AnswerStatus
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    keywords: str
    updated_at: datetime
    version: int


class AnswerDetailOut(AnswerOut):
    editable: bool = Field(..., description="the caller may change it (its unit is theirs)")

    @staticmethod
    def resolve_editable(obj: Answer) -> bool:
        return obj.editable


class AnswerIn(Schema):
    unit: UUID
    category: str
    status: AnswerStatus = AnswerStatus.DRAFT
    title_zh: str = Field(..., min_length=1, max_length=200)
    title_en: str = Field("", max_length=200)
    body_zh: str = Field(..., min_length=1)
    body_en: str = ""
    keywords: str = Field("", max_length=300)


class AnswerEditIn(Schema):
    """Only the fields sent are changed; `version` (optional) refuses a stale edit."""

    version: int | None = Field(None, ge=0, le=MAX_VERSION)
    unit: UUID | None = None
    category: str | None = None
    status: AnswerStatus | None = None
    title_zh: str | None = Field(None, min_length=1, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    body_zh: str | None = Field(None, min_length=1)
    body_en: str | None = None
    keywords: str | None = Field(None, max_length=300)


def _detail(user, answer: Answer) -> Answer:
    answer.editable = selectors.can_edit(user, answer)
    return answer


@router.get("/answers", response=list[AnswerOut])
@paginated(page_size=100)
def answer_list(
    request,
    q: str = "",
    category: str = "",
    status: AnswerStatus | None = None,
    unit: UUID | None = None,
):
    """Answers the caller may read, latest edit first. `q` searches titles, keywords and bodies
    (Chinese by character pairs, other languages by words)."""
    user = request.auth
    require(user, HOTLINE.VIEW)
    queryset = selectors.answer_list(user=user, within=visible_unit(user, unit, HOTLINE.VIEW))
    filters = {"q": q, "category": category, "status": status}
    return selectors.filter_answers(queryset, filters).order_by("-updated_at", "-pk")


@router.get("/answers/{answer_id}", response=AnswerDetailOut)
def answer_detail(request, answer_id: UUID):
    user = request.auth
    require(user, HOTLINE.VIEW)
    answer = selectors.answer_list(user=user).filter(public_id=answer_id).first()
    if answer is None:
        raise Http404
    return _detail(user, answer)


@router.post("/answers", response={201: AnswerDetailOut})
def answer_create(request, payload: AnswerIn):
    """A new answer in `unit` (ADD there); a draft unless `status` says otherwise."""
    user = request.auth
    unit = Unit.objects.get_visible(user, HOTLINE.ADD, public_id=payload.unit)
    check_category(payload.category)
    answer = services.answer_create(actor=user, **{**payload.dict(), "unit": unit})
    return Status(201, _detail(user, answer))


@router.patch("/answers/{answer_id}", response={200: AnswerDetailOut, 409: ErrorOut})
def answer_edit(request, answer_id: UUID, payload: AnswerEditIn):
    """Change an answer of a unit where the caller holds CHANGE. With `version` or `If-Match`,
    an answer saved by someone else since is not changed: 409 names the fields that differ."""
    user = request.auth
    answer = Answer.objects.select_related("unit").get_visible(
        user, Action.CHANGE, public_id=answer_id
    )
    fields = payload.dict(exclude={"version"}, exclude_none=True)
    if "unit" in fields:
        fields["unit"] = Unit.objects.get_visible(user, HOTLINE.CHANGE, public_id=fields["unit"])
    check_category(fields.get("category"))
    expected = if_match_version(request, payload.version)
    answer = services.answer_update(actor=user, answer=answer, expected_version=expected, **fields)
    return _detail(user, answer)
