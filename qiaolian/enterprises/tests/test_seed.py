"""The article-scale seed gives the reference text's numbers, read back through `figures`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from qiaolian.core.models import Role, UnitKind, UnitRole
from qiaolian.core.roles import ensure_builtin_roles
from qiaolian.core.testing.factories import UnitFactory, UserFactory
from qiaolian.enterprises import seed
from qiaolian.enterprises.codes import District, validate_uscc
from qiaolian.enterprises.models import (
    Appeal,
    Department,
    Enterprise,
    InvestmentProject,
    LiaisonAssignment,
    Meeting,
    ProjectStage,
    SurveyAnswer,
    TradeFair,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ningbo():
    ensure_builtin_roles()
    city = UnitFactory(code="330200", name="宁波市侨联", kind=UnitKind.CITY)
    for code, label in District.choices:
        UnitFactory(parent=city, code=code, name=f"{label}侨联", kind=UnitKind.DISTRICT)
    admin = UserFactory(username="city_admin", home_unit=city)
    UnitRole.objects.create(user=admin, unit=city, role=Role.objects.get(code="unit_admin"))
    return city


def test_the_article_seed_gives_the_reference_texts_figures(ningbo):
    made = seed.run(1)
    assert made["enterprises"] == 156 and made["departments"] == 18
    out = StringIO()
    call_command("figures", "--unit", "330200", "--as", "city_admin", "--json", stdout=out)
    figures = json.loads(out.getvalue())["figures"]
    assert figures["enterprises.officers"] == 130
    assert figures["enterprises.enterprises_served"] >= 150
    assert figures["enterprises.key_enterprises"] == 156
    assert figures["enterprises.departments"] == 18
    assert float(figures["enterprises.resumption_rate"]) > 0.95
    # The meeting: city leaders, the 18 departments and 16 enterprise representatives.
    meeting = Meeting.objects.get()
    assert meeting.departments.count() == 18 and meeting.attendees.count() == 16
    assert Appeal.objects.filter(meeting=meeting).count() == 16
    routed = Appeal.objects.filter(department__isnull=False).order_by()
    assert routed.values("department").distinct().count() == 18
    # Some enterprises have several officers; every code passes the checksum.
    assert LiaisonAssignment.objects.count() == 156 + seed.SECOND_OFFICER
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_uscc(code)
    # Idempotent: a second run makes nothing.
    counts = (Enterprise.objects.count(), Appeal.objects.count(), SurveyAnswer.objects.count())
    again = seed.run(1)
    assert not any(again.values())
    assert counts == (
        Enterprise.objects.count(),
        Appeal.objects.count(),
        SurveyAnswer.objects.count(),
    )
    assert Department.objects.count() == 18
    # Domestic bodies, the two fairs (online) and a dozen projects in every stage.
    assert figures["enterprises.domestic_bodies"] == len(seed.BODIES) == 10
    assert TradeFair.objects.filter(online=True).count() == 2
    projects = InvestmentProject.objects.all()
    assert projects.count() == 12
    assert set(projects.values_list("stage", flat=True)) == set(ProjectStage.values)
    assert not projects.filter(stage="landed", amount_cny__isnull=True).exists()
    assert made["projects"] == 12 and again["projects"] == 0
