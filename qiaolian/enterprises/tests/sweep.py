"""Leak-sweep entries of the enterprises app (see core/testing/sweep.py): every record made
here belongs to the sibling district B."""

from qiaolian.core.testing.sweep import Create, Detail, Exempt, Listing, Public
from qiaolian.enterprises import services
from qiaolian.enterprises.tests.factories import (
    AnswerFactory,
    AppealFactory,
    AssignmentFactory,
    BodyFactory,
    DepartmentFactory,
    EnterpriseFactory,
    FairFactory,
    MeetingFactory,
    ProjectFactory,
    RoundFactory,
)

ENTERPRISE_MARKER = "乙区侨资企业标记"
APPEAL_MARKER = "乙区企业诉求标记"
DEPARTMENT_MARKER = "乙区部门标记"
MEETING_MARKER = "乙区恳谈会标记"
ROUND_MARKER = "乙区复工调查标记"
BODY_MARKER = "乙区侨商会标记"
FAIR_MARKER = "乙区博览会标记"
PROJECT_MARKER = "乙区招商项目标记"


def _body(cast):
    return BodyFactory(unit=cast.district_b, name=BODY_MARKER)


def _fair(cast):
    return FairFactory(unit=cast.district_b, name=FAIR_MARKER)


def _project(cast):
    return ProjectFactory(unit=cast.district_b, name=PROJECT_MARKER)


def _enterprise(cast):
    return EnterpriseFactory(unit=cast.district_b, name=ENTERPRISE_MARKER)


def _department(cast):
    return DepartmentFactory(unit=cast.district_b, name=DEPARTMENT_MARKER)


def _appeal(cast):
    return AppealFactory(enterprise=_enterprise(cast), title=APPEAL_MARKER)


def _routed(cast):
    appeal = _appeal(cast)
    _routed_appeal, token = services.appeal_route(
        actor=cast.sibling_manager, appeal=appeal, department=_department(cast)
    )
    return appeal, token


def _department_link(cast):
    token = _routed(cast)[1]
    return {"token": token}, "乙区侨联", APPEAL_MARKER


def _enterprise_link(cast):
    appeal, _token = _routed(cast)
    token = services.enterprise_link_create(actor=cast.sibling_manager, appeal=appeal)
    return {"token": token}, "乙区侨联", APPEAL_MARKER


def _portal(cast):
    enterprise = _enterprise(cast)
    token = services.portal_link_create(actor=cast.sibling_manager, enterprise=enterprise)
    return {"token": token}, "乙区侨联", ENTERPRISE_MARKER


def _meeting(cast):
    return MeetingFactory(unit=cast.district_b, title=MEETING_MARKER)


def _round(cast):
    return RoundFactory(unit=cast.district_b, title=ROUND_MARKER)


def _answer(cast):
    answer = AnswerFactory(
        round=_round(cast), enterprise=_enterprise(cast), status="partly", difficulties="缺工"
    )
    return {"public_id": answer.public_id}


def _pid(make):
    return lambda cast: {"public_id": make(cast).public_id}


def _assignment(cast):
    return AssignmentFactory(enterprise=_enterprise(cast), officer=cast.sibling_manager)


def _attachment(cast):
    from django.core.files.base import ContentFile

    from qiaolian.enterprises.models import AppealAttachment

    attachment = AppealAttachment(appeal=_appeal(cast), name="乙区.pdf")
    attachment.file.save("b.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    attachment.save()
    return attachment


def _enterprise_data(cast):
    return {
        "unit": cast.district_b.pk,
        "name": "新侨资企业",
        "credit_code": "91330200MA2AAAAA0G",
        "industry": "C",
        "size": "small",
        "district": "330203",
    }


SWEEP = {
    "enterprises:enterprise_list": Listing(
        lambda cast: ({}, _enterprise(cast).name), exports=("csv", "xlsx")
    ),
    "enterprises:enterprise_create": Create("enterprises.Enterprise", _enterprise_data),
    "enterprises:enterprise_import": Exempt(
        "A file upload into a unit the form offers only from the user's own ADD scope "
        "(require_unit in imports.import_enterprises; tested in test_imports)."
    ),
    "enterprises:enterprise_detail": Detail(_pid(_enterprise), methods=("GET",)),
    "enterprises:enterprise_edit": Detail(_pid(_enterprise)),
    "enterprises:investor_add": Detail(_pid(_enterprise)),
    "enterprises:assignment_add": Detail(_pid(_enterprise)),
    "enterprises:contact_add": Detail(_pid(_enterprise)),
    "enterprises:appeal_add": Detail(_pid(_enterprise)),
    "enterprises:assignment_end": Detail(_pid(_assignment), methods=("POST",)),
    "enterprises:officer_list": Listing(lambda cast: ({}, _assignment(cast).officer.username)),
    "enterprises:appeal_list": Listing(
        lambda cast: ({}, _appeal(cast).title), exports=("csv", "xlsx")
    ),
    "enterprises:appeal_detail": Detail(_pid(_appeal), methods=("GET",)),
    "enterprises:appeal_route": Detail(_pid(_appeal)),
    "enterprises:appeal_reply": Detail(_pid(_appeal)),
    "enterprises:appeal_confirm": Detail(_pid(_appeal)),
    "enterprises:appeal_override": Detail(_pid(_appeal)),
    "enterprises:appeal_reopen": Detail(_pid(_appeal)),
    "enterprises:appeal_link": Detail(_pid(_appeal), methods=("POST",)),
    "enterprises:appeal_file": Detail(_pid(_attachment), methods=("GET",)),
    # Public pages opened by a private link's token (core.PrivateLink, digest stored, expiry
    # and revocation checked on every request): they show the one appeal the token opens.
    "enterprises:department_link": Public(_department_link),
    "enterprises:enterprise_link": Public(_enterprise_link),
    "enterprises:portal": Public(_portal),
    "enterprises:portal_link": Detail(_pid(_enterprise), methods=("POST",)),
    "enterprises:department_list": Listing(lambda cast: ({}, _department(cast).name)),
    "enterprises:department_create": Create(
        "enterprises.Department",
        lambda cast: {"unit": cast.district_b.pk, "name": "新部门", "reply_days": 10},
    ),
    "enterprises:department_edit": Detail(_pid(_department)),
    "enterprises:meeting_list": Listing(lambda cast: ({}, _meeting(cast).title)),
    "enterprises:meeting_create": Create(
        "enterprises.Meeting",
        lambda cast: {"unit": cast.district_b.pk, "title": "新恳谈会", "held_on": "2026-01-05"},
    ),
    "enterprises:meeting_detail": Detail(_pid(_meeting), methods=("GET",)),
    "enterprises:attendee_add": Detail(_pid(_meeting)),
    "enterprises:round_list": Listing(lambda cast: ({}, _round(cast).title)),
    "enterprises:round_create": Create(
        "enterprises.SurveyRound",
        lambda cast: {
            "unit": cast.district_b.pk,
            "title": "新一轮",
            "opens_on": "2026-01-05",
            "closes_on": "2026-01-15",
        },
    ),
    "enterprises:round_detail": Detail(_pid(_round), methods=("GET",)),
    "enterprises:answer_add": Detail(_pid(_round)),
    "enterprises:answer_to_appeal": Detail(_answer),
    "enterprises:body_list": Listing(lambda cast: ({}, _body(cast).name)),
    "enterprises:body_create": Create(
        "enterprises.DomesticBody",
        lambda cast: {
            "unit": cast.district_b.pk,
            "name": "新侨商会",
            "kind": "chamber",
            "members": 10,
        },
    ),
    "enterprises:body_detail": Detail(_pid(_body), methods=("GET",)),
    "enterprises:body_edit": Detail(_pid(_body)),
    "enterprises:fair_list": Listing(lambda cast: ({}, _fair(cast).name)),
    "enterprises:fair_create": Create(
        "enterprises.TradeFair",
        lambda cast: {
            "unit": cast.district_b.pk,
            "name": "新博览会",
            "starts_on": "2026-06-08",
            "ends_on": "2026-06-11",
        },
    ),
    "enterprises:fair_detail": Detail(_pid(_fair), methods=("GET",)),
    "enterprises:project_list": Listing(
        lambda cast: ({}, _project(cast).name), exports=("csv", "xlsx")
    ),
    "enterprises:project_create": Create(
        "enterprises.InvestmentProject",
        lambda cast: {
            "unit": cast.district_b.pk,
            "name": "新项目",
            "investor": "某投资人",
            "country": "DE",
            "industry": "C",
            "amount": "1000",
            "currency": "CNY",
            "stage": "lead",
            "found_on": "2026-01-05",
        },
    ),
    "enterprises:project_detail": Detail(_pid(_project), methods=("GET",)),
    "enterprises:project_edit": Detail(_pid(_project)),
    "api:body_list": Listing(lambda cast: ({}, _body(cast).name)),
    "api:body_detail": Detail(lambda cast: {"body_id": _body(cast).public_id}, methods=("GET",)),
    "api:project_list": Listing(lambda cast: ({}, _project(cast).name)),
    "api:project_detail": Detail(
        lambda cast: {"project_id": _project(cast).public_id}, methods=("GET",)
    ),
    "api:enterprise_list": Listing(lambda cast: ({}, _enterprise(cast).name)),
    "api:enterprise_detail": Detail(
        lambda cast: {"enterprise_id": _enterprise(cast).public_id}, methods=("GET",)
    ),
    "api:appeal_list": Listing(lambda cast: ({}, _appeal(cast).title)),
    "api:appeal_detail": Detail(
        lambda cast: {"appeal_id": _appeal(cast).public_id}, methods=("GET",)
    ),
    "api:appeal_raise": Detail(
        lambda cast: {"enterprise_id": _enterprise(cast).public_id},
        methods=("POST",),
        payload=lambda cast: {"category": "financing", "title": "乙", "description": "乙"},
    ),
    "api:department_stats": Listing(lambda cast: ({}, _department(cast).name)),
    "api:round_rates": Detail(lambda cast: {"round_id": _round(cast).public_id}, methods=("GET",)),
}
