"""Domestic bodies, trade fairs and investment projects: the yuan amount at the signing day's
rate (a missing rate refused by name), stage dates, scoped pages and API, the export, and the
three figures (recount, sibling unit left out)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.figures import Period, compute_figures
from qiaolian.core.models import AuditEvent, ExchangeRate
from qiaolian.enterprises import services
from qiaolian.enterprises.models import DomesticBody, InvestmentProject
from qiaolian.enterprises.tests.factories import BodyFactory, FairFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _project_fields(cast, **extra):
    fields = {
        "unit": cast.district_a,
        "name": "德国精密机械项目",
        "investor": "Müller GmbH",
        "country": "DE",
        "industry": "C",
        "amount": Decimal("2000000"),
        "currency": "EUR",
        "stage": "signed",
        "found_on": date(2026, 3, 1),
        "signed_on": date(2026, 5, 20),
    }
    return {**fields, **extra}


def test_a_signed_project_is_converted_at_the_signing_days_rate(cast):
    ExchangeRate.objects.create(currency="EUR", date=date(2026, 5, 1), rate=Decimal("7.8"))
    ExchangeRate.objects.create(currency="EUR", date=date(2026, 6, 1), rate=Decimal("8.1"))
    project = services.project_create(actor=cast.district_manager, **_project_fields(cast))
    assert project.amount_cny == Decimal("15600000.00")
    event = AuditEvent.objects.get(action="investment_project.create")
    assert event.actor == cast.district_manager


def test_a_missing_rate_is_refused_naming_the_currency(cast):
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            actor=cast.district_manager, **_project_fields(cast, currency="GBP")
        )
    assert "GBP" in " ".join(exc.value.messages)
    assert not InvestmentProject.objects.exists()


def test_stage_dates_are_required(cast):
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            actor=cast.district_manager,
            **_project_fields(cast, currency="CNY", stage="landed", landed_on=None),
        )
    assert "landing date" in " ".join(exc.value.messages)
    lead = services.project_create(
        actor=cast.district_manager,
        **_project_fields(cast, currency="CNY", stage="lead", signed_on=None),
    )
    assert lead.amount_cny is None


def test_pages_and_api_are_scoped(cast, client):
    mine = ProjectFactory(unit=cast.district_a, name="甲区项目")
    theirs = ProjectFactory(unit=cast.district_b, name="乙区项目")
    body = BodyFactory(unit=cast.district_b, name="乙区侨商会")
    client.force_login(cast.district_manager)
    page = client.get(reverse("enterprises:project_list")).content.decode()
    assert "甲区项目" in page and "乙区项目" not in page
    detail = reverse("enterprises:project_detail", args=[theirs.public_id])
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("enterprises:project_detail", args=[mine.public_id])).status_code == 200
    )
    assert client.get(reverse("enterprises:body_detail", args=[body.public_id])).status_code == 404
    export = client.get(reverse("enterprises:project_list") + "?export=csv")
    text = b"".join(export.streaming_content if export.streaming else [export.content])
    assert "甲区项目".encode() in text and "乙区项目".encode() not in text


def test_body_and_fair_services_record_audit_rows(cast):
    from qiaolian.enterprises.tests.factories import EnterpriseFactory

    firm = EnterpriseFactory(unit=cast.district_a)
    body = services.body_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        name="宁波市侨商会",
        kind="chamber",
        members=120,
        enterprises=[firm],
    )
    assert list(body.enterprises.all()) == [firm]
    services.body_update(actor=cast.district_manager, body=body, members=130)
    body.refresh_from_db()
    assert body.members == 130
    with pytest.raises(ValidationError):
        services.fair_create(
            actor=cast.district_manager,
            unit=cast.district_a,
            name="浙洽会",
            starts_on=date(2026, 6, 10),
            ends_on=date(2026, 6, 1),
        )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"domestic_body.create", "domestic_body.update"} <= actions


def test_figures_equal_a_recount_and_leave_the_sibling_out(cast):
    today = timezone.localdate()
    landed = dict(stage="landed", signed_on=today - timedelta(days=20), landed_on=today)
    ProjectFactory(unit=cast.district_a, amount_cny=Decimal("1000000"), **landed)
    ProjectFactory(unit=cast.district_a, amount_cny=Decimal("2500000"), **landed)
    ProjectFactory(unit=cast.district_a, stage="signed", amount_cny=Decimal("900"))
    ProjectFactory(unit=cast.district_b, amount_cny=Decimal("7000000"), **landed)
    BodyFactory(unit=cast.district_a)
    BodyFactory(unit=cast.district_b)
    period = Period(today - timedelta(days=30), today)
    values = compute_figures(user=cast.district_manager, unit=cast.district_a, period=period)
    recount = InvestmentProject.objects.filter(
        unit=cast.district_a, stage="landed", landed_on__range=(period.start, period.end)
    )
    assert values["enterprises.projects_landed"] == recount.count() == 2
    assert values["enterprises.investment_cny"] == Decimal("3500000")
    assert values["enterprises.domestic_bodies"] == (
        DomesticBody.objects.filter(unit=cast.district_a).count()
    )
    assert values["enterprises.domestic_bodies"] == 1


def test_fair_counts_participants(cast, client):
    from qiaolian.enterprises.tests.factories import EnterpriseFactory

    fair = FairFactory(unit=cast.district_a, name="中东欧博览会", online=True)
    fair.enterprises.set([EnterpriseFactory(unit=cast.district_a) for _ in range(3)])
    client.force_login(cast.district_manager)
    page = client.get(reverse("enterprises:fair_list")).content.decode()
    assert "中东欧博览会" in page
    assert client.get(reverse("enterprises:fair_detail", args=[fair.public_id])).status_code == 200
