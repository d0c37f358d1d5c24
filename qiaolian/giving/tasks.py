"""Periodic work of the donations app: reminders of pledge instalments coming due."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.money import Money
from qiaolian.core.services import notification_send

REMIND_DAYS_AHEAD = 7


@task()
def remind_instalments() -> int:
    return send_reminders()


def send_reminders(today=None) -> int:
    """Tell whoever entered each pledge about its unpaid instalments due within a week (once
    per instalment). Returns the number of instalments reminded."""
    from qiaolian.giving.models import Instalment

    today = today or timezone.localdate()
    # scoping: exempt - a system task; each notice goes to the pledge's own author.
    due = Instalment.objects.filter(
        donation__isnull=True,
        reminded_on__isnull=True,
        due_on__lte=today + timedelta(days=REMIND_DAYS_AHEAD),
    ).select_related("pledge__donor", "pledge__created_by")
    count = 0
    for instalment in due:
        pledge = instalment.pledge
        with transaction.atomic():
            if pledge.created_by is not None:
                notification_send(
                    recipients=[pledge.created_by],
                    kind="giving.instalment_due",
                    params={
                        "donor": pledge.donor.name,
                        "amount": str(Money(instalment.amount, pledge.currency)),
                        "due": f"{instalment.due_on:%Y-%m-%d}",
                    },
                    url=reverse("giving:pledge_detail", args=[pledge.public_id]),
                )
            Instalment.objects.filter(pk=instalment.pk).update(reminded_on=today)
        count += 1
    return count
