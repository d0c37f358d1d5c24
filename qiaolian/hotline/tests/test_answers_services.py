"""The answer knowledge base: terms (Chinese bigrams, Latin words), writes with optimistic
locking, suggestions ranked by overlap with the case text inside the user's scope, and
"make an answer from this resolved case"."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.versioning import EditConflict
from qiaolian.hotline.models import Answer, AnswerStatus, CaseEvent, EventKind, Status
from qiaolian.hotline.services import answers as services
from qiaolian.hotline.services import cases
from qiaolian.hotline.tests.factories import CaseFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _answer(cast, unit, title, body="", keywords="", status=AnswerStatus.PUBLIC):
    # The city's admin governs every unit of the cast, the sibling district included.
    return services.answer_create(
        actor=cast.city_admin,
        unit=unit,
        category="policy",
        status=status,
        title_zh=title,
        body_zh=body or title,
        keywords=keywords,
    )


# --- terms --------------------------------------------------------------------------------


def test_terms_cut_chinese_into_bigrams_and_latin_into_words():
    assert services.terms("落户政策") == ["落户", "户政", "政策"]
    assert services.terms("Visa renewal, 签证") == ["visa", "renewal", "签证"]
    # Stop terms say nothing about the topic; a lone Chinese character stays a term.
    assert services.terms("请问我们的房") == ["问我", "们的", "的房"]
    assert services.terms("") == []


def test_search_text_is_built_from_titles_keywords_and_bodies(cast):
    answer = services.answer_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        category="policy",
        status=AnswerStatus.DRAFT,
        title_zh="华侨子女入学",
        title_en="School Enrolment",
        body_zh="按户籍地就近入学。",
        body_en="Near the household.",
        keywords="入学 school",
    )
    for piece in ("华侨子女入学", "school enrolment", "入学 school", "就近入学", "household"):
        assert piece in answer.search_text
    assert AuditEvent.objects.filter(action="answer.create", object_id=str(answer.public_id))


# --- writes -------------------------------------------------------------------------------


def test_an_edit_bumps_the_version_and_an_edit_from_an_older_version_conflicts(cast):
    answer = _answer(cast, cast.district_a, "回国定居办理")
    first = services.answer_update(
        actor=cast.district_manager,
        answer=answer,
        expected_version=1,
        body_zh="到出入境管理部门办理。",
    )
    assert first.version == 2 and "出入境" in first.search_text
    with pytest.raises(EditConflict) as caught:
        services.answer_update(
            actor=cast.city_admin, answer=answer, expected_version=1, body_zh="另一个版本"
        )
    # The message names what the other save changed; nothing of the second save is written.
    assert "body_zh" in caught.value.changed
    answer.refresh_from_db()
    assert answer.body_zh == "到出入境管理部门办理。" and answer.version == 2


def test_an_answer_whose_author_account_is_gone_can_still_be_edited(cast):
    answer = _answer(cast, cast.district_a, "护照换发")
    Answer.objects.filter(pk=answer.pk).update(created_by=None)
    answer.refresh_from_db()
    services.answer_update(
        actor=cast.district_manager,
        answer=answer,
        expected_version=answer.version,
        title_zh="护照换领",
    )
    answer.refresh_from_db()
    assert (answer.title_zh, answer.created_by, answer.version) == ("护照换领", None, 2)


def test_a_volunteer_cannot_write_answers(cast):
    answer = _answer(cast, cast.district_a, "回国定居办理")
    with pytest.raises(PermissionDenied):
        services.answer_update(actor=cast.volunteer, answer=answer, body_zh="改写")
    with pytest.raises(PermissionDenied):
        services.answer_create(
            actor=cast.volunteer,
            unit=cast.district_a,
            category="policy",
            title_zh="x",
            body_zh="y",
        )


def test_delete_is_audited_and_refused_to_the_sibling(cast):
    answer = _answer(cast, cast.district_a, "回国定居办理")
    with pytest.raises(PermissionDenied):
        services.answer_delete(actor=cast.sibling_manager, answer=answer)
    services.answer_delete(actor=cast.district_manager, answer=answer)
    assert not Answer.objects.filter(pk=answer.pk).exists()
    assert AuditEvent.objects.filter(action="answer.delete").count() == 1


# --- suggestions --------------------------------------------------------------------------


def test_it_ranks_answers_by_overlap_with_chinese_case_text(cast):
    unit = cast.district_a
    school = _answer(
        cast, unit, "华侨子女回国入学政策", "华侨子女回国就读义务教育，按户籍地就近入学。"
    )
    hukou = _answer(
        cast, unit, "华侨回国落户办理", "华侨回国定居，可申请恢复户口。", keywords="落户 户口"
    )
    _answer(cast, unit, "海外法律援助", "在意大利遇到劳务纠纷，可以联系当地律师。")
    found = services.suggest(cast.district_manager, "我想咨询孩子回国入学的政策，户籍在宁波")
    assert found[0] == school
    found = services.suggest(cast.district_manager, "父亲回国定居，想办理落户，户口怎么恢复？")
    assert found[0] == hukou
    assert all(a.title_zh != "海外法律援助" for a in found)


def test_title_and_keyword_matches_outrank_body_matches(cast):
    unit = cast.district_a
    body_only = _answer(cast, unit, "其他事项", "关于签证延期的一般说明")
    titled = _answer(cast, unit, "签证延期怎么办", "请带护照前往。")
    found = services.suggest(cast.district_manager, "签证延期")
    assert found[:2] == [titled, body_only]


def test_english_text_matches_english_answers(cast):
    answer = services.answer_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        category="legal",
        status=AnswerStatus.PUBLIC,
        title_zh="海外劳务纠纷",
        title_en="Labour disputes abroad",
        body_zh="联系当地律师。",
        body_en="Contact a local lawyer and keep your contract.",
    )
    assert services.suggest(cast.district_manager, "my employer broke the contract, lawyer?") == [
        answer
    ]


def test_it_never_suggests_drafts_nor_a_sibling_units_answers(cast):
    _answer(cast, cast.district_a, "护照换发草稿", status=AnswerStatus.DRAFT)
    _answer(cast, cast.district_b, "护照换发乙区")
    assert services.suggest(cast.district_manager, "护照换发") == []
    # The sibling's own manager does get theirs: the check can fail.
    assert [a.title_zh for a in services.suggest(cast.sibling_manager, "护照换发")] == [
        "护照换发乙区"
    ]


def test_the_city_faq_serves_every_district_but_not_its_drafts(cast):
    city = _answer(cast, cast.city, "全市护照换发指南")
    _answer(cast, cast.city, "全市护照草稿", status=AnswerStatus.DRAFT)
    found = services.suggest(cast.district_manager, "护照换发")
    assert found == [city]
    assert city in services.visible_answers(cast.district_manager)
    # No portal user reads the staff's knowledge base.
    assert not services.visible_answers(cast.portal_user).exists()


def test_volunteers_see_internal_and_public_answers_but_no_drafts(cast):
    internal = _answer(cast, cast.district_a, "内部口径", status=AnswerStatus.INTERNAL)
    draft = _answer(cast, cast.district_a, "内部草稿", status=AnswerStatus.DRAFT)
    visible = set(services.visible_answers(cast.volunteer))
    assert internal in visible and draft not in visible


def test_suggest_limits_and_ignores_empty_text(cast):
    for n in range(8):
        _answer(cast, cast.district_a, f"侨房政策问答{n}")
    assert len(services.suggest(cast.district_manager, "侨房政策")) == 5
    assert len(services.suggest(cast.district_manager, "侨房政策", limit=2)) == 2
    assert services.suggest(cast.district_manager, "   ") == []


# --- from a resolved case -----------------------------------------------------------------


def test_it_makes_a_draft_from_a_resolved_case_with_its_last_reply(cast):
    case = CaseFactory(
        unit=cast.district_a,
        category="policy",
        subject="侨眷申领养老补贴",
        description="来电询问侨眷养老补贴的申领条件。",
    )
    cases.add_event(case, EventKind.REPLY, cast.district_manager, text="旧答复", internal=False)
    cases.add_event(
        case, EventKind.REPLY, cast.district_manager, text="年满60周岁可申领。", internal=False
    )
    case.status = Status.RESOLVED
    case.save()
    answer = services.answer_from_case(actor=cast.district_manager, case=case)
    assert answer.status == AnswerStatus.DRAFT and answer.source_case == case
    assert answer.title_zh == "侨眷申领养老补贴" and answer.category == "policy"
    assert "申领条件" in answer.body_zh and "年满60周岁可申领。" in answer.body_zh
    assert "旧答复" not in answer.body_zh
    assert CaseEvent.objects.filter(case=case, data__answer=str(answer.public_id)).exists()


def test_it_refuses_an_open_case_and_a_sibling_case(cast):
    with pytest.raises(ValidationError, match="resolved"):
        services.answer_from_case(
            actor=cast.district_manager, case=CaseFactory(unit=cast.district_a)
        )
    sibling = CaseFactory(unit=cast.district_b, status=Status.RESOLVED)
    with pytest.raises(PermissionDenied):
        services.answer_from_case(actor=cast.district_manager, case=sibling)
