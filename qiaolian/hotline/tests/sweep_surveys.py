"""Leak-sweep entries for the satisfaction pages (see core/testing/sweep.py)."""

from datetime import timedelta

from django.utils import timezone

from qiaolian.core.testing.sweep import Detail, Listing, Public
from qiaolian.hotline.models import Status, Survey
from qiaolian.hotline.services import surveys
from qiaolian.hotline.tests.factories import CaseFactory

COMMENT_MARKER = "乙区泄漏回访留言"


def _listing(cast):
    case = CaseFactory(unit=cast.district_b, status=Status.RESOLVED)
    now = timezone.now()
    Survey.objects.create(
        case=case,
        token_hash="b" * 64,
        sent_at=now,
        expires_at=now + timedelta(days=14),
        rating=2,
        comment=COMMENT_MARKER,
        answered_at=now,
    )
    return {}, COMMENT_MARKER


def _survey_page(cast):
    case = CaseFactory(unit=cast.district_b, status=Status.RESOLVED, subject="乙区求助内容标记")
    token = surveys.survey_send(case)
    return {"token": token}, "乙区求助内容标记", case.number


def _case(cast):
    return {"public_id": CaseFactory(unit=cast.district_b, status=Status.RESOLVED).public_id}


SWEEP = {
    "hotline:csat_report": Listing(_listing),
    "hotline:survey_link": Detail(_case, methods=("POST",)),
    # Public survey page for the requester, authorised by the link's token (only its SHA-256
    # is stored) and its expiry; answered once. Wrong token 404, expired 410, second answer
    # 410: test_surveys_public. Here: it names its case and shows nothing else of it.
    "hotline:survey_answer": Public(_survey_page),
}
