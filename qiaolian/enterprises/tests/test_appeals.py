"""Appeals across departments: routing, the department's and the enterprise's private links,
closure only on confirmation (or an override with a reason), reopening, escalation, stats."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.models import Notification
from qiaolian.enterprises import selectors, services
from qiaolian.enterprises.models import Appeal, AppealStatus
from qiaolian.enterprises.tests.factories import AppealFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(cast):
    return DepartmentFactory(unit=cast.city, name="市人力社保局", name_en="HR Bureau", reply_days=5)


@pytest.fixture
def appeal(firms):
    return AppealFactory(enterprise=firms[0], title="招工难")


def _kinds(appeal):
    return list(appeal.events.values_list("kind", flat=True))


def test_the_whole_loop_through_both_links(cast, appeal, department):
    appeal, token = services.appeal_route(
        actor=cast.district_manager, appeal=appeal, department=department
    )
    assert appeal.status == AppealStatus.ROUTED
    assert appeal.due_on == timezone.localdate() + timedelta(days=5)
    public = Client()
    url = reverse("enterprises:department_link", args=[token])
    page = public.get(url)
    assert page.status_code == 200 and "招工难" in page.content.decode()
    assert public.post(url, {"step": "acknowledge"}).status_code == 302
    assert (
        public.post(url, {"step": "answer", "reply": "已协调人才市场专场招聘"}).status_code == 302
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED and appeal.answered_on_time
    # The enterprise confirms through its own link.
    token_e = services.enterprise_link_create(actor=cast.district_manager, appeal=appeal)
    url_e = reverse("enterprises:enterprise_link", args=[token_e])
    assert "已协调人才市场专场招聘" in public.get(url_e).content.decode()
    assert public.post(url_e, {"step": "confirm", "satisfaction": "4"}).status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.satisfaction, appeal.confirmation) == ("closed", 4, "link")
    assert _kinds(appeal) == ["routed", "acknowledged", "answered", "confirmed"]
    # The department's link cannot open the enterprise's page, nor the other way round.
    assert public.get(reverse("enterprises:enterprise_link", args=[token])).status_code == 404
    assert public.get(reverse("enterprises:department_link", args=["nonsense"])).status_code == 404


def test_closure_needs_the_enterprises_confirmation_or_a_reason(cast, appeal, department):
    services.appeal_route(actor=cast.district_manager, appeal=appeal, department=department)
    with pytest.raises(ValidationError, match="has answered"):
        services.appeal_confirm(actor=cast.district_manager, appeal=appeal, satisfaction=5)
    with pytest.raises(ValidationError):
        services.appeal_close_override(actor=cast.district_manager, appeal=appeal, reason=" ")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED
    services.appeal_close_override(
        actor=cast.district_manager, appeal=appeal, reason="企业已注销，无法确认"
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED and appeal.confirmation == "override"


def test_the_enterprise_reopens_with_a_reason(cast, appeal, department):
    services.appeal_route(actor=cast.district_manager, appeal=appeal, department=department)
    services.appeal_answer(actor=cast.district_manager, appeal=appeal, reply="已办理")
    token = services.enterprise_link_create(actor=cast.district_manager, appeal=appeal)
    url = reverse("enterprises:enterprise_link", args=[token])
    assert Client().post(url, {"step": "reopen", "reason": ""}).status_code == 400
    assert Client().post(url, {"step": "reopen", "reason": "仍未解决"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED and appeal.answered_at is None
    assert _kinds(appeal)[-1] == "reopened"


def test_staff_record_the_reply_and_the_confirmation(client, cast, appeal, department):
    services.appeal_route(actor=cast.district_manager, appeal=appeal, department=department)
    client.force_login(cast.district_manager)
    client.post(reverse("enterprises:appeal_reply", args=[appeal.public_id]), {"reply": "已办理"})
    response = client.post(
        reverse("enterprises:appeal_confirm", args=[appeal.public_id]), {"satisfaction": "5"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.confirmation, appeal.satisfaction) == ("closed", "staff", 5)


def test_an_officer_cannot_route_or_close(client, officer, appeal):
    client.force_login(officer)
    assert (
        client.get(reverse("enterprises:appeal_detail", args=[appeal.public_id])).status_code == 200
    )
    for name in ("appeal_route", "appeal_override", "appeal_confirm"):
        assert (
            client.get(reverse(f"enterprises:{name}", args=[appeal.public_id])).status_code == 403
        )


def test_the_route_page_shows_the_departments_link_once(client, cast, appeal, department):
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("enterprises:appeal_route", args=[appeal.public_id]), {"department": department.pk}
    )
    detail = reverse("enterprises:appeal_detail", args=[appeal.public_id])
    assert response.status_code == 302
    first = client.get(detail).content.decode()
    assert "/enterprises/d/" in first
    assert "/enterprises/d/" not in client.get(detail).content.decode()


def test_an_overdue_appeal_escalates_to_the_units_leader_once(
    cast, appeal, department, django_capture_on_commit_callbacks
):
    services.appeal_route(actor=cast.district_manager, appeal=appeal, department=department)
    later = timezone.localdate() + timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue(today=later) == 1
        assert services.escalate_overdue(today=later) == 0
    notes = Notification.objects.filter(kind="enterprises.appeal_overdue")
    assert [n.recipient for n in notes] == [cast.district_manager]
    assert appeal.number in notes.get().text
    assert _kinds(Appeal.objects.get(pk=appeal.pk))[-1] == "escalated"


def test_statistics_by_department(cast, firms, department):
    other = DepartmentFactory(unit=cast.city, name="市商务局")
    today = timezone.now()
    AppealFactory(
        enterprise=firms[0],
        department=department,
        status="closed",
        due_on=today.date(),
        answered_at=today,
        closed_at=today,
        satisfaction=4,
    )
    AppealFactory(
        enterprise=firms[1],
        department=department,
        status="answered",
        due_on=today.date() - timedelta(days=2),
        answered_at=today,
    )
    AppealFactory(enterprise=firms[2], department=department, status="closed", satisfaction=1)
    rows = {r["department"].pk: r for r in selectors.department_stats(user=cast.district_manager)}
    row = rows[department.pk]
    assert (row["received"], row["on_time"], row["closed"], row["satisfaction"]) == (2, 1, 1, 4)
    assert rows[other.pk]["received"] == 0
