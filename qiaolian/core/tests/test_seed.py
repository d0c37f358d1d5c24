"""`seed` builds the Ningbo federation of the reference text, and can be run again safely."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import RequestFactory, TestCase

from qiaolian.core import seed_data
from qiaolian.core.models import AuditEvent, DictItem, Unit, UnitKind, UnitRole, User
from qiaolian.core.roles import BUILTIN_ROLES

NINGBO_DISTRICTS = ["海曙", "江北", "北仑", "镇海", "鄞州", "奉化", "余姚", "慈溪", "宁海", "象山"]
GRASSROOTS = (UnitKind.COMMUNITY, UnitKind.VILLAGE)


def seed(*args) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "grants": UnitRole.objects.count(),
        "dictionary items": DictItem.objects.count(),
    }


class SeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()
        cls.first = counts()

    def test_it_changes_nothing_when_run_again(self):
        # `make run` seeds on every start; a second run must not duplicate the federation.
        events = AuditEvent.objects.count()
        output = seed()
        assert counts() == self.first
        assert "0 units and 0 users created" in output
        assert AuditEvent.objects.count() == events

    def test_it_records_the_run_that_created_data(self):
        event = AuditEvent.objects.get(action="seed.run")
        assert event.actor is None
        assert event.actor_name == "system"
        assert "scale=1" in event.message

    def test_it_creates_the_city_with_the_ten_ningbo_districts(self):
        city = Unit.objects.get(code=seed_data.CITY[0])
        assert city.is_root()
        assert city.name == "宁波市侨联"
        districts = Unit.objects.get_children(city).filter(kind=UnitKind.DISTRICT)
        names = [d.name for d in districts]
        assert len(names) == 10
        for place in NINGBO_DISTRICTS:
            assert sum(name.startswith(place) for name in names) == 1, place

    def test_it_puts_townships_and_grassroots_units_below_each_district(self):
        for district in Unit.objects.filter(kind=UnitKind.DISTRICT):
            townships = Unit.objects.get_children(district).filter(kind=UnitKind.TOWNSHIP)
            assert townships.count() == 5, district.name
            for township in townships:
                grassroots = Unit.objects.get_children(township).filter(kind__in=GRASSROOTS)
                assert grassroots.count() == 2, township.name

    def test_it_creates_a_demo_user_for_every_built_in_role(self):
        held = set(
            UnitRole.objects.filter(
                user__username__in=[u[0] for u in seed_data.DEMO_USERS]
            ).values_list("role__code", flat=True)
        )
        assert held == set(BUILTIN_ROLES)

    def test_its_demo_users_log_in_with_the_documented_password(self):
        request = RequestFactory().post("/account/login/")
        for username, *_rest in seed_data.DEMO_USERS:
            with self.subTest(username=username):
                user = authenticate(request, username=username, password=seed_data.DEMO_PASSWORD)
                assert user is not None
        # The demo password obeys the same rules as everyone else's.
        validate_password(seed_data.DEMO_PASSWORD)

    def test_its_demo_users_hold_their_role_where_documented(self):
        for username, _name, home, role, unit in seed_data.DEMO_USERS:
            user = User.objects.get(username=username)
            assert user.home_unit.code == home
            assert UnitRole.objects.filter(user=user, role__code=role, unit__code=unit).exists()

    def test_it_grows_the_grassroots_units_with_the_scale(self):
        grassroots = Unit.objects.filter(kind__in=GRASSROOTS).count()
        townships = Unit.objects.filter(kind=UnitKind.TOWNSHIP).count()

        output = seed("--scale", "2")

        # Twice as many grassroots units per township; the tree above them stays the same.
        assert Unit.objects.filter(kind__in=GRASSROOTS).count() == 2 * grassroots
        assert Unit.objects.filter(kind=UnitKind.TOWNSHIP).count() == townships
        assert f"{grassroots} units and 0 users created" in output
        assert counts()["users"] == self.first["users"]

    def test_it_refuses_a_scale_that_is_not_a_positive_integer(self):
        for bad in ("0", "-1", "1.5", "huge", ""):
            with self.subTest(scale=bad), pytest.raises(CommandError, match="--scale"):
                seed("--scale", bad)
        assert counts() == self.first
