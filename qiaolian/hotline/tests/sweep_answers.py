"""Leak-sweep entries for the answer knowledge base (see core/testing/sweep.py)."""

from qiaolian.core.testing.sweep import Detail, Exempt, Listing
from qiaolian.hotline.models import Status
from qiaolian.hotline.tests.factories import AnswerFactory, CaseFactory

ANSWER_MARKER = "乙区泄漏答案标记"


def _answer(cast):
    return {"public_id": AnswerFactory(unit=cast.district_b, title_zh=ANSWER_MARKER).public_id}


def _listing(cast):
    AnswerFactory(unit=cast.district_b, title_zh=ANSWER_MARKER)
    return {}, ANSWER_MARKER


def _resolved_case(cast):
    case = CaseFactory(unit=cast.district_b, status=Status.RESOLVED)
    return {"public_id": case.public_id}


SWEEP = {
    "hotline:answer_list": Listing(_listing),
    "hotline:answer_create": Exempt(
        "Takes no object id; the owner-unit choices are restricted to units where the user may "
        "add (tested in test_answers_views)."
    ),
    "hotline:answer_suggest": Exempt(
        "An HTMX fragment ranking answers for the text typed into the new-case form; without "
        "text it lists nothing, so the sweep cannot probe it. It reads only visible_answers() "
        "(restrict, plus ancestors' non-drafts); a sibling's answer is never suggested: "
        "test_answers_views.test_it_never_suggests_a_sibling_units_answer."
    ),
    "hotline:answer_from_case": Detail(_resolved_case, methods=("POST",)),
    "hotline:answer_detail": Detail(_answer, methods=("GET",)),
    "hotline:answer_edit": Detail(_answer),
    "hotline:answer_delete": Detail(_answer, methods=("POST",)),
}
