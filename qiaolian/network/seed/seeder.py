"""The grid seed's run: units, associations and groups here; people (people.py) and the
grid around them (grid.py) in the mixins."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qiaolian.core import audit
from qiaolian.core.models import Unit, UnitKind
from qiaolian.network import seed_data as data
from qiaolian.network.models import Group, Membership, Platform
from qiaolian.network.seed.bulk import Clock, insert
from qiaolian.network.seed.grid import GridSteps
from qiaolian.network.seed.people import PeopleSteps
from qiaolian.network.seed.plan import CITY_CODE, RANDOM_SEED, Plan
from qiaolian.network.seed.rows import association_row, group_row
from qiaolian.people.models import Association, Person, Source


def seed_network(scale: int = 1, *, plan: Plan | None = None, units=None) -> dict[str, Any]:
    """Create the grid's demo data unless seed people already exist; returns what was made.

    `units` (default: the districts and townships of the seeded city) own the groups.
    The setting SEED_NETWORK_PLAN ("article", "tiny" or "off"; the tests use "tiny") picks
    the volumes when no plan is given, so a test of the seed command stays fast."""
    if plan is None:
        mode = getattr(settings, "SEED_NETWORK_PLAN", "article")
        if mode == "off":
            return {"skipped": True}
        plan = Plan.tiny() if mode == "tiny" else Plan.article(scale)
    if Person.objects.filter(source=Source.SEED).exists():
        return {"skipped": True}
    started = time.perf_counter()
    with transaction.atomic():
        made = Seeder(plan, random.Random(RANDOM_SEED + scale)).run(  # noqa: S311 - demo data
            units
        )
    made["seconds"] = round(time.perf_counter() - started, 1)
    return made


class Seeder(PeopleSteps, GridSteps):
    def __init__(self, plan: Plan, rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.used_phones: set[str] = set()
        self.countries = {code: row for code, *row in data.COUNTRIES}
        self.given_pool = self._given_pool()
        self.made: dict[str, Any] = {}
        self.contacts_of: dict[int, list[tuple[str, str]]] = {}
        self.today = timezone.localdate()
        self.districts_by_path: dict[str, Unit] = {}
        self.group_members: dict[int, list[int]] = {}

    def run(self, units) -> dict[str, Any]:
        clock = Clock()
        districts, townships = self._units(units)
        associations = self._associations(districts)
        groups = self._groups(districts, townships, associations)
        slots = self._people(groups, townships)
        clock.lap("generate")
        people = self._save_people(slots)
        clock.lap("people")
        memberships = self._memberships(groups, slots, people)
        self._leaders(associations, groups, memberships, people)
        insert(Membership, memberships)
        self._stewards(groups, people)
        clock.lap("groups")
        self._index(people)
        clock.lap("search index")
        self.made["phases"] = clock.laps
        self.made.update(
            groups=len(groups),
            people=len(people),
            people_in_groups=len({m.person_id for m in memberships}),
            memberships=len(memberships),
            associations=len(associations),
        )
        audit.record(
            actor=None,
            action="seed.network",
            unit=Unit.objects.filter(code=CITY_CODE).first() or districts[0],
            message=" ".join(f"{k}={v}" for k, v in self.made.items()),
        )
        return self.made

    # units ---------------------------------------------------------------------------------

    def _units(self, units) -> tuple[list[Unit], list[Unit]]:
        if units is None:
            city = Unit.objects.get(code=CITY_CODE)
            units = Unit.objects.filter(path__startswith=city.path, is_active=True)
        units = list(units)
        districts = [u for u in units if u.kind == UnitKind.DISTRICT]
        townships = [u for u in units if u.kind == UnitKind.TOWNSHIP]
        if not districts:
            raise ValueError("the network seed needs district units (run the core seed first)")
        return districts, townships or districts

    # associations --------------------------------------------------------------------------

    def _associations(self, districts: list[Unit]) -> list[Association]:
        rng = self.rng
        codes = [code for code, *_ in data.COUNTRIES]
        weights = [row[2] for row in data.COUNTRIES]
        count = self.plan.associations
        # Every country has at least one association (while there are enough to go round).
        chosen = codes[:count] + rng.choices(codes, weights, k=max(0, count - len(codes)))
        used_names: set[str] = set()
        rows = []
        for index, code in enumerate(chosen):
            country_cn, _w, cities, _lang = self.countries[code]
            city, city_cn = rng.choice(cities)
            district = districts[index % len(districts)]
            pattern, pattern_en = rng.choice(data.ASSOCIATION_PATTERNS)
            fill = {
                "country": country_cn,
                "city": city_cn,
                "district": district.name.removesuffix("侨联"),
                "country_en": code,
                "city_en": city,
                "district_en": district.name_en or district.code,
            }
            name = pattern.format(**fill)
            serial = 2
            while name in used_names:
                name = f"{pattern.format(**fill)}（{serial}）"
                serial += 1
            used_names.add(name)
            rows.append(
                association_row(
                    unit=district,
                    name=name,
                    name_local=pattern_en.format(**fill),
                    country=code,
                    city=city,
                    founded_year=rng.randint(1978, 2018),
                    member_count=rng.randint(80, 1500),
                )
            )
        return Association.objects.bulk_create(rows)

    # groups --------------------------------------------------------------------------------

    def _groups(self, districts, townships, associations) -> list[Group]:
        rng = self.rng
        codes = [code for code, *_ in data.COUNTRIES]
        weights = [row[2] for row in data.COUNTRIES]
        by_country = defaultdict(list)
        for association in associations:
            by_country[str(association.country)].append(association)
        platforms = [
            (Platform.WECHAT, 80),
            (Platform.WHATSAPP, 8),
            (Platform.LINE, 3),
            (Platform.TELEGRAM, 3),
            (Platform.DINGTALK, 3),
            (Platform.OTHER, 3),
        ]
        used: set[str] = set()
        groups = []
        for index in range(self.plan.groups):
            # The first groups cover every country; the rest follow the weights.
            code = codes[index] if index < len(codes) else rng.choices(codes, weights)[0]
            country_cn, _w, cities, _lang = self.countries[code]
            city, city_cn = rng.choice(cities)
            unit = rng.choice(districts) if rng.random() < 0.4 else rng.choice(townships)
            association = None
            if by_country[code] and rng.random() < 0.8:
                association = rng.choice(by_country[code])
            pattern = rng.choice(
                data.GROUP_PATTERNS[:-1] if association is None else data.GROUP_PATTERNS
            )
            base = pattern.format(
                district=unit.name.removesuffix("侨联"),
                country=country_cn,
                city=city_cn,
                association=association.name if association else "",
            )
            name, serial = base, 2
            while name in used:  # 米兰宁波乡亲群 → 米兰宁波乡亲2群
                name = f"{base.removesuffix('群')}{serial}群"
                serial += 1
            used.add(name)
            created = date(2020, 1, 25) + timedelta(days=rng.randint(0, 95))
            contacted = None
            roll = rng.random()
            if roll < 0.72:
                contacted = self._moment(self.today - timedelta(days=rng.randint(1, 29)))
            elif roll < 0.9:
                contacted = self._moment(self.today - timedelta(days=rng.randint(30, 120)))
            group = group_row(
                unit=unit,
                platform=rng.choices([p for p, _ in platforms], [w for _, w in platforms])[0],
                name=name,
                association=association,
                created_on=created,
                last_contacted_at=contacted,
            )
            # Where the group's people live (not stored on the group: its members carry it).
            group.country = code
            group.city = city
            groups.append(group)
        saved = Group.objects.bulk_create(groups)
        for group, original in zip(saved, groups, strict=True):
            group.country, group.city = original.country, original.city
        return saved

    def _moment(self, day: date) -> datetime:
        return datetime(
            day.year,
            day.month,
            day.day,
            self.rng.randint(1, 13),
            self.rng.randint(0, 59),
            tzinfo=UTC,
        )
