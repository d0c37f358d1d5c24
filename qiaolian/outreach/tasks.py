"""Background sending (django.tasks): one run sends a batch per channel, then queues the next
run after `OUTREACH_TICK_SECONDS` while rows are left (queued for later hours or retries)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone


@task()
def send_letter(letter_id: int) -> dict:
    from qiaolian.outreach.sending import run_letter

    result = run_letter(letter_id)
    if result.remaining:
        tick = getattr(settings, "OUTREACH_TICK_SECONDS", 60)
        send_letter.using(run_after=timezone.now() + timedelta(seconds=tick)).enqueue(letter_id)
    return {"sent": result.sent, "failed": result.failed, "remaining": result.remaining}


@task()
def resume_letters() -> int:
    """Periodic: a letter whose worker died (no run queued) is picked up again."""
    from qiaolian.outreach.models import Letter

    ids = list(
        Letter.objects.filter(status=Letter.Status.SENDING).values_list("pk", flat=True)
    )  # scoping: exempt, worker
    for letter_id in ids:
        send_letter.enqueue(letter_id)
    return len(ids)
