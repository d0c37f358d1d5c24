"""Knowledge-base pages: list and search, detail, edit with a conflict, the suggestions
fragment the new-case form calls, and the case page's panel."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from qiaolian.hotline.models import Answer, AnswerStatus, Status
from qiaolian.hotline.services import answers as services
from qiaolian.hotline.tests.factories import CaseFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _answer(cast, unit, title, status=AnswerStatus.PUBLIC, body=""):
    return services.answer_create(
        actor=cast.city_admin,
        unit=unit,
        category="policy",
        status=status,
        title_zh=title,
        body_zh=body or title,
    )


def test_the_list_searches_by_chinese_text(client, cast):
    _answer(cast, cast.district_a, "华侨回国落户办理")
    _answer(cast, cast.district_a, "海外法律援助")
    client.force_login(cast.district_manager)
    page = client.get(reverse("hotline:answer_list"), {"q": "落户"}).content.decode()
    assert "华侨回国落户办理" in page and "海外法律援助" not in page


def test_create_and_detail(client, cast):
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:answer_create"),
        {
            "unit": cast.district_a.pk,
            "category": "policy",
            "status": "internal",
            "title_zh": "侨房政策",
            "body_zh": "依法保护侨房。",
            "title_en": "Overseas Chinese housing",
        },
    )
    answer = Answer.objects.get()
    assert response.status_code == 302 and answer.status == "internal"
    page = client.get(reverse("hotline:answer_detail", args=[answer.public_id])).content.decode()
    assert "依法保护侨房。" in page and "Overseas Chinese housing" in page


def test_an_edit_from_a_stale_form_shows_the_conflict(client, cast):
    answer = _answer(cast, cast.district_a, "侨房政策")
    services.answer_update(actor=cast.city_admin, answer=answer, body_zh="别人先改了")
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:answer_edit", args=[answer.public_id]),
        {
            "unit": cast.district_a.pk,
            "category": "policy",
            "status": "public",
            "title_zh": "侨房政策",
            "body_zh": "我的修改",
            "version": "1",
        },
        **EN,
    )
    assert response.status_code == 400
    assert "Someone else saved this record" in response.content.decode()
    answer.refresh_from_db()
    assert answer.body_zh == "别人先改了"


def _edit_data(cast, **extra):
    return {
        "unit": cast.district_a.pk,
        "category": "policy",
        "status": "public",
        "title_zh": "侨房政策",
        "body_zh": "我的修改",
        **extra,
    }


@pytest.mark.parametrize("version", [None, "", "abc", "0"])
def test_an_edit_without_a_usable_version_is_refused_with_a_clear_message(client, cast, version):
    # Without the version the save could not be checked against a newer one: it is refused,
    # not saved unchecked.
    answer = _answer(cast, cast.district_a, "侨房政策")
    client.force_login(cast.district_manager)
    data = _edit_data(cast) if version is None else _edit_data(cast, version=version)
    response = client.post(reverse("hotline:answer_edit", args=[answer.public_id]), data, **EN)
    assert response.status_code == 400
    assert "does not say which version of the answer it edits" in response.content.decode()
    answer.refresh_from_db()
    assert answer.body_zh == "侨房政策" and answer.version == 1


def test_an_edit_carrying_the_current_version_is_saved_and_bumps_it(client, cast):
    answer = _answer(cast, cast.district_a, "侨房政策")
    client.force_login(cast.district_manager)
    form = client.get(reverse("hotline:answer_edit", args=[answer.public_id]), **EN)
    assert 'name="version" value="1"' in form.content.decode()  # the form carries it
    response = client.post(
        reverse("hotline:answer_edit", args=[answer.public_id]),
        _edit_data(cast, version="1"),
        **EN,
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.body_zh == "我的修改" and answer.version == 2


def test_the_new_answer_form_needs_no_version(client, cast):
    client.force_login(cast.district_manager)
    response = client.post(reverse("hotline:answer_create"), _edit_data(cast), **EN)
    assert response.status_code == 302 and Answer.objects.get().version == 1


def test_the_suggest_fragment_reads_the_new_case_forms_fields(client, cast):
    _answer(cast, cast.district_a, "华侨子女回国入学政策")
    client.force_login(cast.district_manager)
    response = client.get(
        reverse("hotline:answer_suggest"),
        {"subject": "孩子回国入学", "description": "想了解入学政策", "category": "policy"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "华侨子女回国入学政策" in page
    assert "<html" not in page  # a fragment for hx-get
    empty = client.get(reverse("hotline:answer_suggest"), {"text": "完全无关的话题"}, **EN)
    assert "No matching answer" in empty.content.decode()


def test_it_never_suggests_a_sibling_units_answer(client, cast):
    marker = "乙区护照换发指南"
    _answer(cast, cast.district_b, marker)
    url = reverse("hotline:answer_suggest")
    client.force_login(cast.sibling_manager)
    assert marker in client.get(url, {"text": "护照换发"}).content.decode()
    client.force_login(cast.district_manager)
    assert marker not in client.get(url, {"text": "护照换发"}).content.decode()


def test_the_volunteer_gets_no_drafts_in_the_list(client, cast):
    _answer(cast, cast.district_a, "内部口径答复", status=AnswerStatus.INTERNAL)
    _answer(cast, cast.district_a, "尚未审定草稿", status=AnswerStatus.DRAFT)
    client.force_login(cast.volunteer)
    page = client.get(reverse("hotline:answer_list")).content.decode()
    assert "内部口径答复" in page and "尚未审定草稿" not in page


def test_the_case_panel_suggests_answers_and_offers_make_an_answer_when_resolved(client, cast):
    _answer(cast, cast.district_a, "华侨回国落户办理")
    case = CaseFactory(unit=cast.district_a, subject="咨询回国落户", description="父亲想回国落户。")
    client.force_login(cast.district_manager)
    url = reverse("hotline:case_detail", args=[case.public_id])
    page = client.get(url).content.decode()
    assert 'id="panel-answers"' in page and "华侨回国落户办理" in page
    assert 'id="answer-from-case"' not in page
    case.status = Status.RESOLVED
    case.save()
    page = client.get(url).content.decode()
    assert 'id="answer-from-case"' in page
    response = client.post(reverse("hotline:answer_from_case", args=[case.public_id]))
    draft = Answer.objects.get(source_case=case)
    assert response["Location"] == reverse("hotline:answer_edit", args=[draft.public_id])
    assert draft.status == AnswerStatus.DRAFT and draft.title_zh == "咨询回国落户"
