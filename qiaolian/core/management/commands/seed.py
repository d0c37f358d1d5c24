"""`qiaolian seed --scale article|N`: the Ningbo federation's demo data, idempotently."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qiaolian.core import audit, registry, seed_data
from qiaolian.core.models import DictItem, DictType, Role, Unit, UnitKind, UnitRole, User
from qiaolian.core.roles import ensure_builtin_roles


class Command(BaseCommand):
    help = "Load the demo data (the Ningbo federation). Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            default="article",
            help="'article' for the reference text's volumes, or an integer multiplier.",
        )

    def handle(self, *args, scale, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Refusing to load demo data (accounts with a published password) with DEBUG off. "
                "Set DEMO_DATA_ALLOWED=1 if this really is a demo server."
            )
        if scale == "article":
            factor = 1
        elif scale.isdigit() and int(scale) >= 1:
            factor = int(scale)
        else:
            raise CommandError("--scale must be 'article' or a positive integer")
        with transaction.atomic():
            created = seed(factor)
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seed complete: {created['units']} units and {created['users']} users created "
                    f"({Unit.objects.count()} units in all)."
                )
            )


def _unit(parent: Unit | None, code: str, name: str, kind: str, name_en: str = "") -> tuple:
    existing = Unit.objects.filter(code=code).first()
    if existing:
        return existing, False
    unit = Unit(code=code, name=name, name_en=name_en, kind=kind)
    if parent is None:
        return Unit.objects.add_root(instance=unit), True
    return Unit.objects.add_child(Unit.objects.get(pk=parent.pk), instance=unit), True


def seed(factor: int = 1) -> dict:
    ensure_builtin_roles()
    made: dict[str, Any] = {"units": 0, "users": 0}

    def add(parent, code, name, kind, name_en=""):
        unit, created = _unit(parent, code, name, kind, name_en)
        made["units"] += created
        return unit

    code, name, name_en = seed_data.CITY
    city = add(None, code, name, UnitKind.CITY, name_en)
    for d_code, d_name, d_en, townships in seed_data.DISTRICTS:
        district = add(city, d_code, d_name, UnitKind.DISTRICT, d_en)
        for t_index, t_name in enumerate(townships, start=1):
            t_code = f"{d_code}{t_index:03d}"
            township = add(district, t_code, f"{t_name}侨联", UnitKind.TOWNSHIP)
            for g_index in range(1, 2 * factor + 1):
                suffix, kind = seed_data.GRASSROOTS_SUFFIXES[g_index % 2]
                place = t_name.removesuffix("街道").removesuffix("镇")
                add(township, f"{t_code}{g_index:03d}", f"{place}第{g_index}{suffix}", kind)
    for index, (d_code, i_name, kind) in enumerate(seed_data.INSTITUTIONS, start=1):
        district = Unit.objects.get(code=d_code)
        add(district, f"{d_code}9{index:02d}", i_name, kind)
    for index, (o_name, o_en) in enumerate(seed_data.OVERSEAS_OFFICES, start=1):
        add(city, f"330200H{index:02d}", o_name, UnitKind.OVERSEAS_OFFICE, o_en)

    for dict_code, (d_name, d_en, items) in seed_data.DICTIONARIES.items():
        dict_type, _ = DictType.objects.get_or_create(
            code=dict_code, defaults={"name": d_name, "name_en": d_en, "is_system": True}
        )
        for order, (value, label, label_en) in enumerate(items, start=1):
            DictItem.objects.get_or_create(
                dict_type=dict_type,
                value=value,
                defaults={"label": label, "label_en": label_en, "sort_order": order},
            )

    roles = {role.code: role for role in Role.objects.all()}
    for username, display, home_code, role_code, unit_code in seed_data.DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, display_name=display, home_unit=Unit.objects.get(code=home_code)
            )
            user.set_password(seed_data.DEMO_PASSWORD)
            user.save()
            made["users"] += 1
        UnitRole.objects.get_or_create(
            user=user, unit=Unit.objects.get(code=unit_code), role=roles[role_code]
        )
    # Each app's demo data, in the order its seed steps declare (core/registry.py).
    for step in registry.seed_steps():
        made[step.name] = registry.resolve(step.run)(factor)
    if made["units"] or made["users"]:
        audit.record(
            actor=None,
            action="seed.run",
            unit=city,
            message=f"scale={factor} units={made['units']} users={made['users']}",
        )
    return made
