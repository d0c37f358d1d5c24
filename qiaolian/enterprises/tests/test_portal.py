"""The enterprise's own link: it raises appeals and answers the survey rounds open today."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiaolian.enterprises import services
from qiaolian.enterprises.models import Appeal, SurveyAnswer
from qiaolian.enterprises.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(cast, firms):
    token = services.portal_link_create(actor=cast.district_manager, enterprise=firms[0])
    return reverse("enterprises:portal", args=[token])


def test_the_enterprise_raises_an_appeal_through_its_link(portal, firms):
    public = Client()
    assert firms[0].name in public.get(portal).content.decode()
    response = public.post(
        portal,
        {
            "step": "appeal",
            "category": "logistics",
            "title": "原料滞港",
            "description": "请协调通关",
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.enterprise, appeal.raised_by, appeal.category) == (firms[0], None, "logistics")
    assert appeal.events.get().by_link == "enterprise"
    assert public.post(portal, {"step": "appeal", "category": "x", "title": "t"}).status_code == 400
    assert Appeal.objects.count() == 1


def test_the_enterprise_answers_an_open_round_only(cast, portal, firms):
    today = timezone.localdate()
    open_round = RoundFactory(unit=cast.city, title="本轮调查")
    closed = RoundFactory(
        unit=cast.city,
        title="上一轮调查",
        opens_on=today - timedelta(days=20),
        closes_on=today - timedelta(days=10),
    )
    public = Client()
    page = public.get(portal).content.decode()
    assert "本轮调查" in page and "上一轮调查" not in page
    answer = {"step": "answer", "status": "partly", "staff_back": "70", "capacity": "60"}
    assert public.post(portal, {**answer, "round": str(open_round.public_id)}).status_code == 302
    assert SurveyAnswer.objects.get().staff_back == 70
    assert public.post(portal, {**answer, "round": str(closed.public_id)}).status_code == 400
    assert (
        public.post(
            portal, {**answer, "capacity": "150", "round": str(open_round.public_id)}
        ).status_code
        == 400
    )
    assert SurveyAnswer.objects.get().capacity == 60


def test_an_officer_cannot_make_the_enterprises_link(client, officer, firms):
    client.force_login(officer)
    url = reverse("enterprises:portal_link", args=[firms[0].public_id])
    assert client.post(url).status_code == 403
