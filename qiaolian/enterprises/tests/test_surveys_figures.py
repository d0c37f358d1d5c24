"""Resumption surveys (rates from answers, answers refused after the round closed, a difficulty
raised as an appeal in one step) and the registered figures (recount, sibling left out)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qiaolian.core.figures import Period, compute_figures
from qiaolian.enterprises import selectors, services
from qiaolian.enterprises.models import Appeal, Enterprise, LiaisonAssignment
from qiaolian.enterprises.tests.factories import (
    AnswerFactory,
    AppealFactory,
    AssignmentFactory,
    DepartmentFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db


def test_the_officer_answers_and_the_rate_is_computed(cast, officer, firms):
    mine, other, sibling = firms
    survey = RoundFactory(unit=cast.city)
    services.answer_record(
        actor=officer, round=survey, enterprise=mine, status="partly", staff_back=60, capacity=50
    )
    AnswerFactory(round=survey, enterprise=other, status="not", staff_back=0, capacity=0)
    AnswerFactory(round=survey, enterprise=sibling, status="resumed")
    rows = selectors.resumption_rates(
        selectors.answers_of(user=cast.district_manager, round=survey)
    )
    assert (rows[0]["total"], rows[0]["resumed"], rows[0]["rate"]) == (2, 1, Decimal("0.5000"))
    city = selectors.resumption_rates(selectors.answers_of(user=cast.city_admin, round=survey))
    assert city[0]["rate"] == Decimal("0.6667")
    by_district = selectors.resumption_rates(
        selectors.answers_of(user=cast.city_admin, round=survey), "enterprise__district"
    )
    assert [row["total"] for row in by_district] == [3]


def test_an_answer_after_the_round_closed_is_refused(cast, officer, firms):
    survey = RoundFactory(
        unit=cast.city,
        opens_on=timezone.localdate() - timedelta(days=9),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="closed on"):
        services.answer_record(
            actor=officer,
            round=survey,
            enterprise=firms[0],
            status="resumed",
            staff_back=1,
            capacity=1,
        )


def test_a_difficulty_becomes_an_appeal_in_one_step(cast, officer, firms):
    survey = RoundFactory(unit=cast.city)
    answer = services.answer_record(
        actor=officer,
        round=survey,
        enterprise=firms[0],
        status="partly",
        staff_back=50,
        capacity=40,
        difficulties="口罩短缺\n需要 5000 只",
    )
    appeal = services.difficulty_to_appeal(actor=officer, answer=answer, category="supplies")
    assert (appeal.title, appeal.enterprise, appeal.category) == ("口罩短缺", firms[0], "supplies")
    with pytest.raises(ValidationError):
        services.difficulty_to_appeal(actor=officer, answer=answer, category="supplies")


def _period():
    today = timezone.localdate()
    return Period(today - timedelta(days=30), today)


def test_the_figures_equal_a_recount_and_leave_the_sibling_out(cast, officer, firms):
    mine, other, sibling = firms
    AssignmentFactory(enterprise=sibling, officer=cast.sibling_manager)
    DepartmentFactory(unit=cast.district_a)
    DepartmentFactory(unit=cast.district_b)
    now = timezone.now()
    AppealFactory(
        enterprise=mine, status="closed", closed_at=now, answered_at=now, due_on=now.date()
    )
    AppealFactory(enterprise=other)
    AppealFactory(enterprise=sibling, status="closed", closed_at=now)
    survey = RoundFactory(unit=cast.district_a)
    AnswerFactory(round=survey, enterprise=mine, status="resumed")
    AnswerFactory(round=survey, enterprise=other, status="not")
    figures = compute_figures(user=cast.district_manager, unit=cast.district_a, period=_period())
    a = Enterprise.objects.filter(unit=cast.district_a)
    assert figures["enterprises.enterprises"] == a.count() == 2
    assert figures["enterprises.key_enterprises"] == a.filter(is_key=True).count()
    current = LiaisonAssignment.objects.filter(enterprise__in=a)
    assert figures["enterprises.officers"] == current.values("officer").distinct().count() == 1
    assert figures["enterprises.enterprises_served"] == 1
    assert figures["enterprises.departments"] == 1
    assert figures["enterprises.appeals"] == Appeal.objects.filter(enterprise__in=a).count() == 2
    assert figures["enterprises.appeals_closed"] == 1
    assert figures["enterprises.appeals_on_time_rate"] == Decimal(1)
    assert figures["enterprises.resumption_rate"] == Decimal("0.5")
    city = compute_figures(user=cast.city_admin, unit=cast.city, period=_period())
    assert city["enterprises.enterprises"] == 3 and city["enterprises.appeals_closed"] == 2
