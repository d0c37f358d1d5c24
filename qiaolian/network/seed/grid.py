"""The grid around the seed's people: memberships, associations' leaders, and the stewards
(cadres, doctors, lawyers) embedded in the groups."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password

from qiaolian.core.models import Role, Unit, UnitKind, UnitRole, User
from qiaolian.network.models import Group, MemberRole, Membership, Steward, StewardRole
from qiaolian.network.seed.plan import Plan
from qiaolian.network.seed.rows import (
    grant_row,
    leader_row,
    membership_row,
    person_becomes_lawyer,
    steward_row,
    user_row,
)
from qiaolian.people.models import AssociationLeader, Person


class GridSteps:
    plan: Plan
    rng: random.Random
    made: dict[str, Any]
    today: date
    districts_by_path: dict[str, Unit]
    group_members: dict[int, list[int]]

    def _name(self) -> tuple[str, str, str]:  # pragma: no cover - PeopleSteps provides it
        raise NotImplementedError

    # memberships and leaders ---------------------------------------------------------------

    def _memberships(self, groups, slots, people) -> list[Membership]:
        rng = self.rng
        by_country = defaultdict(list)
        for index, group in enumerate(groups):
            by_country[group.country].append(index)
        members: dict[int, list[int]] = defaultdict(list)  # group index → person indexes
        for person_index, slot in enumerate(slots):
            if slot.group is None:
                continue
            members[slot.group].append(person_index)
            if rng.random() < self.plan.second_group_share:
                others = [g for g in by_country[groups[slot.group].country] if g != slot.group]
                if others:
                    members[rng.choice(others)].append(person_index)
        rows = []
        self.group_members = members
        for group_index, person_indexes in members.items():
            group = groups[group_index]
            roles = {person_indexes[0]: MemberRole.OWNER}
            for leader in rng.sample(
                person_indexes[1:], min(len(person_indexes) - 1, rng.randint(1, 3))
            ):
                roles[leader] = MemberRole.LEADER
            span = max(1, (self.today - group.created_on).days)
            rows.extend(
                membership_row(
                    group=group,
                    person=people[person_index],
                    role=roles.get(person_index, MemberRole.MEMBER),
                    joined_on=group.created_on + timedelta(days=int(span * rng.random() ** 3)),
                )
                for person_index in person_indexes
            )
        return rows

    def _leaders(self, associations, groups, memberships, people) -> None:
        """会长, 副会长 and 秘书长 of each association, taken from its groups' members (who
        are then 侨领 in that group)."""
        rng = self.rng
        by_group = defaultdict(list)
        for membership in memberships:
            by_group[membership.group.pk].append(membership)
        groups_of = defaultdict(list)
        for group in groups:
            if group.association_id:
                groups_of[group.association_id].append(group)
        posts = [
            AssociationLeader.Post.PRESIDENT,
            AssociationLeader.Post.VICE_PRESIDENT,
            AssociationLeader.Post.VICE_PRESIDENT,
            AssociationLeader.Post.SECRETARY_GENERAL,
        ]
        rows = []
        for association in associations:
            candidates = [m for g in groups_of[association.pk] for m in by_group[g.pk]]
            if not candidates:
                continue
            chosen = rng.sample(candidates, min(len(candidates), len(posts)))
            seen = set()
            for post, membership in zip(posts, chosen, strict=False):
                if membership.person.pk in seen:
                    continue
                seen.add(membership.person.pk)
                if membership.role == MemberRole.MEMBER:
                    membership.role = MemberRole.LEADER
                rows.append(
                    leader_row(
                        association=association,
                        person=membership.person,
                        post=post,
                        since=date(rng.randint(2012, 2020), rng.randint(1, 12), 1),
                    )
                )
        AssociationLeader.objects.bulk_create(rows)
        self.made["association_leaders"] = len(rows)

    # stewards ------------------------------------------------------------------------------

    def _stewards(self, groups: list[Group], people: list[Person]) -> None:
        """Cadres (staff users of the group's unit), doctors (volunteer users of a district)
        and lawyers (volunteer users, or people of the register without an account). The
        demo logins `liaison_demo` and `volunteer_doctor` are one cadre and one doctor, in
        groups of their own district, so their narrowed views show something."""
        plan, rng = self.plan, self.rng
        roles = {r.code: r for r in Role.objects.filter(code__in=["staff", "volunteer"])}
        demo = {
            u.username: u
            for u in User.objects.filter(
                username__in=["liaison_demo", "volunteer_doctor"]
            ).select_related("home_unit")
        }
        district = [self._district(g.unit) for g in groups]
        order = list(range(len(groups)))
        rng.shuffle(order)
        password = make_password(None)  # unusable: the documented demo logins are enough
        new_users: list[User] = []
        grants: list[UnitRole] = []
        assignments: list[tuple[Any, list[int], str]] = []  # (user or person, groups, role)

        def demo_groups(user: User) -> list[int]:
            home = user.home_unit
            mine = [i for i in order if home and district[i].pk == home.pk]
            if user.username == "volunteer_doctor":
                mine = mine[2:]  # overlapping the liaison officer's groups in one only
            return mine[:3] or order[:2]

        def account(username: str, unit: Unit, role_code: str) -> User:
            user = self._user(username, unit, password)
            new_users.append(user)
            grants.append(grant_row(user=user, unit=unit, role=roles[role_code]))
            return user

        # Cadres: one for most groups; the rest of them a second cadre in a covered group.
        covered = order[: min(len(groups), round(len(groups) * 0.92), plan.cadres)]
        cadre_groups = covered + rng.choices(covered, k=max(0, plan.cadres - len(covered)))
        for number, group_index in enumerate(cadre_groups, start=1):
            if number == 1 and "liaison_demo" in demo:
                user = demo["liaison_demo"]
                assignments.append((user, demo_groups(user), StewardRole.CADRE))
                continue
            unit = groups[group_index].unit
            assignments.append(
                (account(f"cadre{number:04d}", unit, "staff"), [group_index], StewardRole.CADRE)
            )

        # Doctors and lawyers: each in one to three groups of one district.
        def volunteers(role: str, count: int, prefix: str, share_without_account: float):
            for number in range(1, count + 1):
                first = order[(number * 7) % len(order)]
                same = [i for i in order if district[i].pk == district[first].pk]
                picks = rng.sample(same, min(len(same), rng.choices([1, 2, 3], [5, 3, 2])[0]))
                if role == StewardRole.DOCTOR and number == 1 and "volunteer_doctor" in demo:
                    user = demo["volunteer_doctor"]
                    assignments.append((user, demo_groups(user), role))
                elif rng.random() < share_without_account:
                    assignments.append((self._lawyer_person(picks[0], people), picks, role))
                else:
                    user = account(f"{prefix}{number:04d}", district[first], "volunteer")
                    assignments.append((user, picks, role))

        volunteers(StewardRole.DOCTOR, plan.doctors, "doctor", 0.0)
        volunteers(StewardRole.LAWYER, plan.lawyers, "lawyer", 0.33)
        User.objects.bulk_create(new_users, batch_size=1000)
        UnitRole.objects.bulk_create(grants, batch_size=1000)
        stewards = []
        for holder, picks, role in assignments:
            since = date(2020, 2, 1) + timedelta(days=rng.randint(0, 60))
            stewards.extend(
                steward_row(group=groups[group_index], role=role, since=since, holder=holder)
                for group_index in picks
            )
        Steward.objects.bulk_create(stewards, batch_size=2000)

        def distinct(role: str) -> int:
            return len({(s.user_id, s.person_id) for s in stewards if s.role == role})

        self.made.update(
            users=len(new_users),
            stewards=len(stewards),
            cadres=distinct(StewardRole.CADRE),
            doctors=distinct(StewardRole.DOCTOR),
            lawyers=distinct(StewardRole.LAWYER),
        )

    def _lawyer_person(self, group_index: int, people: list[Person]) -> Person:
        """A member of the group who serves it as its lawyer without an account."""
        index = self.rng.choice(self.group_members[group_index])
        person = people[index]
        person_becomes_lawyer(person)
        return person

    def _district(self, unit: Unit) -> Unit:
        if unit.kind == UnitKind.DISTRICT or unit.depth <= 2:
            return unit
        path = unit.path[: Unit.steplen * 2]
        if path not in self.districts_by_path:
            self.districts_by_path[path] = Unit.objects.get(path=path)
        return self.districts_by_path[path]

    def _user(self, username: str, unit: Unit, password: str) -> User:
        surname, given, _gender = self._name()
        return user_row(
            username=username, display_name=f"{surname}{given}", unit=unit, password=password
        )
