"""`qiaolian sla-check`: warn about cases breaching their SLA soon and report breached ones.

Runs the check at once and prints the counts (cron-friendly); `--enqueue` hands it to the task
worker instead. `qiaolian worker` already enqueues it every minute (SLA_CHECK_SECONDS)."""

import json

from django.core.management.base import BaseCommand

from qiaolian.hotline.services.sla import check_sla_now
from qiaolian.hotline.tasks import check_sla


class Command(BaseCommand):
    help = "Send SLA warnings and breach notices (idempotent: nothing is sent twice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the check for the worker instead."
        )

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            result = check_sla.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        self.stdout.write(json.dumps(check_sla_now()))
