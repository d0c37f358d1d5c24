"""Leak-sweep entries for the answer knowledge base (see core/testing/sweep.py)."""

from qiaolian.core.testing.sweep import Create, Detail, Listing
from qiaolian.hotline.models import AnswerStatus, Status
from qiaolian.hotline.services import answers
from qiaolian.hotline.tests.factories import AnswerFactory, CaseFactory

ANSWER_MARKER = "乙区泄漏答案标记"


def _answer(cast):
    return {"public_id": AnswerFactory(unit=cast.district_b, title_zh=ANSWER_MARKER).public_id}


def _listing(cast):
    AnswerFactory(unit=cast.district_b, title_zh=ANSWER_MARKER)
    return {}, ANSWER_MARKER


def _public_listing(cast):
    # Written through the service, which fills the text the suggestions search.
    answers.answer_create(
        actor=cast.city_admin,
        unit=cast.district_b,
        category="policy",
        status=AnswerStatus.PUBLIC,
        title_zh=ANSWER_MARKER,
        body_zh=ANSWER_MARKER,
    )
    return {}, ANSWER_MARKER


def _resolved_case(cast):
    case = CaseFactory(unit=cast.district_b, status=Status.RESOLVED)
    return {"public_id": case.public_id}


SWEEP = {
    "hotline:answer_list": Listing(_listing),
    "hotline:answer_create": Create(
        "hotline.Answer",
        lambda cast: {
            "unit": cast.district_b.pk,
            "category": "policy",
            "status": "internal",
            "title_zh": "侨房政策",
            "body_zh": "依法保护侨房。",
        },
    ),
    # The text typed is part of the marker: the fragment may echo what was typed.
    "hotline:answer_suggest": Listing(_public_listing, query=lambda marker: {"text": marker[2:-2]}),
    "hotline:answer_from_case": Detail(_resolved_case, methods=("POST",)),
    "hotline:answer_detail": Detail(_answer, methods=("GET",)),
    "hotline:answer_edit": Detail(_answer),
    "hotline:answer_delete": Detail(_answer, methods=("POST",)),
}
