"""Reads of volunteers for the API (and the pages): each starts from `restrict()`. "On duty
now" is `services.volunteers.on_duty` and shifts are `services.volunteers.visible_shifts`,
the rota's own rules."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from qiaolian.core.scoping import Action
from qiaolian.hotline.models import Volunteer
from qiaolian.hotline.services.volunteers import on_duty


def volunteer_list(*, user: Any, action: Action = Action.VIEW, within: Any = None) -> QuerySet:
    return (
        Volunteer.objects.restrict(user, action).in_subtree(within).select_related("user", "unit")
    )


def filter_volunteers(queryset: QuerySet, data: dict, *, user: Any) -> QuerySet:
    """`q` (name, username, specialties, languages), `profession`, `inactive` (include the
    inactive ones), `on_duty` (a shift running now)."""
    if q := (data.get("q") or "").strip():
        queryset = queryset.filter(
            Q(user__display_name__icontains=q)
            | Q(user__username__icontains=q)
            | Q(specialties__icontains=q)
            | Q(languages__icontains=q)
        )
    if profession := data.get("profession"):
        queryset = queryset.filter(profession=profession)
    if not data.get("inactive"):
        queryset = queryset.filter(is_active=True)
    if data.get("on_duty"):
        queryset = queryset.filter(pk__in=on_duty(user).values("pk"))
    return queryset


def on_duty_ids(user: Any, volunteers: list[Volunteer]) -> set[int]:
    """Which of `volunteers` have a shift running now (one query)."""
    pks = [v.pk for v in volunteers]
    return set(on_duty(user).filter(pk__in=pks).values_list("pk", flat=True))
