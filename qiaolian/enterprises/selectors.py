"""Reads of the enterprises app: each starts from `restrict(user, action)`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from qiaolian.enterprises.models import (
    Appeal,
    AppealStatus,
    ContactLog,
    Department,
    Enterprise,
    LiaisonAssignment,
    Meeting,
    Resumption,
    SurveyAnswer,
    SurveyRound,
)

VIEW = "enterprises.view"


def current_q(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


def with_service(enterprises):
    """Whether each enterprise has a liaison officer today, and its last contact."""
    # scoping: exempt - a subquery per enterprise already restricted by the caller
    current = LiaisonAssignment.objects.filter(current_q(), enterprise=OuterRef("pk"))
    return enterprises.select_related("unit").annotate(
        served=Exists(current), last_contact=Max("contacts__contacted_on")
    )


def enterprise_list(*, user, action: str = VIEW, within=None):
    return with_service(Enterprise.objects.restrict(user, action).in_subtree(within))


def filter_enterprises(queryset, data: dict[str, Any]):
    if data.get("q"):
        q = data["q"].strip()
        queryset = queryset.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    for field in ("industry", "size", "district"):
        if data.get(field):
            queryset = queryset.filter(**{field: data[field]})
    if data.get("key"):
        queryset = queryset.filter(is_key=data["key"] == "yes")
    if data.get("mine"):
        queryset = queryset.filter(Enterprise.assigned_to(data["user"]))
    return queryset


def current_officers(*, user, enterprise: Enterprise):
    return (
        LiaisonAssignment.objects.restrict(user)
        .filter(enterprise=enterprise)
        .select_related("officer")
        .order_by("-starts_on")
    )


def workload(assignments):
    """Each officer of the (restricted) assignments now current: enterprises held and the last
    contact they logged."""
    assignments = assignments.filter(current_q())
    last = (
        # scoping: exempt - the officer's own latest contact date, of assignments restricted
        ContactLog.objects.filter(officer=OuterRef("officer"))
        .order_by("-contacted_on")
        .values("contacted_on")[:1]
    )
    return (
        assignments.values(
            "officer", "officer__username", "officer__display_name", "officer__home_unit"
        )
        .annotate(enterprises=Count("enterprise", distinct=True), last_contact=Subquery(last))
        .order_by("-enterprises", "officer__username")
    )


def appeal_list(*, user, action: str = VIEW, within=None):
    return (
        Appeal.objects.restrict(user, action)
        .filter(enterprise__in=Enterprise.objects.restrict(user, action).in_subtree(within))
        .select_related("enterprise", "department")
    )


def filter_appeals(queryset, data: dict[str, Any]):
    if data.get("q"):
        q = data["q"].strip()
        queryset = queryset.filter(
            Q(number__icontains=q) | Q(title__icontains=q) | Q(enterprise__name__icontains=q)
        )
    for field in ("status", "category"):
        if data.get(field):
            queryset = queryset.filter(**{field: data[field]})
    if data.get("department"):
        queryset = queryset.filter(department=data["department"])
    if data.get("overdue"):
        queryset = queryset.filter(
            answered_at__isnull=True,
            due_on__lt=timezone.localdate(),
        ).exclude(status=AppealStatus.CLOSED)
    return queryset


def department_list(*, user, action: str = VIEW, within=None):
    """The departments of the user's units and of the units above them (a city's
    departments take the districts' appeals too)."""
    departments = Department.objects.restrict_shared_down(user, action)
    if within is not None:
        departments = departments.filter(unit__path__in=[*_ancestors(within.path)])
        departments = departments | Department.objects.restrict(user, action).in_subtree(within)
    return departments.distinct()


def _ancestors(path: str) -> list[str]:
    from qiaolian.core.scoping import ancestor_paths

    return [*ancestor_paths(path), path]


def department_stats(*, user, within=None, start=None, end=None) -> list[dict[str, Any]]:
    """Per department: appeals received, answered on time, closed, mean satisfaction."""
    appeals = appeal_list(user=user, within=within).filter(department__isnull=False)
    if start is not None:
        appeals = appeals.filter(raised_at__date__gte=start)
    if end is not None:
        appeals = appeals.filter(raised_at__date__lte=end)
    rows = (
        appeals.annotate(answered_on=TruncDate("answered_at"))
        .values("department")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            closed=Count("pk", filter=Q(status=AppealStatus.CLOSED)),
            satisfaction=Avg("satisfaction"),
        )
    )
    by_department = {row["department"]: row for row in rows}
    result = []
    for department in department_list(user=user, within=within).order_by("pk"):
        row = by_department.get(department.pk, {})
        result.append(
            {
                "department": department,
                "received": row.get("received", 0),
                "answered": row.get("answered", 0),
                "on_time": row.get("on_time", 0),
                "closed": row.get("closed", 0),
                "satisfaction": row.get("satisfaction"),
            }
        )
    return result


def meeting_list(*, user, action: str = VIEW, within=None):
    return Meeting.objects.restrict(user, action).in_subtree(within)


def round_list(*, user, action: str = VIEW, within=None):
    rounds = SurveyRound.objects.restrict_shared_down(user, action)
    return rounds.in_subtree(within) if within is not None else rounds


def answers_of(*, user, round: SurveyRound, within=None):
    return (
        SurveyAnswer.objects.restrict(user)
        .filter(round=round)
        .filter(enterprise__in=Enterprise.objects.restrict(user).in_subtree(within))
        .select_related("enterprise")
    )


def rate(resumed: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(resumed) / Decimal(total)).quantize(Decimal("0.0001"))


RESUMED = (Resumption.RESUMED, Resumption.PARTLY)


def resumption_rates(answers, by: str | None = None) -> list[dict[str, Any]]:
    """The resumption rate (enterprises resumed fully or partly, over those that answered),
    overall (`by` None) or grouped by "enterprise__unit__name", "enterprise__district" or
    "enterprise__industry"."""
    measures = {
        "total": Count("pk"),
        "resumed": Count("pk", filter=Q(status__in=RESUMED)),
        "full": Count("pk", filter=Q(status=Resumption.RESUMED)),
        "staff": Avg("staff_back"),
        "capacity": Avg("capacity"),
    }
    if by is None:
        counted = [answers.aggregate(**measures)]
    else:
        counted = list(answers.values(by).annotate(**measures).order_by(by))
    for row in counted:
        row["rate"] = rate(row["resumed"], row["total"])
    return counted


def latest_round(*, user, within=None) -> SurveyRound | None:
    return round_list(user=user, within=within).order_by("-opens_on", "-pk").first()
