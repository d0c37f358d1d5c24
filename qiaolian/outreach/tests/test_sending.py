"""Sending over the real protocols to local servers: SMTP (aiosmtpd), the SMS gateway and the
WeChat Work robots (a recording HTTP server); claims, retries, daytime, cancel, resume."""

import json
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from django.test import override_settings
from django.utils import timezone

from qiaolian.outreach import services
from qiaolian.outreach.models import Delivery, Letter
from qiaolian.outreach.sending import run_letter
from qiaolian.outreach.tests.support import audience, letter, person, robot

pytestmark = pytest.mark.django_db


def noon_zone() -> str:
    """A zone where it is about noon now (for tests run by a real worker on the real clock)."""
    offset = (12 - timezone.now().hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


NOON_SHANGHAI = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, 05:00 in Rome


def _approved(cast, **kwargs):
    draft = letter(cast, audience(cast), **kwargs)
    return services.letter_approve(actor=cast.district_manager, letter=draft)


def test_a_letter_goes_by_email_sms_and_robot_once_each(
    cast, smtp_server, fake_http, task_queue, django_capture_on_commit_callbacks
):
    zone = noon_zone()
    zh = person(
        cast.township_a1,
        surname="王",
        given_name="明",
        gender="m",
        time_zone=zone,
        emails=["wang@example.com"],
        phones=["13800000001"],
    )
    person(
        cast.township_a1,
        surname="李",
        given_name="华",
        gender="f",
        time_zone=zone,
        languages="English, Italiano",
        emails=["li@example.it"],
    )
    robot(cast.township_a1, f"{fake_http.url}/robot/key1")
    approved = _approved(cast, channels=("email", "sms"), to_groups=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_send(actor=cast.township_worker, letter=approved)
    assert Delivery.objects.filter(status="queued").count() == 4  # 2 mails, 1 SMS, 1 robot
    approved.refresh_from_db()
    assert approved.skipped == {"sms": 1}  # 李华 has no phone: reported, not queued
    with django_capture_on_commit_callbacks(execute=True):
        task_queue.run()  # a real worker, now: both people live where it is about noon
    rows = {(d.channel, d.person_id): d for d in Delivery.objects.all()}
    assert {d.status for d in rows.values()} == {"sent"}, [
        (d.channel, d.reason) for d in rows.values()
    ]
    subjects = sorted(str(make_header(decode_header(m["Subject"]))) for m in smtp_server)
    assert subjects == ["A letter to 李华", "致王明的慰问信"]
    mail_zh = next(m for m in smtp_server if m["To"] == "wang@example.com")
    text = mail_zh.get_payload()[0].get_payload(decode=True).decode()
    assert "王先生" in text and "/outreach/l/" in text
    assert mail_zh["X-Idempotency-Key"] == rows[("email", zh.pk)].idempotency_key
    sms = fake_http.by_path("/sms")
    assert len(sms) == 1 and sms[0]["body"]["PhoneNumbers"] == "+8613800000001"
    assert sms[0]["body"]["OutId"] == rows[("sms", zh.pk)].idempotency_key
    assert "致王明的慰问信" in json.loads(sms[0]["body"]["TemplateParam"])["text"]
    hook = fake_http.by_path("/robot/key1")
    assert hook[0]["body"]["msgtype"] == "markdown"
    assert "慰问信" in hook[0]["body"]["markdown"]["content"]
    approved.refresh_from_db()
    assert approved.status == Letter.Status.SENT
    # Building again (a repeated click, a retried task) queues nothing twice.
    assert services.build_deliveries(actor=cast.township_worker, letter=approved) == 4
    assert Delivery.objects.count() == 4
    run_letter(approved.pk)
    assert len(smtp_server) == 2 and len(fake_http.requests) == 2


def test_the_recipient_opens_the_h5_page_and_opened_is_recorded(cast, client):
    somebody = person(cast.township_a1, surname="张", given_name="伟", gender="m")
    approved = _approved(cast, channels=("h5",))
    services.letter_send(actor=cast.township_worker, letter=approved)
    run_letter(approved.pk, now=NOON_SHANGHAI)
    delivery = Delivery.objects.get(person=somebody)
    assert delivery.status == "sent" and "/outreach/l/" in delivery.address
    page = client.get(delivery.address.split("localhost:8000")[-1])
    assert page.status_code == 200 and "张先生" in page.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "opened" and delivery.opened_at is not None
    assert client.get("/outreach/l/not-a-token/").status_code == 404


def test_invalid_addresses_fail_at_once_and_a_failing_webhook_is_retried_then_failed(
    cast, fake_http
):
    person(cast.township_a1, phones=["13800000002"])
    robot(cast.township_a1, f"{fake_http.url}/robot/down")
    approved = _approved(cast, channels=("sms",), to_groups=True)
    services.letter_send(actor=cast.township_worker, letter=approved)
    Delivery.objects.filter(channel="sms").update(address="not-a-phone")
    fake_http.status = 500
    now = NOON_SHANGHAI
    run_letter(approved.pk, now=now)
    sms = Delivery.objects.get(channel="sms")
    assert (sms.status, sms.reason, sms.attempts) == ("failed", "invalid phone number", 1)
    hook = Delivery.objects.get(channel="robot")
    assert (hook.status, hook.attempts, hook.reason) == ("queued", 1, "HTTP 500")
    run_letter(approved.pk, now=now)  # not due yet: backoff
    assert len(fake_http.requests) == 1
    for minutes in (5, 30):
        run_letter(approved.pk, now=now + timedelta(minutes=minutes))
    hook.refresh_from_db()
    assert (hook.status, hook.attempts, hook.reason) == ("failed", 3, "HTTP 500")
    assert len(fake_http.requests) == 3
    approved.refresh_from_db()
    assert approved.status == Letter.Status.SENT  # nothing left to send


def test_only_inside_local_daytime(cast, smtp_server):
    rome = person(cast.township_a1, time_zone="Europe/Rome", emails=["r@example.it"])
    shanghai = person(cast.township_a1, time_zone="Asia/Shanghai", emails=["s@example.cn"])
    approved = _approved(cast)
    services.letter_send(actor=cast.township_worker, letter=approved)
    result = run_letter(approved.pk, now=NOON_SHANGHAI)
    assert (result.sent, result.deferred) == (1, 1)
    waiting = Delivery.objects.get(person=rome)
    assert waiting.status == "queued"
    assert waiting.next_attempt_at == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Rome
    run_letter(approved.pk, now=datetime(2026, 3, 2, 7, 5, tzinfo=UTC))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert [m["To"] for m in smtp_server] == ["s@example.cn", "r@example.it"]
    del shanghai


def test_cancel_stops_what_has_not_gone(cast, smtp_server):
    for n in range(5):
        person(cast.township_a1, emails=[f"p{n}@example.com"])
    approved = _approved(cast)
    services.letter_send(actor=cast.township_worker, letter=approved)
    with override_settings(OUTREACH_BATCH={"email": 2}):
        run_letter(approved.pk, now=NOON_SHANGHAI)
    services.letter_cancel(actor=cast.township_worker, letter=approved)
    run_letter(approved.pk, now=NOON_SHANGHAI)
    counts = {s: Delivery.objects.filter(status=s).count() for s in ("sent", "cancelled")}
    assert counts == {"sent": 2, "cancelled": 3} and len(smtp_server) == 2


def test_a_worker_that_dies_mid_send_leaves_its_claims_and_every_recipient_gets_one(
    cast, smtp_server
):
    for n in range(10):
        person(cast.township_a1, emails=[f"q{n}@example.com"])
    approved = _approved(cast)
    services.letter_send(actor=cast.township_worker, letter=approved)
    now = NOON_SHANGHAI
    with override_settings(OUTREACH_BATCH={"email": 6}, OUTREACH_LEASE_SECONDS=120):
        run_letter(approved.pk, worker="dies", now=now, stop_after=3)  # sent 3, died holding 3
        assert len(smtp_server) == 3
        run_letter(approved.pk, worker="second", now=now + timedelta(seconds=10))
        # The second worker took the 4 unclaimed ones; the dead worker's lease still holds 3.
        assert len(smtp_server) == 7
        run_letter(approved.pk, worker="third", now=now + timedelta(seconds=200))
    addresses = [m["To"] for m in smtp_server]
    assert sorted(addresses) == sorted(f"q{n}@example.com" for n in range(10))
    assert len(set(addresses)) == 10
    approved.refresh_from_db()
    assert approved.status == Letter.Status.SENT
