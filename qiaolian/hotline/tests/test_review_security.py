"""Security review of the hotline: each test demonstrates one defect found in review (it failed
before the fix in the owning module) and now guards against its return."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.hotline.models import Status, Survey
from qiaolian.hotline.services import cases as case_services
from qiaolian.hotline.services import surveys as survey_services
from qiaolian.hotline.services import volunteers as volunteer_services
from qiaolian.hotline.tests.factories import (
    CaseFactory,
    ShiftFactory,
    TombOrderFactory,
    VolunteerFactory,
)
from qiaolian.hotline.tests.support_tomb import survey_for


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _login(client, user):
    client.logout()
    client.force_login(user)


# --- a case transferred away takes its tomb-sweeping order with it -------------------------


def test_a_transferred_case_takes_its_tomb_order_out_of_the_old_units_sight(client, cast):
    case = CaseFactory(unit=cast.district_a, category="tomb_sweeping", subject="代祭扫 陈家")
    order = TombOrderFactory(case=case)
    case_services.case_transfer(
        actor=cast.city_admin, case=case, unit=cast.district_b, reason="户籍在乙区"
    )
    order.refresh_from_db()
    assert order.unit == cast.district_b
    url = reverse("hotline:tomb_detail", args=[order.public_id])
    _login(client, cast.district_manager)
    assert client.get(url).status_code == 404
    listing = client.get(reverse("hotline:tomb_list")).content.decode()
    assert "代祭扫 陈家" not in listing and case.number not in listing
    _login(client, cast.sibling_manager)
    assert client.get(url).status_code == 200


# --- a volunteer does not rewrite their own duty shifts -------------------------------------


def test_a_volunteer_cannot_stretch_their_own_shift_to_inflate_hours_served(client, cast):
    volunteer = VolunteerFactory(unit=cast.district_a, user=cast.volunteer)
    start = timezone.now() - timedelta(hours=1)
    shift = ShiftFactory(volunteer=volunteer, starts_at=start, ends_at=start + timedelta(hours=2))
    with pytest.raises(PermissionDenied):
        volunteer_services.shift_update(
            actor=cast.fresh(cast.volunteer), shift=shift, ends_at=start + timedelta(hours=24)
        )
    _login(client, cast.volunteer)
    local = timezone.localtime(start)
    client.post(
        reverse("hotline:shift_edit", args=[shift.public_id]),
        {
            "volunteer": volunteer.pk,
            "starts_at": local.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (local + timedelta(hours=24)).strftime("%Y-%m-%d %H:%M"),
        },
    )
    shift.refresh_from_db()
    assert shift.ends_at - shift.starts_at == timedelta(hours=2)
    # Staff of the unit still edit it.
    volunteer_services.shift_update(
        actor=cast.fresh(cast.district_manager), shift=shift, ends_at=start + timedelta(hours=3)
    )


# --- sensitive responses are never cached ----------------------------------------------------


def test_confidential_notes_licence_and_attachments_are_sent_with_no_store(client, cast, tmp_path):
    case = CaseFactory(unit=cast.district_a, category="medicine", assignee=cast.volunteer)
    case_services.note_add(actor=cast.volunteer, case=case, text="诊断：抑郁症")
    _login(client, cast.district_manager)
    notes = client.get(reverse("hotline:case_notes", args=[case.public_id]))
    assert "诊断" in notes.content.decode()
    assert "no-store" in notes.get("Cache-Control", "")

    volunteer = VolunteerFactory(unit=cast.district_a, licence_number="A7654321")
    reveal = client.post(reverse("hotline:volunteer_reveal", args=[volunteer.public_id]))
    assert "A7654321" in reveal.content.decode()
    assert "no-store" in reveal.get("Cache-Control", "")

    with override_settings(MEDIA_ROOT=tmp_path):
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
        client.post(
            reverse("hotline:case_attach", args=[case.public_id]),
            {"file": SimpleUploadedFile("病历.png", png)},
        )
        attachment = case.attachments.get()
        download = client.get(reverse("hotline:attachment_download", args=[attachment.public_id]))
        assert download.status_code == 200
        assert "no-store" in download.get("Cache-Control", "")
        download.close()


# --- the rated assignee does not mint their own survey link ----------------------------------


def test_an_assigned_volunteer_cannot_mint_a_survey_link_and_rate_themselves(client, cast):
    case = CaseFactory(unit=cast.district_a, assignee=cast.volunteer, status=Status.RESOLVED)
    survey = survey_for(case)
    before = survey.token_hash
    with pytest.raises(PermissionDenied):
        survey_services.survey_new_link(actor=cast.fresh(cast.volunteer), survey=survey)
    _login(client, cast.volunteer)
    client.post(reverse("hotline:survey_link", args=[case.public_id]))
    assert Survey.objects.get(pk=survey.pk).token_hash == before
    assert "hotline_survey_link" not in client.session
    # Staff of the case's unit still make the link to send by WeChat.
    assert survey_services.survey_new_link(actor=cast.fresh(cast.district_manager), survey=survey)
