"""Enterprises and liaison officers: scoping, narrowing to assigned enterprises, the contact
log and the officer's appeals."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.models import AuditEvent
from qiaolian.enterprises import services
from qiaolian.enterprises.models import Appeal, ContactLog, Enterprise

pytestmark = pytest.mark.django_db


def test_an_officer_sees_only_the_enterprises_assigned_to_them(client, officer, firms):
    mine, other, sibling = firms
    client.force_login(officer)
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert mine.name in page
    assert other.name not in page and sibling.name not in page
    assert (
        client.get(reverse("enterprises:enterprise_detail", args=[mine.public_id])).status_code
        == 200
    )
    for firm in (other, sibling):
        url = reverse("enterprises:enterprise_detail", args=[firm.public_id])
        assert client.get(url).status_code == 404


def test_an_ended_assignment_hides_the_enterprise(officer, firms):
    mine, _other, _sibling = firms
    assignment = mine.assignments.get()
    assignment.ends_on = timezone.localdate() - timedelta(days=1)
    assignment.save()
    assert not Enterprise.objects.restrict(officer).exists()


def test_a_manager_sees_the_district_but_not_the_sibling(client, cast, firms):
    mine, other, sibling = firms
    client.force_login(cast.district_manager)
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert mine.name in page and other.name in page and sibling.name not in page


def test_the_officer_logs_a_visit_and_raises_an_appeal(client, officer, firms):
    mine, other, _sibling = firms
    client.force_login(officer)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("enterprises:contact_add", args=[mine.public_id]),
        {"contacted_on": today, "kind": "visit", "met": "王总", "raised": "缺少熟练工"},
    )
    assert response.status_code == 302
    log = ContactLog.objects.get()
    assert (log.officer, log.met, log.kind) == (officer, "王总", "visit")
    response = client.post(
        reverse("enterprises:appeal_add", args=[mine.public_id]),
        {"category": "labour", "title": "招工难", "description": "缺少熟练工 30 人"},
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"{appeal.public_id}/")
    assert appeal.raised_by == officer and appeal.number.startswith("SQ")
    assert list(appeal.events.values_list("kind", flat=True)) == ["raised"]
    assert AuditEvent.objects.filter(action="appeal.raise").count() == 1
    # Not for an enterprise of someone else.
    url = reverse("enterprises:contact_add", args=[other.public_id])
    assert client.post(url, {"contacted_on": today, "kind": "visit", "met": "x"}).status_code == 404


def test_an_officer_cannot_add_enterprises_or_assign_officers(client, officer, firms):
    mine, _other, _sibling = firms
    client.force_login(officer)
    assert client.get(reverse("enterprises:enterprise_create")).status_code == 403
    assert (
        client.get(reverse("enterprises:assignment_add", args=[mine.public_id])).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        services.assignment_add(
            actor=officer, enterprise=mine, officer=officer, starts_on=timezone.localdate()
        )


def test_assignments_run_over_periods_and_may_not_overlap(cast, officer, firms):
    _mine, other, _sibling = firms
    today = timezone.localdate()
    services.assignment_add(
        actor=cast.district_manager, enterprise=other, officer=officer, starts_on=today
    )
    assert Enterprise.objects.restrict(officer).filter(pk=other.pk).exists()
    with pytest.raises(ValidationError):
        services.assignment_add(
            actor=cast.district_manager,
            enterprise=other,
            officer=officer,
            starts_on=today + timedelta(days=3),
        )


def test_a_bad_credit_code_is_refused_by_the_form_naming_it(client, cast):
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("enterprises:enterprise_create"),
        {
            "unit": cast.district_a.pk,
            "name": "新企业",
            "credit_code": "91350100M000100Y44",
            "industry": "C",
            "size": "small",
            "district": "330203",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "91350100M000100Y44" in response.content.decode()
    assert "checksum" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_a_manager_adds_an_enterprise(client, cast):
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("enterprises:enterprise_create"),
        {
            "unit": cast.district_a.pk,
            "name": "新企业",
            "credit_code": "91350100m000100y43",
            "industry": "C",
            "size": "small",
            "district": "330203",
        },
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == "91350100M000100Y43" and enterprise.unit == cast.district_a
