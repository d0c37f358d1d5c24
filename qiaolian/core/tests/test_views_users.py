"""The user pages and grants: every scoping check from the generic mixins, then the rules of
granting and revoking roles."""

from django.test import TestCase
from django.urls import reverse

from qiaolian.core.models import Role, UnitRole, User
from qiaolian.core.scoping import Action
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UserFactory
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker, response_text

NEW_PASSWORD = "Qiaolian-Test-2026!"


class UserScoping:
    """A user belongs to (is managed in) their home unit."""

    model = User
    action = Action.ADMIN

    @classmethod
    def make_object(cls, unit):
        return UserFactory(username=next_marker("mu_"), home_unit=unit)

    def marker(self, obj):
        return obj.username


class UserListTests(UserScoping, ScopedViewTests.List):
    url_name = "core:user_list"


class UserDetailTests(UserScoping, ScopedViewTests.Detail):
    url_name = "core:user_detail"


class UserEditTests(UserScoping, ScopedViewTests.Edit):
    url_name = "core:user_edit"
    unit_field = "home_unit"

    def form_data(self, obj):
        return {
            "username": obj.username,
            "display_name": f"改名{obj.username}",
            "phone": "",
            "email": "",
            "home_unit": obj.home_unit_id,
            "is_active": "on",
        }


class UserGrantTests(UserScoping, ScopedViewTests.Edit):
    """Granting a role is an edit of the user: the user must be in scope, and so must the
    unit of the grant."""

    thing = "user_grant"
    url_name = "core:user_grant"
    unit_field = "unit"

    def form_data(self, obj):
        return {"unit": self.cast.township_a1.pk, "role": Role.objects.get(code="staff").pk}

    def snapshot(self, obj):
        grants = sorted(UnitRole.objects.filter(user=obj).values_list("unit_id", "role_id"))
        return {**super().snapshot(obj), "grants": grants}

    def assert_saved(self, obj, before):
        self.assertTrue(
            UnitRole.objects.filter(user=obj, unit=self.cast.township_a1, role__code="staff")
        )


class UserCreateTests(ScopedViewTests.Create):
    model = User
    url_name = "core:user_create"
    action = Action.ADMIN
    unit_field = "home_unit"

    def create_data(self, unit):
        return {"username": next_marker("new_"), "home_unit": unit.pk, "password": NEW_PASSWORD}


class GrantRevokeTests(ScopedViewTests.Delete):
    model = UnitRole
    thing = "grant"
    url_name = "core:grant_revoke"
    action = Action.ADMIN

    @classmethod
    def make_object(cls, unit):
        user = UserFactory(username=next_marker("held_"), home_unit=unit)
        return UnitRole.objects.create(user=user, unit=unit, role=Role.objects.get(code="staff"))

    def assert_done(self, obj):
        self.assertFalse(UnitRole.objects.filter(pk=obj.pk).exists())


class GrantRulesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.staff = Role.objects.get(code="staff")

    def test_it_lists_only_the_grants_inside_the_admins_subtree(self):
        # A user of district A who also helps in district B: the district A manager sees and
        # manages the district A grant only.
        helper = UserFactory(username="helper", home_unit=self.cast.district_a)
        UnitRole.objects.create(user=helper, unit=self.cast.township_a1, role=self.staff)
        foreign = UnitRole.objects.create(user=helper, unit=self.cast.district_b, role=self.staff)
        self.client.force_login(self.cast.district_manager)
        response = self.client.get(reverse("core:user_detail", args=[helper.public_id]))
        self.assertEqual([g.unit for g in response.context["grants"]], [self.cast.township_a1])
        self.assertNotIn(str(foreign.public_id), response_text(response))
        revoke = reverse("core:grant_revoke", args=[foreign.public_id])
        self.assertEqual(self.client.post(revoke).status_code, 404)
        self.assertTrue(UnitRole.objects.filter(pk=foreign.pk).exists())

    def test_it_offers_only_units_where_the_admin_holds_admin_for_a_grant(self):
        self.client.force_login(self.cast.district_manager)
        url = reverse("core:user_detail", args=[self.cast.township_worker.public_id])
        offered = set(self.client.get(url).context["grant_form"].fields["unit"].queryset)
        self.assertEqual(offered, {self.cast.district_a, self.cast.township_a1})

    def test_it_refuses_to_revoke_the_admins_own_admin_grant(self):
        own = UnitRole.objects.get(user=self.cast.district_manager)
        self.client.force_login(self.cast.district_manager)
        response = self.client.post(reverse("core:grant_revoke", args=[own.public_id]))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(UnitRole.objects.filter(pk=own.pk).exists())

    def test_it_offers_home_units_only_inside_the_admins_subtree(self):
        self.client.force_login(self.cast.district_manager)
        url = reverse("core:user_edit", args=[self.cast.district_clerk.public_id])
        offered = set(self.client.get(url).context["form"].fields["home_unit"].queryset)
        self.assertEqual(offered, {self.cast.district_a, self.cast.township_a1})
