"""The documented cast every scoped test uses.

The tree (codes in brackets):

    city [C]                      city_admin: unit_admin
    ├── district A [DA]           district_manager: unit_admin; district_clerk: readonly;
    │   │                         volunteer: volunteer (assigned only); portal_user: portal (own)
    │   └── township A1 [DA1]     township_worker: staff
    └── district B [DB]           sibling_manager: unit_admin (its data must never leak)
                                  nobody: a user with no grant at all

Build it once per test class with `Cast.build()` inside `setUpTestData`, or through the
`cast` pytest fixture. Every member logs in with `TEST_PASSWORD`.
"""

from dataclasses import dataclass

from qiaolian.core.models import Role, Unit, UnitKind, UnitRole, User
from qiaolian.core.roles import ensure_builtin_roles
from qiaolian.core.testing.factories import TEST_PASSWORD, UnitFactory, UserFactory


@dataclass
class Cast:
    city: Unit
    district_a: Unit
    township_a1: Unit
    district_b: Unit
    city_admin: User
    district_manager: User
    district_clerk: User
    township_worker: User
    sibling_manager: User
    volunteer: User
    portal_user: User
    nobody: User

    password = TEST_PASSWORD

    @classmethod
    def build(cls) -> "Cast":
        ensure_builtin_roles()
        city = UnitFactory(code="C", name="测试市侨联", name_en="Test City", kind=UnitKind.CITY)
        district_a = UnitFactory(
            parent=city, code="DA", name="甲区侨联", name_en="District A", kind=UnitKind.DISTRICT
        )
        township_a1 = UnitFactory(
            parent=district_a,
            code="DA1",
            name="甲一街道侨联",
            name_en="Township A1",
            kind=UnitKind.TOWNSHIP,
        )
        district_b = UnitFactory(
            parent=city, code="DB", name="乙区侨联", name_en="District B", kind=UnitKind.DISTRICT
        )
        district_a.refresh_from_db()
        city.refresh_from_db()

        def member(username, home, role_code=None, grant_unit=None):
            user = UserFactory(username=username, display_name=username, home_unit=home)
            if role_code:
                UnitRole.objects.create(
                    user=user, unit=grant_unit or home, role=Role.objects.get(code=role_code)
                )
            return user

        return cls(
            city=city,
            district_a=district_a,
            township_a1=township_a1,
            district_b=district_b,
            city_admin=member("city_admin", city, "unit_admin"),
            district_manager=member("district_manager", district_a, "unit_admin"),
            district_clerk=member("district_clerk", district_a, "readonly"),
            township_worker=member("township_worker", township_a1, "staff"),
            sibling_manager=member("sibling_manager", district_b, "unit_admin"),
            volunteer=member("volunteer", district_a, "volunteer"),
            portal_user=member("portal_user", district_a, "portal"),
            nobody=member("nobody", district_a),
        )

    def fresh(self, user: User) -> User:
        """A new instance of `user` (no cached grants), as a new request would see it."""
        return User.objects.get(pk=user.pk)
