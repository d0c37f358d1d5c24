"""The enterprises app's background tasks (run by `qiaolian worker`)."""

from __future__ import annotations

from django.tasks import task

from qiaolian.enterprises.services import escalate_overdue


@task()
def escalate_overdue_appeals() -> int:
    """Tell the unit's leaders of appeals past their due date without a reply (once each)."""
    return escalate_overdue()
