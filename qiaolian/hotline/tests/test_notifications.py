"""The hotline's notifications in the bell (an assignment, a transfer, a mention, a deadline
close or passed) and its panels of the dashboard's "my work"."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.core.models import Notification
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.hotline.models import Callback, SlaPolicy, Status
from qiaolian.hotline.services import cases as case_services
from qiaolian.hotline.services import sla
from qiaolian.hotline.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def notes_of(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return list(rows.filter(kind=kind) if kind else rows)


def test_the_assignee_is_told_of_an_assignment_in_their_language(
    cast, django_capture_on_commit_callbacks
):
    case = CaseFactory(unit=cast.district_a, number="RX-1", subject="护照延期")
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_assign(actor=cast.district_manager, case=case, assignee=cast.volunteer)
    [note] = notes_of(cast.volunteer, "hotline.assigned")
    assert note.url == reverse("hotline:case_detail", args=[case.public_id])
    assert note.actor == cast.district_manager
    with translation.override("zh-hans"):
        assert note.text == "工单 RX-1 “护照延期”已分派给您。"
    with translation.override("en"):
        assert note.text == "Case RX-1 “护照延期” was assigned to you."
    # The manager who assigned is not told of their own act.
    assert notes_of(cast.district_manager) == []


def test_a_rolled_back_assignment_tells_nobody(cast, django_capture_on_commit_callbacks):
    case = CaseFactory(unit=cast.district_a, status=Status.CLOSED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        case_services.case_assign(actor=cast.district_manager, case=case, assignee=cast.volunteer)
    assert notes_of(cast.volunteer) == []


def test_a_transfer_tells_the_receiving_units_managers_and_the_assignee_taken_off(
    cast, django_capture_on_commit_callbacks
):
    case = CaseFactory(
        unit=cast.district_a, assignee=cast.volunteer, status=Status.ASSIGNED, subject="签证"
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_transfer(
            actor=cast.city_admin, case=case, unit=cast.district_b, reason="籍贯在乙区"
        )
    [note] = notes_of(cast.sibling_manager, "hotline.transferred")
    with translation.override("zh-hans"):
        assert "甲区侨联" in note.text and "乙区侨联" in note.text
    assert notes_of(cast.volunteer, "hotline.transferred")  # they lost the case
    assert notes_of(cast.district_manager) == []


def test_a_mention_tells_who_can_see_the_case_and_nobody_else(
    cast, django_capture_on_commit_callbacks
):
    case = CaseFactory(unit=cast.district_a, number="RX-9")
    text = "请 @township_worker 和 @sibling_manager 看一下，邮件 a@volunteer.example 不算"
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_comment(actor=cast.district_manager, case=case, text=text)
    # The township worker does not reach district A's own cases; the sibling sees nothing.
    assert notes_of(cast.sibling_manager) == []
    assert notes_of(cast.township_worker) == []
    assert notes_of(cast.volunteer) == []
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_comment(
            actor=cast.city_admin, case=case, text="@district_manager 请跟进。"
        )
    [note] = notes_of(cast.district_manager, "hotline.mentioned")
    with translation.override("zh-hans"):
        assert note.text.startswith("city_admin 在工单 RX-9 中提到了您")


def test_the_sla_sweep_rings_the_bell_beside_the_mail(cast, django_capture_on_commit_callbacks):
    cast.district_manager.email = "manager@a.example"
    cast.district_manager.save()
    policy = SlaPolicy.objects.get(category="", priority="")
    now = timezone.now()
    soon = CaseFactory(
        unit=cast.district_a, sla_policy=policy, status=Status.IN_PROGRESS,
        assignee=cast.volunteer, first_response_at=now - timedelta(hours=1),
        resolution_due=now + timedelta(minutes=20),
    )  # fmt: skip
    late = CaseFactory(
        unit=cast.district_a, sla_policy=policy, status=Status.IN_PROGRESS,
        assignee=cast.volunteer, first_response_at=now - timedelta(hours=1),
        resolution_due=now - timedelta(minutes=5),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        sla.check_sla_now()
    run_queued_tasks()
    near = notes_of(cast.volunteer, "hotline.deadline_near")
    passed = notes_of(cast.volunteer, "hotline.deadline_passed")
    assert [n.params["number"] for n in near] == [soon.number]
    assert [n.params["number"] for n in passed] == [late.number]
    assert len(notes_of(cast.district_manager)) == 2
    assert mail.outbox  # e-mail stays the second channel
    with django_capture_on_commit_callbacks(execute=True):
        sla.check_sla_now()
    assert len(notes_of(cast.volunteer)) == 2  # once per case and kind


def test_my_work_shows_my_cases_deadlines_and_callbacks_with_counts(cast):
    now = timezone.now()
    mine = CaseFactory(
        unit=cast.district_a, assignee=cast.volunteer, status=Status.ASSIGNED,
        subject="我的工单", resolution_due=now - timedelta(hours=1),
    )  # fmt: skip
    CaseFactory(unit=cast.district_a, status=Status.NEW, subject="别人的工单")
    CaseFactory(unit=cast.district_b, assignee=cast.volunteer, status=Status.ASSIGNED)
    Callback.objects.create(case=mine, scheduled_for=now - timedelta(minutes=5), time_zone="UTC")
    client = Client()
    client.force_login(cast.volunteer)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    panels = {p["key"]: p["work"] for p in response.context["panels"]}
    assert panels["hotline.my_cases"].count == 1
    assert panels["hotline.my_cases"].items[0].text.endswith("我的工单")
    assert panels["hotline.past_deadline"].count == 1
    assert panels["hotline.callbacks_today"].count == 1
    # Each count links to the list that shows exactly those records.
    for key in ("hotline.my_cases", "hotline.past_deadline", "hotline.callbacks_today"):
        listing = client.get(panels[key].url)
        assert listing.status_code == 200
        assert "我的工单" in listing.content.decode() or key == "hotline.callbacks_today"
    # A volunteer reviews no duplicates and imports nothing: no such panels.
    assert "people.duplicates_to_review" not in panels
    assert "people.imports_waiting" not in panels


def test_a_volunteer_is_not_offered_edits_of_their_record_or_shifts_they_cannot_save(cast):
    from qiaolian.hotline.tests.factories import ShiftFactory, VolunteerFactory

    record = VolunteerFactory(unit=cast.district_a, user=cast.volunteer)
    shift = ShiftFactory(volunteer=record, unit=cast.district_a)
    client = Client()
    client.force_login(cast.volunteer)
    page = client.get(reverse("hotline:volunteer_detail", args=[record.public_id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="volunteer-edit"' not in body and 'id="shift-add"' not in body
    assert reverse("hotline:shift_edit", args=[shift.public_id]) not in body
    rota = client.get(reverse("hotline:rota")).content.decode()
    assert reverse("hotline:shift_edit", args=[shift.public_id]) not in rota
    assert client.get(reverse("hotline:shift_edit", args=[shift.public_id])).status_code == 403
    edit = reverse("hotline:volunteer_edit", args=[record.public_id])
    assert client.get(edit).status_code == 403
    manager = Client()
    manager.force_login(cast.district_manager)
    body = manager.get(reverse("hotline:volunteer_detail", args=[record.public_id])).content
    assert 'id="volunteer-edit"' in body.decode()
