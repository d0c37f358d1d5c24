"""The requester's survey page: no login, bilingual, answered once, refused once expired; and
the staff's CSAT page and case-page panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.hotline.models import Status, Survey
from qiaolian.hotline.tests.factories import CaseFactory
from qiaolian.hotline.tests.support_tomb import survey_for

TOKEN = "tok-" + "y" * 40


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _url(token=TOKEN):
    return reverse("hotline:survey_answer", args=[token])


def test_the_page_is_bilingual_and_needs_no_login(cast):
    survey_for(CaseFactory(unit=cast.district_a, number="RX-2026-000042"), token=TOKEN)
    response = Client().get(_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "满意度回访" in page and "How did we do?" in page and "RX-2026-000042" in page
    assert response["Referrer-Policy"] == "same-origin"


def test_a_wrong_token_is_a_404(cast):
    survey_for(CaseFactory(unit=cast.district_a), token=TOKEN)
    assert Client().get(_url("wrong")).status_code == 404
    assert Client().post(_url("wrong"), {"rating": "5"}).status_code == 404


def test_an_answer_is_taken_once_and_the_second_is_refused(cast):
    survey = survey_for(CaseFactory(unit=cast.district_a), token=TOKEN)
    client = Client()
    response = client.post(_url(), {"rating": "5", "comment": "很及时，谢谢！"})
    assert response.status_code == 200 and "谢谢您的评价" in response.content.decode()
    survey.refresh_from_db()
    assert survey.rating == 5 and survey.comment == "很及时，谢谢！"
    second = client.post(_url(), {"rating": "1", "comment": "改"})
    assert second.status_code == 410 and "already answered" in second.content.decode()
    survey.refresh_from_db()
    assert survey.rating == 5
    assert client.get(_url()).status_code == 410


def test_an_expired_link_is_refused(cast):
    survey_for(
        CaseFactory(unit=cast.district_a),
        token=TOKEN,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    response = Client().post(_url(), {"rating": "4"})
    assert response.status_code == 410 and "链接已过期" in response.content.decode()
    assert not Survey.objects.filter(rating__isnull=False).exists()


def test_a_missing_rating_is_explained_in_both_languages(cast):
    survey_for(CaseFactory(unit=cast.district_a), token=TOKEN)
    response = Client().post(_url(), {"comment": "没选星"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请选择 1 到 5 颗星" in page and "Choose a rating from 1 to 5" in page


def test_the_csat_page_shows_the_rating_and_comment(client, cast):
    case = CaseFactory(unit=cast.district_a, assignee=cast.township_worker, category="legal")
    survey_for(case, token=TOKEN)
    Client().post(_url(), {"rating": "5", "comment": "律师解答很专业"})
    client.force_login(cast.district_manager)
    page = client.get(reverse("hotline:csat_report"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "律师解答很专业" in page and 'id="csat-total">100.0%' in page
    assert "Legal rights" in page and "township_worker" in page


def test_the_case_panel_makes_a_link_for_wechat_shown_once(client, cast):
    case = CaseFactory(unit=cast.district_a, status=Status.RESOLVED)
    client.force_login(cast.district_manager)
    detail = reverse("hotline:case_detail", args=[case.public_id])
    page = client.get(detail).content.decode()
    assert 'id="panel-survey"' in page and "survey-link-create" in page
    response = client.post(reverse("hotline:survey_link", args=[case.public_id]), {"next": detail})
    assert response["Location"] == detail
    page = client.get(detail).content.decode()
    assert 'id="survey-link"' in page and "/hotline/feedback/" in page
    again = client.get(detail).content.decode()
    assert 'id="survey-link"' not in again
    assert Survey.objects.filter(case=case).count() == 1


def test_an_outside_next_address_is_not_followed(client, cast):
    case = CaseFactory(unit=cast.district_a, status=Status.RESOLVED)
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:survey_link", args=[case.public_id]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("hotline:case_detail", args=[case.public_id])
