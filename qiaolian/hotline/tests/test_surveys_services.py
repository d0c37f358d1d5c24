"""Satisfaction surveys: sending on resolution (hashed token, e-mail queued when the requester
has an address), answering once before expiry, and the CSAT figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.hotline.models import CaseEvent, EventKind, Status, Survey
from qiaolian.hotline.selectors.surveys import csat
from qiaolian.hotline.services import cases
from qiaolian.hotline.services import surveys as services
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory
from qiaolian.hotline.tests.support_tomb import survey_for

TOKEN = "tok-" + "x" * 40


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_sending_stores_only_the_hash_and_queues_the_email(
    cast, django_capture_on_commit_callbacks
):
    person = PersonFactory(unit=cast.district_a, emails=["chen@example.com"])
    case = CaseFactory(unit=cast.district_a, requester=person, status=Status.RESOLVED)
    with django_capture_on_commit_callbacks(execute=True):
        token = services.survey_send(case)
    survey = Survey.objects.get(case=case)
    assert survey.token_hash == services.hash_token(token) and token not in survey.token_hash
    assert timedelta(days=13, hours=23) < survey.expires_at - timezone.now() <= timedelta(days=14)
    # Queued, not sent inside the request; a worker sends it.
    assert mail.outbox == []
    run_queued_tasks()
    [message] = mail.outbox
    assert message.to == ["chen@example.com"] and f"/hotline/feedback/{token}/" in message.body
    assert CaseEvent.objects.get(case=case, kind=EventKind.SURVEY).data["email"] is True


def test_without_an_email_the_timeline_asks_staff_to_send_the_link(cast):
    case = CaseFactory(unit=cast.district_a, status=Status.RESOLVED)
    services.survey_send(case)
    event = CaseEvent.objects.get(case=case, kind=EventKind.SURVEY)
    assert "WeChat" in event.text


def test_a_case_resolved_again_is_not_surveyed_twice(cast):
    case = CaseFactory(unit=cast.district_a, status=Status.RESOLVED)
    assert services.survey_send(case)
    assert services.survey_send(case) is None
    assert Survey.objects.filter(case=case).count() == 1


def test_resolving_a_case_sends_the_survey(cast, django_capture_on_commit_callbacks):
    case = CaseFactory(unit=cast.district_a, status=Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_change_status(
            actor=cast.district_manager, case=case, status=Status.RESOLVED, note="已答复来电人"
        )
    assert Survey.objects.filter(case=case).exists()


def test_an_answer_is_recorded_once(cast):
    survey = survey_for(CaseFactory(unit=cast.district_a), token=TOKEN)
    services.survey_answer(TOKEN, 5, "  非常感谢！ ")
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (5, "非常感谢！") and survey.answered_at
    with pytest.raises(services.SurveyClosed) as caught:
        services.survey_answer(TOKEN, 1, "改主意了")
    assert caught.value.reason == "answered"
    survey.refresh_from_db()
    assert survey.rating == 5
    assert CaseEvent.objects.filter(case=survey.case, kind=EventKind.SURVEY).count() == 1


def test_an_expired_survey_cannot_be_answered(cast):
    survey_for(
        CaseFactory(unit=cast.district_a),
        token=TOKEN,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    with pytest.raises(services.SurveyClosed) as caught:
        services.survey_answer(TOKEN, 4)
    assert caught.value.reason == "expired"


@pytest.mark.parametrize("rating", [0, 6, "five", None])
def test_a_rating_outside_1_to_5_is_refused(cast, rating):
    survey = survey_for(CaseFactory(unit=cast.district_a), token=TOKEN)
    with pytest.raises(ValidationError):
        services.survey_answer(TOKEN, rating)
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_unknown_token_is_no_survey(cast):
    with pytest.raises(Survey.DoesNotExist):
        services.survey_answer("nope", 5)


def test_a_new_link_replaces_the_old_one(cast):
    survey = survey_for(CaseFactory(unit=cast.district_a), token=TOKEN)
    token = services.survey_new_link(actor=cast.district_manager, survey=survey)
    assert services.survey_for_token(TOKEN) is None
    assert services.survey_for_token(token) == survey


# --- CSAT ---------------------------------------------------------------------------------


def _answered(case, rating, days_ago=1):
    at = timezone.now() - timedelta(days=days_ago)
    return survey_for(
        case,
        token=f"t-{case.pk}",
        rating=rating,
        answered_at=at,
        sent_at=at - timedelta(days=1),
    )


def test_csat_is_the_share_of_4_and_5_with_the_mean_by_category(cast):
    for rating in (5, 4, 3, 1):
        _answered(CaseFactory(unit=cast.district_a, category="policy"), rating)
    _answered(CaseFactory(unit=cast.district_a, category="legal"), 5)
    _answered(CaseFactory(unit=cast.district_b, category="policy"), 1)  # not district A's
    _answered(CaseFactory(unit=cast.district_a, category="legal"), 1, days_ago=400)  # too old
    today = timezone.localdate()
    report = csat(cast.district_manager, today - timedelta(days=30), today, by="category")
    rows = {row.key: row for row in report.rows}
    assert (rows["policy"].answered, rows["policy"].satisfied) == (4, 2)
    assert rows["policy"].csat == 50.0 and rows["policy"].mean == 3.25
    assert rows["legal"].csat == 100.0 and rows["legal"].label == "Legal rights"
    assert (report.total.answered, report.total.csat, report.total.mean) == (5, 60.0, 3.6)


def test_csat_by_unit_and_by_assignee(cast):
    _answered(CaseFactory(unit=cast.district_a, assignee=cast.township_worker), 5)
    _answered(CaseFactory(unit=cast.township_a1, assignee=cast.township_worker), 2)
    _answered(CaseFactory(unit=cast.township_a1), 4)
    today = timezone.localdate()
    start = today - timedelta(days=7)
    by_unit = {r.label: r for r in csat(cast.district_manager, start, today, by="unit").rows}
    assert by_unit["District A"].answered == 1 and by_unit["Township A1"].answered == 2
    by_person = {r.label: r for r in csat(cast.district_manager, start, today, by="assignee").rows}
    assert by_person["township_worker"].csat == 50.0 and by_person["Unassigned"].csat == 100.0


def test_csat_keeps_to_the_users_scope_and_counts_the_sent(cast):
    _answered(CaseFactory(unit=cast.district_a), 5)
    survey_for(CaseFactory(unit=cast.district_a), token="unanswered")
    today = timezone.localdate()
    report = csat(cast.township_worker, date(2000, 1, 1), today)
    assert report.total.answered == 0  # district A's own cases are above the township
    report = csat(cast.district_manager, today - timedelta(days=7), today)
    assert report.sent == 2 and report.response_rate == 50.0
    with pytest.raises(ValueError):
        csat(cast.district_manager, today, today, by="weather")


def test_the_response_rate_counts_the_surveys_sent_in_the_period_only(cast):
    # Sent long before the period and answered in it: a rating of the period, but not a
    # response to a survey of the period (the rate stayed above 100 % otherwise).
    old = survey_for(CaseFactory(unit=cast.district_a), token="old")
    Survey.objects.filter(pk=old.pk).update(
        sent_at=timezone.now() - timedelta(days=60), rating=5, answered_at=timezone.now()
    )
    survey_for(CaseFactory(unit=cast.district_a), token="recent-unanswered")
    today = timezone.localdate()
    report = csat(cast.district_manager, today - timedelta(days=7), today)
    assert report.total.answered == 1
    assert (report.sent, report.sent_answered, report.response_rate) == (1, 0, 0.0)
