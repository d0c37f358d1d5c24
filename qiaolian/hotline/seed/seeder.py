"""The hotline seed's run: units, staff, requesters and SLA policies here; volunteers
(volunteers.py) and the year's work (work.py) in the mixins."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from qiaolian.core import audit
from qiaolian.core.models import Unit, UnitKind, UnitRole, User
from qiaolian.hotline.models import Answer, AnswerStatus, Case, SlaPolicy
from qiaolian.hotline.seed.content import ANSWERS
from qiaolian.hotline.seed.plan import CITY_CODE, RANDOM_SEED, Plan, plan_for, seed_year
from qiaolian.hotline.seed.rows import answer_row, counters_raise
from qiaolian.hotline.seed.volunteers import VolunteerSteps
from qiaolian.hotline.seed.work import WorkSteps
from qiaolian.hotline.services import rollup, sla
from qiaolian.people.models import ContactKind, PersonContact


def seed_hotline(scale: int = 1, *, plan: Plan | None = None) -> dict[str, Any]:
    """Create the year of hotline work unless cases already exist; returns what was made."""
    if plan is None:
        plan = plan_for(scale)
        if plan is None:
            return {"skipped": True}
    if Case.objects.exists():
        return {"skipped": True}
    started = time.perf_counter()
    with transaction.atomic():
        made = Seeder(plan, random.Random(RANDOM_SEED + scale)).run()  # noqa: S311 - demo
        # bulk_create skips the saves that keep the figures' rollup: count it once.
        rollup.rebuild()
    made["seconds"] = round(time.perf_counter() - started, 1)
    return made


class Seeder(VolunteerSteps, WorkSteps):
    def __init__(self, plan: Plan, rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.zone = timezone.get_current_timezone()
        self.now = timezone.now()
        self.year = seed_year(timezone.localdate(self.now))
        self.made: dict[str, Any] = {}
        self.numbers: dict[int, int] = {}
        self.days = [
            self.year.start + timedelta(days=i)
            for i in range((self.year.end - self.year.start).days + 1)
        ]
        self.day_weights = [self._day_weight(d) for d in self.days]

    # --- units, people, staff -------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        city = Unit.objects.filter(code=CITY_CODE).first()
        if city is None:
            raise ValueError("the hotline seed needs the seeded city (run the core seed first)")
        districts = list(
            Unit.objects.filter(
                path__startswith=city.path,
                depth=city.depth + 1,
                kind=UnitKind.DISTRICT,
                is_active=True,
            )
        )
        self.units = [city, *districts]
        weights = [2.2, *[1.6, 1.2, 1.0, 1.4, 1.3, 0.8, 0.9, 1.0, 0.6, 0.7][: len(districts)]]
        while len(weights) < len(self.units):
            weights.append(0.8)
        self.unit_weights = weights
        self.staff = self._staff()
        self.people = self._people()
        policies = self._policies()
        self.volunteers = self._volunteers(city, districts)
        cases, calls, events, tomb, surveys = self._work(policies)
        self._answers(city)
        counters_raise(self.numbers)
        self.made.update(
            cases=len(cases),
            calls=len(calls),
            events=len(events),
            tomb_orders=len(tomb),
            surveys=len(surveys),
            **{f"plan_{k}": v for k, v in self.plan.totals().items()},
        )
        audit.record(
            actor=None,
            action="seed.hotline",
            unit=city,
            message=" ".join(f"{k}={v}" for k, v in self.made.items()),
        )
        return self.made

    def _staff(self) -> dict[int, list[User]]:
        """Users holding staff or unit_admin exactly at each unit (who take its calls)."""
        staff: dict[int, list[User]] = defaultdict(list)
        grants = UnitRole.objects.filter(
            unit__in=self.units, role__code__in=["staff", "unit_admin"], user__is_active=True
        ).select_related("user")
        for grant in grants.order_by("user__username"):
            if grant.user not in staff[grant.unit_id]:
                staff[grant.unit_id].append(grant.user)
        city = self.units[0]
        for unit in self.units:
            if not staff[unit.pk]:
                staff[unit.pk] = list(staff[city.pk])
        return staff

    def _people(self) -> list[tuple[Any, str, str, str]]:
        """(person id, name, e164, time zone) of up to 4,000 registered people with a phone."""
        rows = (
            PersonContact.objects.filter(
                kind=ContactKind.PHONE, person__merged_into__isnull=True, is_primary=True
            )
            .order_by("id")
            .values_list(
                "person_id",
                "person__surname",
                "person__given_name",
                "normalized",
                "person__time_zone",
            )[:4000]
        )
        # Who has an e-mail address (their survey goes by e-mail, see `survey_events`).
        self.emailed = set(
            PersonContact.objects.filter(kind=ContactKind.EMAIL).values_list("person_id", flat=True)
        )
        # Numbers several people share (near-duplicates): a call from one names nobody.
        self.shared_numbers = set(
            PersonContact.objects.filter(kind=ContactKind.PHONE, person__merged_into__isnull=True)
            .values("normalized")
            .annotate(people=Count("person", distinct=True))
            .filter(people__gt=1)
            .values_list("normalized", flat=True)
        )
        return [(pk, f"{s}{g}", phone, tz) for pk, s, g, phone, tz in rows]

    def _policies(self) -> dict[tuple[str, str], SlaPolicy]:
        sla.ensure_default_policies()
        return {
            (p.category, p.priority): p
            for p in SlaPolicy.objects.filter(is_active=True).select_related("calendar")
        }

    def _answers(self, city: Unit) -> None:
        author = (self.staff.get(city.pk) or [None])[0]
        rows = [
            answer_row(
                unit=city,
                category=category,
                status=AnswerStatus.PUBLIC if index % 5 else AnswerStatus.INTERNAL,
                title_zh=title_zh,
                title_en=title_en,
                body_zh=body_zh,
                body_en=body_en,
                keywords=keywords,
                created_by=author,
            )
            for index, (category, title_zh, title_en, body_zh, body_en, keywords) in enumerate(
                ANSWERS[: self.plan.answers]
            )
        ]
        Answer.objects.bulk_create(rows)
        self.made["answers"] = len(rows)
