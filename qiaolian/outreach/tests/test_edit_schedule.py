"""A draft is edited (its author or a colleague of the unit); an approved letter is not. An
approved letter is sent later from the schedule form on its page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.models import AuditEvent
from qiaolian.outreach import services
from qiaolian.outreach.models import Delivery, Letter
from qiaolian.outreach.tests.support import audience, letter, person

pytestmark = pytest.mark.django_db


def _form(aud, **changes):
    data = {
        "kind": "condolence",
        "audience": aud.pk,
        "channels": ["h5"],
        "subject_zh": "致{{姓名}}的新春慰问信",
        "body_zh": "<p>{{称呼}}，新春快乐！</p><script>x()</script>",
        "subject_en": "",
        "body_en": "",
        "version": 1,
    }
    return {**data, **changes}


def test_a_draft_is_edited_on_its_page_and_an_approved_letter_is_not(cast, client):
    aud = audience(cast)
    draft = letter(cast, aud)
    client.force_login(cast.township_worker)
    url = reverse("outreach:letter_edit", args=[draft.public_id])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "致{{姓名}}的慰问信" in page  # the form opens with the draft's text
    detail = client.get(reverse("outreach:letter_detail", args=[draft.public_id])).content
    assert b'id="letter-edit"' in detail
    assert 'name="version"' in page
    answer = client.post(url, _form(aud))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.subject_zh == "致{{姓名}}的新春慰问信" and draft.channels == ["h5"]
    assert "<script>" not in draft.body_zh and draft.subject_en == ""
    event = AuditEvent.objects.get(action="outreach.letter_edit")
    assert "subject_zh" in event.changes and event.unit_id == cast.township_a1.pk
    # Bad input: a clear message on the form, nothing written.
    bad = client.post(url, _form(aud, channels=[], subject_en="Only a subject", version=2))
    assert bad.status_code == 400
    assert "E-mail" in bad.content.decode() or "电子邮件" in bad.content.decode()
    draft.refresh_from_db()
    assert draft.channels == ["h5"]
    # Approved: the page refuses, the service refuses, the button is gone.
    services.letter_approve(actor=cast.district_manager, letter=draft)
    refused = client.post(url, _form(aud, subject_zh="改了", version=2), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "Only a draft" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.subject_zh == "致{{姓名}}的新春慰问信"
    with pytest.raises(ValidationError):
        services.letter_edit(actor=cast.district_manager, letter=draft, subject_zh="改了")
    detail = client.get(reverse("outreach:letter_detail", args=[draft.public_id])).content
    assert b'id="letter-edit"' not in detail


def test_an_approved_letter_is_scheduled_for_later_from_its_page(cast, client):
    person(cast.township_a1, surname="陈", given_name="静")
    approved = services.letter_approve(
        actor=cast.district_manager, letter=letter(cast, audience(cast), channels=("h5",))
    )
    client.force_login(cast.township_worker)
    page = client.get(reverse("outreach:letter_detail", args=[approved.public_id])).content
    assert b'id="letter-schedule"' in page
    url = reverse("outreach:letter_schedule", args=[approved.public_id])
    past = timezone.localtime() - timedelta(hours=1)
    refused = client.post(url, {"scheduled_for": past.strftime("%Y-%m-%dT%H:%M")})
    assert refused.status_code == 400
    assert not Delivery.objects.exists()
    later = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    answer = client.post(url, {"scheduled_for": later.strftime("%Y-%m-%dT%H:%M")})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    approved.refresh_from_db()
    assert approved.status == Letter.Status.SCHEDULED and approved.scheduled_for == later
    assert Delivery.objects.filter(letter=approved, status="queued").count() == 1


def test_two_people_editing_one_draft_the_later_save_is_shown_the_conflict(cast, client):
    aud = audience(cast)
    draft = letter(cast, aud)
    url = reverse("outreach:letter_edit", args=[draft.public_id])
    # A colleague saves first, from a form opened at version 1.
    services.letter_edit(
        actor=cast.district_manager, letter=draft, expected_version=1, subject_zh="同事改的标题"
    )
    client.force_login(cast.township_worker)
    stale = client.post(url, _form(aud, subject_zh="我改的标题"), HTTP_ACCEPT_LANGUAGE="en")
    assert stale.status_code == 400
    text = stale.content.decode()
    assert "while you were editing" in text and "同事改的标题" in text
    draft.refresh_from_db()
    assert draft.subject_zh == "同事改的标题" and draft.version == 2
    # Saving again from the conflict page (now at version 2) is a deliberate overwrite.
    again = client.post(url, _form(aud, subject_zh="我改的标题", version=2))
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.subject_zh == "我改的标题" and draft.version == 3
