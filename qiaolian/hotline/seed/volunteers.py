"""The hotline's volunteers (the demo doctor, colleagues abroad so that the day is covered,
the grid's doctors and lawyers, psychologists and interpreters) and their shifts."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from qiaolian.core.models import Role, Unit, UnitRole, User
from qiaolian.hotline.models import Profession, Shift, Volunteer
from qiaolian.hotline.seed.rows import shift_row


@dataclass
class Volunteers:
    by_profession: dict[str, list[Volunteer]] = field(default_factory=lambda: defaultdict(list))


class VolunteerSteps:
    rng: random.Random
    made: dict[str, Any]
    zone: Any

    # --- volunteers and their shifts ------------------------------------------------------

    def _volunteers(self, city: Unit, districts: list[Unit]) -> Volunteers:
        rng = self.rng
        found = Volunteers()
        roles = {r.code: r for r in Role.objects.filter(code__in=["volunteer"])}
        haishu = next((d for d in districts if d.code == "330203"), districts[0])
        password = make_password(None)
        made_users = 0

        def volunteer(user: User, unit: Unit, profession: str, tz: str, langs: str, spec: str):
            record = Volunteer.objects.filter(user=user).first()
            if record is None:
                record = Volunteer.objects.create(
                    unit=unit,
                    user=user,
                    profession=profession,
                    licence_number=f"{rng.randint(10**13, 10**14 - 1)}",
                    specialties=spec,
                    languages=langs,
                    time_zone=tz,
                    availability="见值班表",
                )
            found.by_profession[profession].append(record)
            return record

        def account(username: str, display: str, unit: Unit) -> User:
            nonlocal made_users
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username, display_name=display, home_unit=unit, password=password
                )
                made_users += 1
                if "volunteer" in roles:
                    UnitRole.objects.get_or_create(user=user, unit=unit, role=roles["volunteer"])
            return user

        demo = User.objects.filter(username="volunteer_doctor").first()
        doctors = []
        if demo is not None:
            doctors.append(
                volunteer(demo, haishu, Profession.DOCTOR, "Asia/Shanghai", "中文, English", "全科")
            )
        # The rota's night and evening doctors abroad (so 24 hours are covered in Beijing time).
        for username, display, tz, langs, spec in (
            ("doctor_milan", "米兰华人医生", "Europe/Rome", "中文, Italiano", "内科"),
            ("doctor_newyork", "纽约华人医生", "America/New_York", "中文, English", "儿科"),
        ):
            doctors.append(
                volunteer(
                    account(username, display, haishu), haishu, Profession.DOCTOR, tz, langs, spec
                )
            )
        stewards = self._steward_users()
        for profession, users in stewards.items():
            for user in users[:8]:
                if user.pk in {v.user_id for vs in found.by_profession.values() for v in vs}:
                    continue
                unit = user.home_unit or haishu
                volunteer(user, unit, profession, "Asia/Shanghai", "中文", "")
        for profession, prefix, display, count in (
            (Profession.LAWYER, "hotline_lawyer", "热线律师", 3),
            (Profession.PSYCHOLOGIST, "psychologist", "心理咨询师", 3),
            (Profession.INTERPRETER, "interpreter", "翻译志愿者", 3),
        ):
            have = len(found.by_profession[profession])
            for number in range(1, max(0, count - have) + 1):
                unit = [city, haishu, *districts][number % (len(districts) + 2)]
                volunteer(
                    account(f"{prefix}{number:02d}", f"{display}{number}", unit),
                    unit,
                    profession,
                    rng.choice(["Asia/Shanghai", "Europe/Madrid", "Europe/Paris"]),
                    rng.choice(["中文, English", "中文, Español", "中文, Français"]),
                    "",
                )
        self._shifts(doctors, found)
        self.made["volunteers"] = sum(len(v) for v in found.by_profession.values())
        self.made["volunteer_users"] = made_users
        return found

    def _steward_users(self) -> dict[str, list[User]]:
        from qiaolian.network.models import Steward, StewardRole

        wanted: dict[str, Profession] = {
            StewardRole.DOCTOR: Profession.DOCTOR,
            StewardRole.LAWYER: Profession.LAWYER,
            StewardRole.INTERPRETER: Profession.INTERPRETER,
        }
        found: dict[str, list[User]] = defaultdict(list)
        rows = (
            Steward.objects.filter(role__in=list(wanted), user__isnull=False, user__is_active=True)
            .select_related("user", "user__home_unit")
            .order_by("user__username")
        )
        for steward in rows:
            profession = wanted[steward.role]
            user = steward.user
            if user is not None and user not in found[profession]:
                found[profession].append(user)
        return found

    def _shifts(self, doctors: list[Volunteer], found: Volunteers) -> None:
        """Three eight-hour doctor shifts a day (Beijing time) from two weeks ago to four
        weeks ahead — the demo doctor by day — and daytime shifts for the other professions."""
        today = timezone.localdate()
        rows = []
        for offset in range(-14, 29):
            day = today + timedelta(days=offset)
            start = timezone.make_aware(datetime.combine(day, datetime.min.time()), self.zone)
            if doctors:
                # 08–16 the demo doctor, 16–24 Milan (their morning), 00–08 New York (evening).
                order = [
                    doctors[min(2, len(doctors) - 1)],
                    doctors[0],
                    doctors[min(1, len(doctors) - 1)],
                ]
                for index, volunteer in enumerate(order):
                    rows.append(
                        shift_row(
                            volunteer=volunteer,
                            starts_at=start + timedelta(hours=8 * index),
                            ends_at=start + timedelta(hours=8 * (index + 1)),
                            note="医生值班",
                        )
                    )
            for profession in (Profession.LAWYER, Profession.PSYCHOLOGIST, Profession.INTERPRETER):
                team = found.by_profession.get(profession) or []
                if team:
                    volunteer = team[offset % len(team)]
                    rows.append(
                        shift_row(
                            volunteer=volunteer,
                            starts_at=start + timedelta(hours=8),
                            ends_at=start + timedelta(hours=20),
                        )
                    )
        Shift.objects.bulk_create(rows, batch_size=1000)
        self.made["shifts"] = len(rows)
