"""Scoped reads of the liaison grid, shared by the pages, the API and the coverage figures.
Every queryset starts from restrict(); every figure is counted on a restricted queryset."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Replace
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import countries
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.network.geo import UNCODED_FEATURES, map_code
from qiaolian.network.models import Group, MemberRole, Membership, Steward, StewardRole, active_on
from qiaolian.people.models import Association, Person, PersonContact

DEFAULT_DAYS = 30
COVERED_ROLES = (StewardRole.CADRE, StewardRole.DOCTOR, StewardRole.LAWYER)
MISSING_LABELS = {
    StewardRole.CADRE: gettext_lazy("No cadre"),
    StewardRole.DOCTOR: gettext_lazy("No doctor"),
    StewardRole.LAWYER: gettext_lazy("No lawyer"),
}


def missing_roles(stewards) -> list[str]:
    """Labels of the covered roles (cadre, doctor, lawyer) no active steward holds."""
    held = {s.role for s in stewards}
    return [str(MISSING_LABELS[role]) for role in COVERED_ROLES if role not in held]


def groups(*, user, action: Action = Action.VIEW, within: Unit | None = None) -> QuerySet:
    return Group.objects.restrict(user, action).in_subtree(within)


def active_members(*, user, within: Unit | None = None) -> QuerySet:
    return (
        Membership.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .filter(left_on__isnull=True)
    )


def active_stewards(*, user, within: Unit | None = None) -> QuerySet:
    return Steward.objects.restrict(user, Action.VIEW).in_subtree(within).filter(active_on())


def not_contacted_since(days: int) -> Q:
    cutoff = timezone.now() - timedelta(days=days)
    return Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=cutoff)


def group_list(*, user, action: Action = Action.VIEW, within: Unit | None = None) -> QuerySet:
    """Groups the user may see (or export …), with their active member count."""
    return (
        groups(user=user, action=action, within=within)
        .select_related("unit", "association")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
    )


def filter_groups(queryset: QuerySet, filters: dict[str, Any]) -> QuerySet:
    """The group list's filters (page, export and API share them)."""
    if filters.get("q"):
        queryset = queryset.filter(name__icontains=filters["q"])
    if filters.get("platform"):
        queryset = queryset.filter(platform=filters["platform"])
    if filters.get("unit") is not None:
        queryset = queryset.in_subtree(filters["unit"])
    if filters.get("association") is not None:
        queryset = queryset.filter(association=filters["association"])
    if filters.get("without"):
        # Only decides which of the already restricted groups stay: reveals nothing itself.
        # scoping: exempt - a subquery narrowing the restricted groups
        covered = Steward.objects.filter(active_on(), role=filters["without"]).values("group_id")
        queryset = queryset.exclude(pk__in=covered)
    if filters.get("not_contacted_days"):
        queryset = queryset.filter(not_contacted_since(filters["not_contacted_days"]))
    return queryset


ROLE_ORDER = Case(
    When(role=MemberRole.OWNER, then=Value(0)),
    When(role=MemberRole.LEADER, then=Value(1)),
    default=Value(2),
)


def group_members(*, user, group: Group) -> QuerySet:
    """Active members: 群主 first, then 侨领, then everyone by pinyin."""
    return (
        Membership.objects.restrict(user, Action.VIEW)
        .filter(group=group, left_on__isnull=True)
        .select_related("person")
        .order_by(ROLE_ORDER, "person__name_pinyin", "pk")
    )


def group_stewards(*, user, group: Group) -> QuerySet:
    return (
        Steward.objects.restrict(user, Action.VIEW)
        .filter(active_on(), group=group)
        .select_related("user", "person")
        .order_by("role", "pk")
    )


def match_person_text(queryset: QuerySet, q: str) -> QuerySet:
    """People whose Chinese name contains `q`, whose pinyin (without spaces) or initials
    start with it, whose other spellings contain it, or whose phone contains its digits."""
    q = (q or "").strip()
    if not q:
        return queryset
    plain = "".join(q.lower().split())
    digits = "".join(ch for ch in q if ch.isdigit())
    condition = Q(full__contains=plain) | Q(squeezed__startswith=plain)
    condition |= Q(name_initials__startswith=plain) | Q(romanized_names__icontains=q)
    if len(digits) >= 4:
        condition |= Q(
            # scoping: exempt - narrows the restricted people by phone
            pk__in=PersonContact.objects.filter(normalized__contains=digits).values("person_id")
        )
    return queryset.annotate(
        full=Concat("surname", "given_name"),
        squeezed=Replace("name_pinyin", Value(" "), Value("")),
    ).filter(condition)


def people_without_group(*, user, within: Unit | None = None) -> QuerySet:
    """People of the register (in scope) who are in no group the user can see."""
    in_groups = Membership.objects.restrict(user, Action.VIEW).filter(left_on__isnull=True)
    return (
        Person.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .filter(merged_into__isnull=True)
        .exclude(pk__in=in_groups.values("person_id"))
    )


def coverage(*, user, within: Unit | None = None, days: int = DEFAULT_DAYS) -> dict[str, int]:
    """The grid's figures (the reference text's 340 groups, 24,617 people in groups, 350
    cadres, 133 doctors, 111 lawyers) and its gaps, each on restricted querysets."""
    stewards = active_stewards(user=user, within=within)
    has = {
        role: Exists(stewards.filter(group_id=OuterRef("pk"), role=role)) for role in COVERED_ROLES
    }
    group_figures = (
        groups(user=user, within=within)
        .annotate(**{f"has_{role}": condition for role, condition in has.items()})
        .aggregate(
            groups=Count("pk"),
            not_contacted=Count("pk", filter=not_contacted_since(days)),
            **{
                f"groups_without_{role}": Count("pk", filter=Q(**{f"has_{role}": False}))
                for role in COVERED_ROLES
            },
        )
    )
    by_role = {
        row["role"]: row["users"] + row["persons"]
        for row in stewards.values("role").annotate(
            users=Count("user", distinct=True), persons=Count("person", distinct=True)
        )
    }
    return {
        **group_figures,
        "people_in_groups": active_members(user=user, within=within)
        .values("person_id")
        .distinct()
        .count(),
        "people_without_group": people_without_group(user=user, within=within).count(),
        **{f"stewards_{role}": by_role.get(role, 0) for role in StewardRole.values},
        "days": days,
    }


def world_map(*, user, within: Unit | None = None) -> dict[str, Any]:
    """People and associations per country or region (the table) and per feature of the map
    (keyed by ISO code; Taiwan, Hong Kong and Macao are drawn inside China)."""
    people = dict(
        Person.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .filter(merged_into__isnull=True)
        .exclude(country="")
        .values_list("country")
        .annotate(n=Count("pk"))
        .order_by()
    )
    associations = dict(
        Association.objects.restrict(user, Action.VIEW)
        .in_subtree(within)
        .exclude(country="")
        .values_list("country")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [
        {
            "code": code,
            "label": countries.name(code) or code,
            "value": people.get(code, 0),
            "associations": associations.get(code, 0),
        }
        for code in set(people) | set(associations)
    ]
    rows.sort(key=lambda r: (-r["value"], -r["associations"], r["label"]))
    features: dict[str, dict[str, Any]] = {}
    for row in rows:
        code = map_code(row["code"])
        feature = features.setdefault(
            code, {"name": code, "label": "", "value": 0, "associations": 0}
        )
        feature["label"] = " / ".join(filter(None, (feature["label"], row["label"])))
        feature["value"] += row["value"]
        feature["associations"] += row["associations"]
    return {
        "countries": rows,
        "features": list(features.values()),
        "names": dict(countries.choices()),
        "uncoded": UNCODED_FEATURES,
        "labels": {
            "people": _("People"),
            "associations": _("Associations"),
        },
    }


def grid_branches(*, user, within: Unit | None = None) -> list[dict[str, Any]]:
    """The grid's first level: each unit that owns groups in scope, with its group and member
    counts, in unit-tree order (two queries). The groups of a branch are loaded when it is
    opened (`grid_tree(..., unit=…)`), so the page costs the same with 340 groups or 34,000."""
    rows = (
        groups(user=user, within=within)
        .values("unit_id")
        .annotate(
            groups=Count("pk", distinct=True),
            members=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
        )
        .order_by()
    )
    counts = {row["unit_id"]: row for row in rows}
    # scoping: exempt - the units of rows counted from restrict()
    units = Unit.objects.filter(pk__in=counts).order_by("path")
    return [
        {"unit": unit, "groups": counts[unit.pk]["groups"], "members": counts[unit.pk]["members"]}
        for unit in units
    ]


def grid_tree(
    *, user, within: Unit | None = None, unit: Unit | None = None
) -> list[dict[str, Any]]:
    """unit → groups → leaders (群主, 侨领) and stewards, in four queries however large;
    `unit` keeps to the groups that unit itself owns (one branch of the grid)."""
    scoped = groups(user=user, within=within)
    if unit is not None:
        scoped = scoped.filter(unit=unit)
    group_rows = list(
        scoped.select_related("unit", "association")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("unit__path", "name")
    )
    ids = [g.pk for g in group_rows]
    leaders: dict[int, list[Membership]] = defaultdict(list)
    for membership in (
        active_members(user=user)
        .filter(group_id__in=ids, role__in=(MemberRole.OWNER, MemberRole.LEADER))
        .select_related("person")
        .order_by(ROLE_ORDER, "person__name_pinyin")
    ):
        leaders[membership.group_id].append(membership)
    stewards: dict[int, list[Steward]] = defaultdict(list)
    for steward in (
        active_stewards(user=user)
        .filter(group_id__in=ids)
        .select_related("user", "person")
        .order_by("role", "pk")
    ):
        stewards[steward.group_id].append(steward)
    tree: list[dict[str, Any]] = []
    for group in group_rows:
        group.leaders = leaders.get(group.pk, [])
        group.steward_list = stewards.get(group.pk, [])
        group.missing_labels = missing_roles(group.steward_list)
        if not tree or tree[-1]["unit"].pk != group.unit_id:
            tree.append({"unit": group.unit, "groups": [], "members": 0})
        tree[-1]["groups"].append(group)
        tree[-1]["members"] += group.member_count
    return tree


def members_of_stewarded_groups(user: Any) -> Q:
    """The people a steward (a volunteer or liaison officer embedded in groups) may see: the
    current members of the groups they steward now. Contributed to people's narrowing."""
    today = timezone.localdate()
    # scoping: exempt - a narrowing condition (the user's own steward posts and their
    # groups' members), used inside Person.objects.restrict() itself.
    stewarded = Steward.objects.filter(
        Q(until__isnull=True) | Q(until__gt=today), user=user
    ).values("group_id")
    members = Membership.objects.filter(  # scoping: exempt - as just above
        group_id__in=stewarded, left_on__isnull=True
    )
    return Q(pk__in=members.values("person_id"))
