"""The hotline's background tasks (run by `qiaolian worker`)."""

from __future__ import annotations

import logging

from django.tasks import task

from qiaolian.hotline.services.sla import check_sla_now

logger = logging.getLogger(__name__)


@task()
def check_sla() -> dict[str, int]:
    """The periodic SLA sweep (enqueued every minute by `qiaolian worker`, or by
    `qiaolian sla-check`): idempotent, so overlapping runs send nothing twice."""
    counts = check_sla_now()
    if counts["warned"] or counts["breached"]:
        logger.info("SLA check: %(warned)s warned, %(breached)s breached", counts)
    return counts
