"""The "my work" panel of overdue appeals and the API's statistics."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.services import api_token_create
from qiaolian.enterprises.tests.factories import (
    AnswerFactory,
    AppealFactory,
    DepartmentFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db


def test_overdue_appeals_show_in_my_work_in_scope(client, cast, firms):
    mine, _other, sibling = firms
    late = timezone.localdate() - timedelta(days=2)
    own = AppealFactory(enterprise=mine, status="routed", due_on=late, title="甲区逾期诉求")
    AppealFactory(enterprise=sibling, status="routed", due_on=late, title="乙区逾期诉求")
    AppealFactory(enterprise=mine, status="routed", due_on=timezone.localdate(), title="未逾期")
    client.force_login(cast.district_manager)
    response = client.get(reverse("core:dashboard"))
    [panel] = [p for p in response.context["panels"] if p["key"] == "enterprises.overdue_appeals"]
    assert panel["work"].count == 1
    page = response.content.decode()
    assert own.number in page and "乙区逾期诉求" not in page
    listed = client.get(panel["work"].url).content.decode()
    assert own.title in listed and "未逾期" not in listed


def _auth(user):
    _token, secret = api_token_create(actor=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_gives_department_statistics_and_round_rates(client, cast, firms):
    mine, other, sibling = firms
    department = DepartmentFactory(unit=cast.city, name="市商务局")
    now = timezone.now()
    AppealFactory(
        enterprise=mine,
        department=department,
        status="closed",
        due_on=now.date(),
        answered_at=now,
        closed_at=now,
        satisfaction=5,
    )
    AppealFactory(enterprise=sibling, department=department, status="closed", satisfaction=1)
    auth = _auth(cast.district_manager)
    [row] = client.get(reverse("api:department_stats"), **auth).json()
    assert (row["name"], row["received"], row["on_time"], row["closed"]) == ("市商务局", 1, 1, 1)
    assert row["satisfaction"] == 5
    survey = RoundFactory(unit=cast.city)
    AnswerFactory(round=survey, enterprise=mine, status="resumed")
    AnswerFactory(round=survey, enterprise=other, status="not")
    AnswerFactory(round=survey, enterprise=sibling, status="resumed")
    url = reverse("api:round_rates", args=[survey.public_id])
    [overall] = client.get(url, **auth).json()
    assert (overall["total"], overall["resumed"], Decimal(overall["rate"])) == (
        2,
        1,
        Decimal("0.5"),
    )
    by_district = client.get(url, {"by": "district"}, **auth).json()
    assert [(r["key"], r["total"]) for r in by_district] == [("330203", 2)]
    assert client.get(url, {"by": "nonsense"}, **auth).status_code == 422
