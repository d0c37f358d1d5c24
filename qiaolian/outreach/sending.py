"""Sending a letter's deliveries: claimed in batches with a lease, throttled per channel, only
inside the recipient's local daytime, retried with backoff, never twice.

A worker claims up to `OUTREACH_BATCH[channel]` queued rows per channel per run (the
throttle: one run per `OUTREACH_TICK_SECONDS`) by writing its id and a lease end on them in one
conditional UPDATE; a row already claimed under a live lease is left alone. A worker that dies
leaves its claims to expire; the next run claims them again. Marking a row sent is guarded by
the claim, so two workers can never both send it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.core import private_links
from qiaolian.core.richtext import plain_text
from qiaolian.core.timezones import local_time
from qiaolian.outreach import channels, merge
from qiaolian.outreach.models import Channel, Delivery, Letter

LINK_PURPOSE = "outreach.letter"
DEFAULT_BATCH = {"email": 200, "sms": 100, "robot": 20, "h5": 1000}
MAX_ATTEMPTS = 3
DAY_START, DAY_END = 8, 21  # the recipient's local hours a message may arrive


def _config(name: str, default):
    return getattr(settings, name, default)


def batch_sizes() -> dict[str, int]:
    return {**DEFAULT_BATCH, **_config("OUTREACH_BATCH", {})}


def lease() -> timedelta:
    return timedelta(seconds=_config("OUTREACH_LEASE_SECONDS", 300))


def in_daytime(time_zone: str, at: datetime) -> bool:
    if not time_zone:
        return True  # a group robot or an unknown zone: the federation's day is not checked
    hour = local_time(time_zone, at).hour  # type: ignore[union-attr]
    return DAY_START <= hour < DAY_END


def next_morning(time_zone: str, at: datetime) -> datetime:
    local = local_time(time_zone, at)
    assert local is not None
    morning = local.replace(hour=DAY_START, minute=0, second=0, microsecond=0)
    if local.hour >= DAY_START:
        morning += timedelta(days=1)
    return morning


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=_config("OUTREACH_RETRY_SECONDS", 60) * 2 ** (attempts - 1))


def _due(now: datetime) -> Q:
    return (
        Q(status=Delivery.Status.QUEUED)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def claim(letter: Letter, worker: str, now: datetime) -> list[Delivery]:
    """Claim this run's share of each channel for `worker`: a lease, written conditionally."""
    sizes = batch_sizes()
    claimed_ids: list[int] = []
    rows = Delivery.objects.filter(letter=letter)  # scoping: exempt, the worker's own letter
    for channel, size in sizes.items():
        ids = list(
            rows.filter(_due(now), channel=channel)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            rows.filter(_due(now), pk__in=ids).update(
                claimed_by=worker, claimed_until=now + lease()
            )
            claimed_ids += ids
    return list(
        rows.filter(pk__in=claimed_ids, claimed_by=worker, status=Delivery.Status.QUEUED)
        .select_related("person", "letter")
        .order_by("pk")
    )


def _mark(delivery: Delivery, worker: str, **fields) -> bool:
    return bool(
        Delivery.objects.filter(  # scoping: exempt, the claim guards the write
            pk=delivery.pk, claimed_by=worker, status=Delivery.Status.QUEUED
        ).update(claimed_until=None, **fields)
    )


def site_url() -> str:
    return str(_config("SITE_URL", "http://localhost:8000")).rstrip("/")


def private_url(delivery: Delivery) -> str:
    _link, token = private_links.private_link_create(
        actor=None,
        target=delivery,
        purpose=LINK_PURPOSE,
        unit=delivery.letter.unit,
        expires_in=timedelta(days=_config("OUTREACH_LINK_DAYS", 90)),
        audit_action=None,
    )
    return site_url() + reverse("outreach:letter_public", args=[token])


def rendered(letter: Letter, delivery: Delivery, at: datetime | None = None) -> tuple[str, str]:
    """(subject, html body) of `letter` for the delivery's recipient, in their language."""
    english = delivery.language.startswith("en") and bool(letter.body_en)
    subject, body = (
        (letter.subject_en, letter.body_en) if english else (letter.subject_zh, letter.body_zh)
    )
    if delivery.person is None:
        filled = merge.sample_values("en" if english else "zh")
        filled.update(salutation="各位侨胞" if not english else "Dear friends")
    else:
        filled = merge.values(delivery.person, "en" if english else "zh", at)
    return merge.fill(subject, filled), merge.fill(body, filled, html=True)


def _message(delivery: Delivery, now: datetime) -> channels.Message:
    letter = delivery.letter
    subject, html = rendered(letter, delivery, now)
    text = plain_text(html)
    if delivery.channel in (Channel.EMAIL, Channel.SMS, Channel.H5):
        url = private_url(delivery)
        if delivery.channel == Channel.H5:
            delivery.address = url
        english = delivery.language.startswith("en")
        with translation.override("en" if english else "zh-hans"):
            more = translation.gettext("Read the letter online: %(url)s") % {"url": url}
        if delivery.channel == Channel.SMS:
            text = f"{subject} {more}"
        else:
            text = f"{text}\n\n{more}"
            html = f'{html}<p><a href="{url}">{more}</a></p>'
    return channels.Message(delivery.idempotency_key, delivery.address, subject, text, html)


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    retry: int = 0
    remaining: int = 0
    errors: list[str] = field(default_factory=list)


def send_one(delivery: Delivery, worker: str, now: datetime, result: RunResult) -> None:
    if delivery.time_zone and not in_daytime(delivery.time_zone, now):
        _mark(delivery, worker, next_attempt_at=next_morning(delivery.time_zone, now))
        result.deferred += 1
        return
    with transaction.atomic():
        message = _message(delivery, now)
        adapter = channels.ADAPTERS.get(delivery.channel)
        try:
            if adapter is not None:
                adapter(message)
        except channels.Permanent as exc:
            _mark(
                delivery,
                worker,
                status=Delivery.Status.FAILED,
                reason=str(exc),
                attempts=delivery.attempts + 1,
            )
            result.failed += 1
            return
        except Exception as exc:
            attempts = delivery.attempts + 1
            reason = channels.describe_error(exc)
            if attempts >= MAX_ATTEMPTS:
                _mark(
                    delivery,
                    worker,
                    status=Delivery.Status.FAILED,
                    reason=reason,
                    attempts=attempts,
                )
                result.failed += 1
            else:
                _mark(
                    delivery,
                    worker,
                    attempts=attempts,
                    reason=reason,
                    next_attempt_at=now + backoff(attempts),
                )
                result.retry += 1
            return
        _mark(
            delivery,
            worker,
            status=Delivery.Status.SENT,
            sent_at=timezone.now(),
            attempts=delivery.attempts + 1,
            reason="",
            address=message.address,
        )
        result.sent += 1


def run_letter(
    letter_id: int,
    *,
    worker: str | None = None,
    now: datetime | None = None,
    stop_after: int | None = None,
) -> RunResult:
    """One run for one letter: claim a batch per channel, send it, finish the letter when
    nothing is left. `stop_after` (tests) stops the run after that many rows, as a worker
    that dies would, leaving its claims to expire."""
    worker = worker or uuid.uuid4().hex[:12]
    now = now or timezone.now()
    result = RunResult()
    letter = Letter.objects.filter(pk=letter_id).first()  # scoping: exempt, worker
    if letter is None or letter.status not in (Letter.Status.SENDING, Letter.Status.SCHEDULED):
        return result
    if letter.status == Letter.Status.SCHEDULED:
        Letter.objects.filter(pk=letter.pk, status=Letter.Status.SCHEDULED).update(
            status=Letter.Status.SENDING
        )
    for index, delivery in enumerate(claim(letter, worker, now)):
        if stop_after is not None and index >= stop_after:
            return result  # the worker "dies": its claims stay until the lease ends
        if Letter.objects.filter(pk=letter.pk, status=Letter.Status.CANCELLED).exists():
            break
        send_one(delivery, worker, now, result)
    result.remaining = letter.deliveries.filter(status=Delivery.Status.QUEUED).count()
    if result.remaining == 0:
        Letter.objects.filter(pk=letter.pk, status=Letter.Status.SENDING).update(
            status=Letter.Status.SENT, sent_at=timezone.now()
        )
    return result


def progress(letter: Letter) -> dict:
    counts = {status: 0 for status in Delivery.Status.values}
    from django.db.models import Count

    for row in letter.deliveries.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    total = sum(counts.values())
    done = total - counts[Delivery.Status.QUEUED]
    return {
        "total": total,
        "done": done,
        "percent": round(100 * done / total) if total else 0,
        **counts,
    }
