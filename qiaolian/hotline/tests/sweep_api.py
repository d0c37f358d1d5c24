"""Leak-sweep entries for the hotline API beyond cases (calls, volunteers and shifts,
tomb-sweeping, answers, surveys); the case operations are in sweep_cases.py.

Every object made here belongs to the sibling district B. A `Detail` carries a valid body, so
the request reaches the scoping check (a 422 would prove nothing)."""

from datetime import timedelta

from django.utils import timezone

from qiaolian.core.testing.sweep import Create, Detail, Listing
from qiaolian.hotline.models import Status, Survey
from qiaolian.hotline.tests.factories import (
    AnswerFactory,
    CallFactory,
    CaseFactory,
    ShiftFactory,
)
from qiaolian.hotline.tests.sweep_answers import ANSWER_MARKER
from qiaolian.hotline.tests.sweep_calls import CALL_MARKER, _call_listing
from qiaolian.hotline.tests.sweep_tomb import ORDER_MARKER, _order
from qiaolian.hotline.tests.sweep_volunteers import (
    VOLUNTEER_MARKER,
    _sibling_volunteer,
    _volunteer_listing,
)

# A category outside the dictionary is shown as its value: in the CSAT figures by category it
# is the one text that names the sibling's surveys.
CSAT_CATEGORY_MARKER = "乙区满意度泄漏类别"


def _call(cast):
    return {"call_id": CallFactory(unit=cast.district_b, notes=CALL_MARKER).public_id}


def _shift_listing(cast):
    ShiftFactory(volunteer=_sibling_volunteer(cast))  # running now: inside the default window
    return {}, VOLUNTEER_MARKER


def _volunteer(cast):
    return {"volunteer_id": _sibling_volunteer(cast).public_id}


def _tomb_listing(cast):
    _order(cast)
    return {}, ORDER_MARKER


def _tomb(cast):
    return {"order_id": _order(cast).public_id}


def _tomb_case(cast):
    case = CaseFactory(unit=cast.district_b, category="tomb_sweeping")
    return {"case_id": case.public_id}


def _answer_listing(cast):
    AnswerFactory(unit=cast.district_b, title_zh=ANSWER_MARKER)
    return {}, ANSWER_MARKER


def _answer(cast):
    return {"answer_id": AnswerFactory(unit=cast.district_b, title_zh=ANSWER_MARKER).public_id}


def _sibling_survey(cast, **case_fields):
    case = CaseFactory(unit=cast.district_b, status=Status.RESOLVED, **case_fields)
    now = timezone.now()
    return Survey.objects.create(
        case=case,
        token_hash=f"{case.pk:064d}",
        sent_at=now,
        expires_at=now + timedelta(days=14),
        rating=1,
        comment="乙区泄漏回访留言",
        answered_at=now,
    )


def _survey_listing(cast):
    return {}, _sibling_survey(cast).case.number


def _csat_listing(cast):
    _sibling_survey(cast, category=CSAT_CATEGORY_MARKER)
    return {}, CSAT_CATEGORY_MARKER


TOMB_ORDER = {
    "kind": "proxy",
    "cemetery": "公墓",
    "grave_location": "一区",
    "service_date": "2026-04-05",
}

SWEEP = {
    "api:call_list": Listing(_call_listing),
    "api:call_detail": Detail(_call, methods=("GET",)),
    "api:call_log": Create(
        "hotline.Call",
        lambda cast: {
            "unit": str(cast.district_b.public_id),
            "number": "0039 333 765 4321",
            "duration_seconds": 300,
            "notes": "询问签证",
        },
    ),
    "api:call_new_case": Detail(
        _call,
        methods=("POST",),
        payload=lambda cast: {"category": "policy", "subject": "x"},
    ),
    "api:volunteer_list": Listing(_volunteer_listing),
    "api:volunteer_detail": Detail(_volunteer, methods=("GET",)),
    "api:shift_list": Listing(_shift_listing),
    "api:tomb_list": Listing(_tomb_listing),
    "api:tomb_detail": Detail(_tomb, methods=("GET",)),
    "api:tomb_open": Create(
        "hotline.TombSweepingOrder",
        lambda cast: {
            "kind": "cloud",
            "deceased_name": "陈老先生",
            "cemetery": "宁波福泉山公墓",
            "grave_location": "松园三区12排8号",
            "service_date": "2026-04-05",
            "unit": str(cast.district_b.public_id),
            "subject": "代为祭扫申请",
            "contact_name": "陈女士",
            "contact_phone": "+39 333 123 4567",
        },
    ),
    "api:tomb_create_for_case": Detail(
        _tomb_case, methods=("POST",), payload=lambda cast: TOMB_ORDER
    ),
    "api:tomb_edit": Detail(_tomb, methods=("PATCH",), payload=lambda cast: {"rites": "x"}),
    "api:tomb_schedule": Detail(
        _tomb, methods=("POST",), payload=lambda cast: {"performer": "district_manager"}
    ),
    # No file is sent: the order is looked up (and refused) before any upload is read.
    "api:tomb_fulfil": Detail(_tomb, methods=("POST",), payload=lambda cast: {}),
    "api:tomb_cancel": Detail(_tomb, methods=("POST",), payload=lambda cast: {"reason": "x"}),
    "api:answer_list": Listing(_answer_listing),
    "api:answer_detail": Detail(_answer, methods=("GET",)),
    "api:answer_create": Create(
        "hotline.Answer",
        lambda cast: {
            "unit": str(cast.district_b.public_id),
            "category": "policy",
            "status": "public",
            "title_zh": "华侨子女回国入学",
            "body_zh": "按户籍地就近入学。",
        },
    ),
    "api:answer_edit": Detail(_answer, methods=("PATCH",), payload=lambda cast: {"keywords": "x"}),
    "api:survey_list": Listing(_survey_listing),
    "api:survey_csat": Listing(_csat_listing),
}
