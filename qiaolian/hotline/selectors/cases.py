"""Scoped reads of hotline cases, shared by the queue pages, the case page and the API.

Every queryset starts from `Case.objects.restrict(user, VIEW)`: a volunteer (role narrowed to
ASSIGNED) therefore only ever reads the cases assigned to them. List querysets join what the
rows show (unit, assignee, requester) so a page costs a constant number of queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core.models import Unit, UnitRole, User
from qiaolian.core.phones import normalize_phone
from qiaolian.core.scoping import Action, Narrowing, ancestor_paths, holds_in
from qiaolian.core.timezones import WallClock, wall_clock
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.memo import page_memo
from qiaolian.hotline.models import OPEN_STATUSES, Attachment, Callback, Case, CaseEvent
from qiaolian.hotline.services.sla import breached_q, breaching_soon_q
from qiaolian.hotline.zones import HOTLINE_TIME_ZONE, known_time_zone
from qiaolian.people.models import PersonContact

QUEUES: dict[str, Any] = {
    "mine": _("Mine"),
    "unit": _("My unit's"),
    "unassigned": _("Unassigned"),
    "breaching": _("Breaching soon"),
    "overdue": _("Past the deadline"),
    "all": _("All"),
}
SORTS = {
    "opened": "opened_at",
    "number": "number",
    "priority": "priority_rank",
    "due": "resolution_due",
    "status": "status",
}


def cases(*, user, action: Action = Action.VIEW, within: Unit | None = None) -> QuerySet:
    return Case.objects.restrict(user, action).in_subtree(within)


def case_list(*, user, within: Unit | None = None, action: Action = Action.VIEW) -> QuerySet:
    """The cases the user may see (or `action`, e.g. EXPORT), with what a queue row shows
    joined in."""
    from django.db.models import Case as When_
    from django.db.models import IntegerField, Value, When

    rank = When_(
        When(priority="urgent", then=Value(0)),
        When(priority="high", then=Value(1)),
        When(priority="normal", then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        cases(user=user, action=action, within=within)
        .select_related("unit", "assignee", "requester")
        .annotate(priority_rank=rank)
    )


def queue_q(queue: str, *, user, now: datetime | None = None) -> Q:
    """The condition of one queue tab. 'unit' is the active unit's subtree (applied by
    `case_list(within=…)`), open cases only."""
    open_ = Q(status__in=OPEN_STATUSES)
    if queue == "mine":
        return open_ & Q(assignee=user)
    if queue == "unit":
        return open_
    if queue == "unassigned":
        return open_ & Q(assignee__isnull=True)
    if queue == "breaching":
        return breaching_soon_q(now or timezone.now())
    if queue == "overdue":
        return breached_q(now or timezone.now())
    return Q()


def queue_counts(
    *, user, within: Unit | None = None, now: datetime | None = None
) -> tuple[dict[str, int | None], dict[str, int]]:
    """The count of every open queue tab, and of open cases per category, in one query.

    Only open cases are counted: they are few beside the closed history (the index on
    (unit, status, opened_at) finds them), so the queue page costs the same with a million
    closed cases. The "all" tab shows no count: counting the whole history on every visit
    is what made the page slow.
    """
    now = now or timezone.now()
    visible = Case.objects.restrict_by_unit_ids(user, Action.VIEW, within=within)
    # Read from the partial index `case_open_queue` alone (no table rows).
    rows = (
        visible.filter(status__in=OPEN_STATUSES)
        .values("category")
        .annotate(
            # COUNT(category), never NULL, not COUNT(id): the id is not in the index.
            unit=Count("category"),
            mine=Count("category", filter=Q(assignee=user)),
            unassigned=Count("category", filter=Q(assignee__isnull=True)),
        )
        .order_by()
    )
    totals: dict[str, int | None] = {name: 0 for name in QUEUES}
    totals["all"] = None
    by_category: dict[str, int] = {}
    for row in rows:
        by_category[row["category"]] = row["unit"]
        for name in ("unit", "mine", "unassigned"):
            totals[name] = (totals[name] or 0) + row[name]
    totals["breaching"] = visible.filter(breaching_soon_q(now)).count()
    totals["overdue"] = visible.filter(breached_q(now)).count()
    return totals, by_category


def filter_cases(queryset: QuerySet, filters: dict[str, Any]) -> QuerySet:
    """The queue filters (page and API share them)."""
    for name in ("status", "category", "priority", "channel"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("assignee") is not None:
        queryset = queryset.filter(assignee=filters["assignee"])
    text = (filters.get("q") or "").strip()
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        condition = (
            Q(number__icontains=text)
            | Q(subject__icontains=text)
            | Q(contact_name__icontains=text)
            | (
                Q(requester__surname__icontains=text[:1])
                & Q(requester__given_name__icontains=text[1:])
            )
        )
        if len(digits) >= 4:
            condition |= Q(contact_phone_e164__contains=digits)
        # A whole number typed any usual way (0039 …, +39 (333) …) matches by the project's
        # one phone rule, on the quick contact and on the requester's registered phones.
        if e164 := normalize_phone(text):
            condition |= Q(contact_phone_e164=e164) | Q(
                # scoping: exempt - narrows the restricted cases by phone
                requester__in=PersonContact.objects.filter(normalized=e164).values("person_id")
            )
        queryset = queryset.filter(condition)
    return queryset


def timeline(*, user, case: Case, include_internal: bool = True) -> QuerySet:
    events = CaseEvent.objects.restrict(user, Action.VIEW).filter(case=case).select_related("actor")
    if not include_internal:
        events = events.filter(internal=False)
    return events.order_by("at", "id")


def attachments(*, user, case: Case) -> QuerySet:
    return (
        Attachment.objects.restrict(user, Action.VIEW)
        .filter(case=case)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )


def eligible_users(unit: Unit) -> QuerySet:
    """Users who can see the cases of `unit` (assignees and watchers): a grant carrying VIEW
    at the unit or above it. The list of possible assignees is shown to whoever may assign
    cases of the unit; it names colleagues, nothing of other units' records."""
    prefixes = [*ancestor_paths(unit.path), unit.path]
    rows = UnitRole.objects.filter(  # scoping: exempt, grants of the unit's own ancestors
        unit__path__in=prefixes, unit__is_active=True, user__is_active=True
    ).exclude(role__narrowing=Narrowing.OWN)  # portal users follow only their own requests
    ids = {
        user_id
        for user_id, actions in rows.values_list("user_id", "role__actions")
        if holds_in(actions, HOTLINE.VIEW)
    }
    # scoping: exempt - colleagues holding a grant at the unit or above (names only)
    return User.objects.filter(pk__in=ids).order_by("display_name", "username")


def pending_callbacks(*, user, case: Case) -> list[Callback]:
    """The callbacks of `case` not made yet, soonest first (named before resolving it)."""
    return list(
        Callback.objects.restrict(user, Action.VIEW)
        .filter(case=case, done_at__isnull=True)
        .select_related("created_by")
        .order_by("scheduled_for")
    )


def can_change(user, case: Case) -> bool:
    """Whether `user` may change `case` (CHANGE within restrict()), asked once per page."""
    return page_memo(
        case,
        ("can_change", user.pk),
        lambda: Case.objects.restrict(user, Action.CHANGE).filter(pk=case.pk).exists(),
    )


def requester_local_time(case: Case, at: datetime | None = None) -> WallClock | None:
    """The requester's wall clock (in the same zone the callbacks use), or None when nothing
    tells where they are."""
    name = known_time_zone(case)
    return wall_clock(name, at, default=HOTLINE_TIME_ZONE) if name else None


def requesters_of_assigned_cases(user: Any) -> Q:
    """The people a volunteer may see: the requesters of the cases assigned to them.
    Contributed to people's narrowing."""
    # scoping: exempt - a narrowing condition (the user's own assigned cases), used inside
    # Person.objects.restrict() itself.
    requesters = Case.objects.filter(assignee=user, requester__isnull=False)
    return Q(pk__in=requesters.values("requester_id"))
