"""Leak-sweep entries for the case pages and API (see core/testing/sweep.py).

Every object made here belongs to the sibling district B, which the district manager of A
must never see, change or count."""

from qiaolian.core.testing.sweep import Create, Detail, Exempt, Listing

CASE_MARKER = "乙区工单泄漏标记"


def _sibling_case(cast, **kwargs):
    from qiaolian.hotline.tests.factories import CaseFactory

    return CaseFactory(unit=cast.district_b, subject=CASE_MARKER, **kwargs)


def _case(cast):
    return {"public_id": _sibling_case(cast).public_id}


def _confidential_case(cast):
    return {"public_id": _sibling_case(cast, category="medicine").public_id}


def _case_api(cast):
    return {"case_id": _sibling_case(cast).public_id}


def _case_listing(cast):
    _sibling_case(cast)
    return {}, CASE_MARKER


def _attachment(cast):
    from qiaolian.hotline.models import Attachment

    # No file is written: the request must stop at the scoping check, before any reading.
    attachment = Attachment.objects.create(
        case=_sibling_case(cast), name="乙区附件.png", size=8, file="cases/sweep.png"
    )
    return {"public_id": attachment.public_id}


SWEEP = {
    "hotline:case_list": Listing(_case_listing),
    "hotline:case_create": Create(
        "hotline.Case",
        lambda cast: {
            "unit": cast.district_b.pk,
            "channel": "call",
            "category": "policy",
            "priority": "normal",
            "subject": "询问养老金认证",
            "contact_name": "李女士",
            "contact_phone": "+34 612 345 678",
        },
    ),
    "hotline:case_bulk_assign": Exempt(
        "POST only, the case ids come in the body and are looked up in restrict(CHANGE): a "
        "sibling's case among them refuses the whole batch (test_bulk_assign_assigns_the_ticked"
        "_cases)."
    ),
    "hotline:case_detail": Detail(_case, methods=("GET",)),
    "hotline:case_edit": Detail(_case),
    "hotline:case_status": Detail(_case, methods=("POST",)),
    "hotline:case_assign": Detail(_case, methods=("POST",)),
    "hotline:case_comment": Detail(_case, methods=("POST",)),
    "hotline:case_transfer": Detail(_case, methods=("POST",)),
    "hotline:case_watch": Detail(_case, methods=("POST",)),
    "hotline:case_link_requester": Detail(_case, methods=("POST",)),
    "hotline:case_attach": Detail(_case, methods=("POST",)),
    "hotline:case_notes": Detail(_confidential_case, methods=("GET",)),
    "hotline:case_note_add": Detail(_confidential_case, methods=("POST",)),
    "hotline:attachment_download": Detail(_attachment, methods=("GET",)),
    "api:case_list": Listing(_case_listing),
    "api:case_detail": Detail(_case_api, methods=("GET",)),
    "api:case_edit": Detail(_case_api, methods=("PATCH",), payload=lambda cast: {"subject": "x"}),
    "api:case_assign": Detail(
        _case_api, methods=("POST",), payload=lambda cast: {"assignee": None}
    ),
    "api:case_open": Create(
        "hotline.Case",
        lambda cast: {
            "unit": str(cast.district_b.public_id),
            "category": "legal",
            "subject": "劳务纠纷",
            "contact_name": "陈先生",
            "contact_phone": "+61 412 345 678",
        },
    ),
    "api:case_status": Detail(
        _case_api, methods=("POST",), payload=lambda cast: {"status": "waiting"}
    ),
    "api:case_comment": Detail(_case_api, methods=("POST",), payload=lambda cast: {"text": "x"}),
}
