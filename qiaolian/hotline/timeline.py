"""The case's timeline: every service that touches a case appends its line here."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from qiaolian.hotline.models import Case, CaseEvent


def add_event(
    case: Case,
    kind: str,
    actor,
    *,
    text: str = "",
    data: dict | None = None,
    internal: bool = True,
    at: datetime | None = None,
) -> CaseEvent:
    """Append a line to the case's timeline. No permission check: called by services inside
    their own transaction after they checked the actor."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        text=text,
        data=data or {},
        internal=internal,
        at=at or timezone.now(),
    )
