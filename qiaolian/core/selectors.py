"""Scoped reads of the core, shared by pages, API and exports. All start from restrict()."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from qiaolian.core import registry
from qiaolian.core.models import (
    AuditEvent,
    DictType,
    LoginEvent,
    Notification,
    Role,
    Unit,
    UnitRole,
    User,
)
from qiaolian.core.scoping import Action, holds_anywhere


def switchable_units(*, user) -> list[Unit]:
    """Units the header switcher offers: those where the user holds a grant."""
    if user.is_superuser:
        # scoping: exempt - a superuser holds every action at every root
        return list(Unit.objects.get_root_nodes())
    cached = getattr(user, "_switchable_units", None)
    if cached is None:
        # scoping: exempt - the units of the user's own grants
        ids = UnitRole.objects.filter(user=user, unit__is_active=True).values("unit_id")
        cached = list(Unit.objects.filter(pk__in=ids))  # scoping: exempt - as just above
        user._switchable_units = cached
    return cached


def unit_list(*, user, action: str = Action.VIEW, within: Unit | None = None) -> QuerySet:
    return Unit.objects.restrict(user, action).in_subtree(within)


def unit_options(
    *, user, action: str, q: str = "", limit: int = 20
) -> list[tuple[Unit, Unit | None]]:
    """Active units where `user` holds `action` matching `q` (name, English name or code), in
    tree order, at most `limit`, each with its parent when the user reaches the parent too
    (None otherwise: a unit outside the user's scope is not named, not even as a parent)."""
    units = Unit.objects.restrict(user, action).filter(is_active=True)
    if q := q.strip():
        units = units.filter(
            Q(name__icontains=q) | Q(name_en__icontains=q) | Q(code__istartswith=q)
        )
    found = list(units.order_by("path")[:limit])
    parent_paths = {unit.path[: -Unit.steplen] for unit in found if unit.depth > 1}
    parents = {
        parent.path: parent
        for parent in Unit.objects.restrict(user, action).filter(path__in=parent_paths)
    }
    return [(unit, parents.get(unit.path[: -Unit.steplen])) for unit in found]


def user_list(*, user, within: Unit | None = None) -> QuerySet:
    return (
        User.objects.restrict(user, Action.ADMIN)
        .in_subtree(within)
        .select_related("home_unit")
        .order_by("username")
    )


def user_grants(*, user, subject: User) -> QuerySet:
    """The grants of `subject` that `user` may see (those inside the user's subtrees)."""
    return (
        UnitRole.objects.restrict(user, Action.ADMIN)
        .filter(user=subject)
        .select_related("unit", "role")
        .order_by("unit__path")
    )


def audit_list(*, user, within: Unit | None = None) -> QuerySet:
    return AuditEvent.objects.restrict(user, Action.AUDIT).in_subtree(within).select_related("unit")


def login_log(*, user, within: Unit | None = None) -> QuerySet:
    return LoginEvent.objects.restrict(user, Action.AUDIT).in_subtree(within).select_related("unit")


def role_list() -> QuerySet:
    """Roles with how many grants use each (federation-wide reference data)."""
    # scoping: exempt - roles are federation-wide reference data
    return Role.objects.annotate(grant_count=Count("unit_roles")).order_by("id")


def dictionary_list() -> QuerySet:
    # scoping: exempt - dictionaries are federation-wide reference data
    return DictType.objects.annotate(item_count=Count("items")).order_by("code")


def dashboard_figures(*, user, within: Unit | None = None) -> dict:
    """Counts for the dashboard, each on a restricted queryset."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today - timedelta(days=13), time.min))
    units = Unit.objects.restrict(user, Action.VIEW).in_subtree(within)
    events = AuditEvent.objects.restrict(user, Action.AUDIT).in_subtree(within)
    # order_by(): the models' default orderings (path, -created_at) would join the GROUP BY
    # and count each unit or event on its own.
    by_kind = dict(
        units.filter(is_active=True).order_by().values_list("kind").annotate(n=Count("id"))
    )
    per_day = dict(
        events.filter(created_at__gte=start)
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    days = [today - timedelta(days=offset) for offset in range(13, -1, -1)]
    return {
        "units": units.filter(is_active=True).count(),
        "units_by_kind": by_kind,
        "users": User.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .filter(is_active=True)
        .count(),
        "audit_today": events.filter(created_at__date=today).count(),
        "logins_today": LoginEvent.objects.restrict(user, Action.AUDIT)
        .in_subtree(within)
        .filter(created_at__date=today, outcome=LoginEvent.Outcome.SUCCESS)
        .count(),
        "audit_days": [d.isoformat() for d in days],
        "audit_series": [per_day.get(d, 0) for d in days],
    }


def unread_notifications(*, user) -> int:
    """How many of the user's own notifications are unread (the bell's count)."""
    # scoping: exempt - a user's own notifications (for_recipient), whatever their units
    return Notification.objects.for_recipient(user).unread().count()


def notification_list(*, user):
    """The user's own notifications, newest first (nobody reads another's)."""
    # scoping: exempt - a user's own notifications (for_recipient), whatever their units
    return Notification.objects.for_recipient(user).select_related("actor")


def my_work(*, user, within: Unit | None = None) -> list[dict]:
    """The dashboard's "my work": each app's panels (`registry.my_work()`) the user holds the
    permission of, computed over `restrict()`ed data; a panel with nothing for the user
    (None) is left out, one with nothing to do yet stays (its count is 0)."""
    panels = []
    for panel in registry.my_work():
        if panel.permission and not holds_anywhere(user, panel.permission):
            continue
        work = registry.resolve(panel.compute)(user=user, within=within)
        if work is not None:
            panels.append({"key": panel.key, "label": panel.label, "work": work})
    return panels
