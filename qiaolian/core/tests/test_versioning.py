"""Optimistic locking, once for every app (core.versioning): the lock and the conflict it
raises, the conflict page every edit page shares, and the API's 409, ETag and If-Match."""

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from qiaolian.core.models import AuditEvent
from qiaolian.core.services import api_token_create
from qiaolian.core.testing.scoped import response_text
from qiaolian.core.versioning import (
    EditConflict,
    VersionedModel,
    etag,
    field_label,
    if_match_version,
    lock_for_update,
)
from qiaolian.hotline.models import Answer, Case
from qiaolian.hotline.services import answers as answer_services
from qiaolian.hotline.services import cases as case_services
from qiaolian.hotline.tests.factories import AnswerFactory, CaseFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _answer(cast, **fields):
    fields.setdefault("title_zh", "侨房政策")
    return AnswerFactory(unit=cast.district_a, **fields)


# --- the model mixin ----------------------------------------------------------------------


def test_every_model_with_a_version_column_takes_it_from_the_one_mixin():
    # A second hand-written `version` would be a second locking scheme to keep in step.
    with_version = {
        model._meta.label
        for model in apps.get_models()
        if any(f.name == "version" for f in model._meta.concrete_fields)
    }
    versioned = {m._meta.label for m in apps.get_models() if issubclass(m, VersionedModel)}
    assert with_version == versioned
    assert {
        "people.Person",
        "hotline.Case",
        "hotline.Call",
        "hotline.Answer",
        "hotline.TombSweepingOrder",
    } <= versioned
    field = Answer._meta.get_field("version")
    assert (field.default, field.editable) == (1, False)


def test_a_field_label_is_the_verbose_name_or_the_name_itself():
    assert field_label(Case, "subject") == str(Case._meta.get_field("subject").verbose_name)
    assert field_label(Case, "no_such_field") == "no_such_field"


# --- the lock -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_version_raises_naming_the_fields_that_differ_and_nothing_is_saved(cast):
    answer = _answer(cast)
    answer_services.answer_update(actor=cast.city_admin, answer=answer, title_zh="侨房政策（新）")
    with pytest.raises(EditConflict) as caught:
        answer_services.answer_update(
            actor=cast.district_manager,
            answer=answer,
            expected_version=1,
            title_zh="侨房政策",  # the stale copy of the title, as the old form holds it
            body_zh="我的答复",
        )
    conflict = caught.value
    assert set(conflict.fields) == {"title_zh", "body_zh"}
    assert conflict.fields["title_zh"] == field_label(Answer, "title_zh")
    assert conflict.current_version == 2 and conflict.obj.pk == answer.pk
    # Who saved since is named from the audit trail, and the message says it.
    assert conflict.changed_by == ["city_admin"]
    assert "city_admin" in conflict.messages[0]
    assert conflict.code == "conflict" and isinstance(conflict, ValidationError)
    answer.refresh_from_db()
    assert (answer.title_zh, answer.body_zh, answer.version) == (
        "侨房政策（新）",
        AnswerFactory.body_zh,
        2,
    )
    assert AuditEvent.objects.filter(action="answer.update").count() == 1


@pytest.mark.django_db
def test_without_an_expected_version_the_last_write_wins(cast):
    answer = _answer(cast)
    answer_services.answer_update(actor=cast.city_admin, answer=answer, title_zh="甲")
    saved = answer_services.answer_update(actor=cast.district_manager, answer=answer, title_zh="乙")
    assert (saved.title_zh, saved.version) == ("乙", 3)


@pytest.mark.django_db
def test_a_model_with_a_history_names_what_was_saved_since_and_by_whom(cast):
    case = CaseFactory(unit=cast.district_a)
    case_services.case_update(
        actor=cast.city_admin, case=case, expected_version=1, description="已回访"
    )
    with pytest.raises(EditConflict) as caught:
        case_services.case_update(
            actor=cast.district_manager, case=case, expected_version=1, subject="我的主题"
        )
    # The case's timeline tells what the other save changed (not what this one would).
    assert set(caught.value.changed) == {"description"}
    assert caught.value.changed["description"][1] == "已回访"
    assert caught.value.changed_by == ["city_admin"]


@pytest.mark.django_db
def test_the_lock_holds_the_row_and_a_version_saved_by_nobody_is_still_a_conflict(cast):
    answer = _answer(cast)
    Answer.objects.filter(pk=answer.pk).update(version=5)  # e.g. a bulk write: no audit row
    with transaction.atomic(), pytest.raises(EditConflict) as caught:
        lock_for_update(answer, expected_version=4)
    # Nothing differs that could be named: the version itself is what changed.
    assert caught.value.changed == {"version": [4, 5]} and caught.value.changed_by == []
    with transaction.atomic():
        assert lock_for_update(answer, expected_version=5).version == 5


# --- HTTP helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "sent", "expected"),
    [
        (None, None, None),
        (None, 3, 3),
        ('"4"', None, 4),
        ('W/"4"', None, 4),
        ("4", 4, 4),
        ("*", 7, 7),
    ],
)
def test_if_match_names_the_expected_version(header, sent, expected):
    extra = {"HTTP_IF_MATCH": header} if header is not None else {}
    request = RequestFactory().patch("/", **extra)
    assert if_match_version(request, sent) == expected


@pytest.mark.parametrize(("header", "sent"), [('"x"', None), ('"4"', 3)])
def test_a_malformed_or_contradicting_if_match_is_refused(header, sent):
    request = RequestFactory().patch("/", HTTP_IF_MATCH=header)
    with pytest.raises(ValidationError):
        if_match_version(request, sent)


def test_an_etag_is_the_quoted_version():
    assert etag(12) == '"12"'


# --- the API ------------------------------------------------------------------------------


def _api(client, cast, method, url, body=None, **headers):
    secret = api_token_create(actor=cast.district_manager, name="tests")[1]
    extra = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    if method == "GET":
        return client.get(url, **extra)
    return client.generic(
        method, url, json.dumps(body or {}), content_type="application/json", **extra
    )


@pytest.mark.django_db
def test_a_detail_and_an_update_carry_the_version_as_etag(client, cast):
    answer = _answer(cast)
    url = reverse("api:answer_edit", kwargs={"answer_id": answer.public_id})
    detail = _api(client, cast, "GET", reverse("api:answer_detail", args=[answer.public_id]))
    assert detail.status_code == 200 and detail["ETag"] == '"1"'
    saved = _api(client, cast, "PATCH", url, {"keywords": "侨房"}, if_match='"1"')
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] == '"2"' and saved.json()["version"] == 2
    # A list is not one record: no ETag.
    listing = _api(client, cast, "GET", reverse("api:answer_list"))
    assert listing.status_code == 200 and not listing.has_header("ETag")


@pytest.mark.django_db
def test_a_stale_if_match_is_409_with_the_current_version_and_nothing_is_saved(client, cast):
    answer = _answer(cast)
    answer_services.answer_update(actor=cast.city_admin, answer=answer, title_zh="新标题")
    url = reverse("api:answer_edit", kwargs={"answer_id": answer.public_id})
    response = _api(client, cast, "PATCH", url, {"title_zh": "我的标题"}, if_match='"1"')
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and error["current_version"] == 2
    assert set(error["fields"]) == {"title_zh"} and error["message"]
    assert response["ETag"] == '"2"'
    answer.refresh_from_db()
    assert (answer.title_zh, answer.version) == ("新标题", 2)
    # Sent again with the version just learnt, the change goes through.
    again = _api(client, cast, "PATCH", url, {"title_zh": "我的标题"}, if_match=response["ETag"])
    assert again.status_code == 200 and again.json()["title_zh"] == "我的标题"


@pytest.mark.django_db
def test_the_body_version_still_works_and_must_agree_with_if_match(client, cast):
    answer = _answer(cast)
    url = reverse("api:answer_edit", kwargs={"answer_id": answer.public_id})
    stale = _api(client, cast, "PATCH", url, {"keywords": "x", "version": 9})
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 1
    disagree = _api(client, cast, "PATCH", url, {"keywords": "x", "version": 1}, if_match='"2"')
    assert disagree.status_code == 422
    assert Answer.objects.get(pk=answer.pk).version == 1


@pytest.mark.django_db
@pytest.mark.parametrize("app", ["people", "case", "tomb"])
def test_every_versioned_update_of_the_api_takes_if_match(client, cast, app):
    from qiaolian.hotline.tests.factories import TombOrderFactory
    from qiaolian.people.tests.factories import PersonFactory

    if app == "people":
        obj = PersonFactory(unit=cast.district_a)
        url = reverse("api:person_update", kwargs={"person_id": obj.public_id})
        detail = reverse("api:person_detail", kwargs={"person_id": obj.public_id})
        change = {"city": "Roma"}
    elif app == "case":
        obj = CaseFactory(unit=cast.district_a)
        url = reverse("api:case_edit", kwargs={"case_id": obj.public_id})
        detail = reverse("api:case_detail", kwargs={"case_id": obj.public_id})
        change = {"subject": "新主题"}
    else:
        obj = TombOrderFactory(case=CaseFactory(unit=cast.district_a, category="tomb_sweeping"))
        url = reverse("api:tomb_edit", kwargs={"order_id": obj.public_id})
        detail = reverse("api:tomb_detail", kwargs={"order_id": obj.public_id})
        change = {"cemetery": "北山公墓"}
    read = _api(client, cast, "GET", detail)
    assert read.status_code == 200 and read["ETag"] == f'"{obj.version}"'
    stale = _api(client, cast, "PATCH", url, change, if_match=f'"{obj.version + 1}"')
    assert stale.status_code == 409, stale.content
    assert stale.json()["error"]["current_version"] == obj.version
    saved = _api(client, cast, "PATCH", url, change, if_match=read["ETag"])
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] == f'"{obj.version + 1}"'


# --- the conflict page --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_edit_page_shows_the_include_with_theirs_and_mine_and_moves_on(client, cast):
    answer = _answer(cast)
    answer_services.answer_update(actor=cast.city_admin, answer=answer, body_zh="别人先改了")
    client.force_login(cast.district_manager)
    url = reverse("hotline:answer_edit", args=[answer.public_id])
    data = {
        "unit": cast.district_a.pk,
        "category": "policy",
        "status": "public",
        "title_zh": "侨房政策",
        "body_zh": "我的修改",
        "version": "1",
    }
    response = client.post(url, data, **EN)
    text = response_text(response)
    assert response.status_code == 400
    assert "Someone else saved this record while you were editing it" in text
    assert "Your text is kept in the form below" in text
    rows = {row["field"]: row for row in response.context["conflict"]}
    assert rows["body_zh"]["theirs"] == "别人先改了" and rows["body_zh"]["mine"] == "我的修改"
    form = response.context["form"]
    assert form.data["body_zh"] == "我的修改" and form.data["version"] == "2"
    # Saving the kept text again is a deliberate overwrite: it goes through.
    assert client.post(url, form.data).status_code == 302
    answer.refresh_from_db()
    assert (answer.body_zh, answer.version) == ("我的修改", 3)


@pytest.mark.django_db
def test_the_include_renders_in_chinese(client, cast):
    answer = _answer(cast)
    answer_services.answer_update(actor=cast.city_admin, answer=answer, title_zh="别人的标题")
    client.force_login(cast.district_manager)
    data = {
        "unit": cast.district_a.pk,
        "category": "policy",
        "status": "public",
        "title_zh": "我的标题",
        "body_zh": "我的修改",
        "version": "1",
    }
    response = client.post(reverse("hotline:answer_edit", args=[answer.public_id]), data)
    text = response_text(response)
    assert "此记录已被他人保存" in text and "您填写的内容保留在下方表单中" in text
    assert 'id="edit-conflict"' in response.content.decode()
