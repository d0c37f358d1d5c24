"""The unit pages: every scoping check from the generic mixins, then what is special to the
tree (restricted parent choices, moves, the unit switcher, translated form errors)."""

from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from qiaolian.core import services
from qiaolian.core.models import AuditEvent, Role, Unit, UnitKind, UnitRole
from qiaolian.core.scoping import Action
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UnitFactory, UserFactory
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker, response_text


class UnitScoping:
    """What the unit mixins below share: a unit is made as a child of `unit`."""

    model = Unit

    @classmethod
    def make_object(cls, unit):
        return UnitFactory(parent=unit, code=next_marker("MU"), kind=UnitKind.COMMUNITY)

    def marker(self, obj):
        return obj.code  # shown in every language, unlike the localised label


class UnitListTests(UnitScoping, ScopedViewTests.List):
    url_name = "core:unit_list"


class UnitDetailTests(UnitScoping, ScopedViewTests.Detail):
    url_name = "core:unit_detail"


class UnitEditTests(UnitScoping, ScopedViewTests.Edit):
    url_name = "core:unit_edit"
    action = Action.ADMIN
    detail_url_name = "core:unit_detail"

    def form_data(self, obj):
        return {"code": obj.code, "name": f"{obj.name}（改）", "name_en": "", "kind": obj.kind}


class UnitMoveTests(UnitScoping, ScopedViewTests.Edit):
    url_name = "core:unit_move"
    action = Action.ADMIN
    unit_field = "new_parent"
    detail_url_name = "core:unit_detail"

    def form_data(self, obj):
        district_a = self.cast.district_a
        target = (
            self.cast.township_a1 if obj.path[: -Unit.steplen] == district_a.path else district_a
        )
        return {"new_parent": target.pk}


class UnitDeactivateTests(UnitScoping, ScopedViewTests.Delete):
    url_name = "core:unit_deactivate"
    action = Action.ADMIN

    def assert_done(self, obj):
        self.assertFalse(Unit.objects.get(pk=obj.pk).is_active)


class UnitActivateTests(UnitScoping, ScopedViewTests.Delete):
    url_name = "core:unit_activate"
    action = Action.ADMIN

    @classmethod
    def make_object(cls, unit):
        return UnitFactory(parent=unit, code=next_marker("MU"), is_active=False)

    def assert_done(self, obj):
        self.assertTrue(Unit.objects.get(pk=obj.pk).is_active)


class UnitCreateTests(ScopedViewTests.Create):
    model = Unit
    url_name = "core:unit_create"
    action = Action.ADMIN
    unit_field = "parent"

    def create_data(self, unit):
        code = next_marker("NU")
        return {"parent": unit.pk, "code": code, "name": f"新单位{code}", "kind": "community"}


def _paths(*units):
    return [Unit.objects.get(pk=u.pk).path for u in units]


class UnitTreeTests(TestCase):
    """Choices, moves and the switcher, with the cast plus one user of two units."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        # Unit administrator of township A1 and read-only in district B: two grants, two units.
        cls.two_hats = UserFactory(username="two_hats", home_unit=cls.cast.township_a1)
        for unit, role in ((cls.cast.township_a1, "unit_admin"), (cls.cast.district_b, "readonly")):
            UnitRole.objects.create(user=cls.two_hats, unit=unit, role=Role.objects.get(code=role))
        cls.a1_child = UnitFactory(parent=cls.cast.township_a1, code="A1-CHILD")
        cls.b_child = UnitFactory(parent=cls.cast.district_b, code="B-CHILD")

    def login(self, user):
        self.client.force_login(user)

    # --- create -------------------------------------------------------------------------

    def test_it_offers_as_parents_only_units_where_the_user_holds_admin(self):
        self.login(self.two_hats)
        response = self.client.get(reverse("core:unit_create"))
        offered = set(response.context["form"].fields["parent"].queryset)
        # Read-only in district B is not enough to add units there.
        self.assertEqual(offered, {self.cast.township_a1, self.a1_child})

    def test_it_refuses_a_parent_where_the_user_only_reads(self):
        self.login(self.two_hats)
        data = {"parent": self.cast.district_b.pk, "code": "X1", "name": "新", "kind": "community"}
        response = self.client.post(reverse("core:unit_create"), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("parent", response.context["form"].errors)
        self.assertFalse(Unit.objects.filter(code="X1").exists())

    def test_it_preselects_a_parent_only_inside_the_users_scope(self):
        self.login(self.cast.district_manager)
        url = reverse("core:unit_create")
        own = self.client.get(url, {"parent": self.cast.township_a1.public_id})
        self.assertEqual(own.context["form"].fields["parent"].initial, self.cast.township_a1)
        sibling = self.client.get(url, {"parent": self.cast.district_b.public_id})
        self.assertIsNone(sibling.context["form"].fields["parent"].initial)

    def test_it_ignores_a_malformed_parent_in_the_query_string(self):
        self.login(self.cast.district_manager)
        response = self.client.get(reverse("core:unit_create"), {"parent": "not-a-uuid"})
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["form"].fields["parent"].initial)

    # --- move ---------------------------------------------------------------------------

    def test_it_refuses_to_move_a_unit_under_a_sibling_unit_and_changes_nothing(self):
        self.login(self.cast.district_manager)
        before = _paths(self.cast.township_a1, self.a1_child, self.cast.district_b)
        url = reverse("core:unit_move", args=[self.cast.township_a1.public_id])
        response = self.client.post(url, {"new_parent": self.cast.district_b.pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("new_parent", response.context["form"].errors)
        self.assertEqual(_paths(self.cast.township_a1, self.a1_child, self.cast.district_b), before)
        self.assertFalse(AuditEvent.objects.filter(action="unit.move").exists())

    def test_the_move_service_refuses_a_sibling_parent_too(self):
        # The form is not the only guard: the service re-checks the actor holds ADMIN there.
        before = _paths(self.cast.township_a1)
        with self.assertRaises(PermissionDenied):
            services.unit_move(
                actor=self.cast.district_manager,
                unit=self.cast.township_a1,
                new_parent=self.cast.district_b,
            )
        self.assertEqual(_paths(self.cast.township_a1), before)

    def test_it_does_not_offer_a_units_own_subtree_as_its_new_parent(self):
        self.login(self.cast.city_admin)
        url = reverse("core:unit_move", args=[self.cast.district_a.public_id])
        offered = set(self.client.get(url).context["form"].fields["new_parent"].queryset)
        self.assertIn(self.cast.district_b, offered)
        self.assertFalse(offered & {self.cast.district_a, self.cast.township_a1, self.a1_child})
        before = _paths(self.cast.district_a, self.cast.township_a1)
        response = self.client.post(url, {"new_parent": self.cast.township_a1.pk})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(_paths(self.cast.district_a, self.cast.township_a1), before)

    def test_it_refuses_to_move_a_unit_under_its_own_descendant_with_a_clear_message(self):
        with translation.override("en"), self.assertRaises(ValidationError) as refused:
            services.unit_move(
                actor=self.cast.city_admin,
                unit=self.cast.district_a,
                new_parent=self.a1_child,
            )
        self.assertEqual(
            refused.exception.messages,
            ["A unit cannot be moved under itself or one of its sub-units."],
        )

    def test_it_moves_the_whole_subtree_with_the_unit(self):
        self.login(self.cast.city_admin)
        url = reverse("core:unit_move", args=[self.cast.district_a.public_id])
        response = self.client.post(url, {"new_parent": self.cast.district_b.pk})
        self.assertEqual(response.status_code, 302)
        district_a, township, child, district_b, city = (
            Unit.objects.get(pk=u.pk)
            for u in (
                self.cast.district_a,
                self.cast.township_a1,
                self.a1_child,
                self.cast.district_b,
                self.cast.city,
            )
        )
        self.assertEqual(Unit.objects.get_parent(district_a), district_b)
        self.assertTrue(township.path.startswith(district_a.path))
        self.assertTrue(child.path.startswith(township.path))
        self.assertEqual((district_a.depth, township.depth, child.depth), (3, 4, 5))
        self.assertEqual((city.numchild, district_b.numchild), (1, 2))
        self.assertTrue(AuditEvent.objects.filter(action="unit.move", unit=district_a).exists())
        # The grant follows the unit: the district manager still reaches the moved township.
        manager = self.cast.fresh(self.cast.district_manager)
        self.assertTrue(Unit.objects.restrict(manager, Action.ADMIN).filter(pk=child.pk).exists())

    def test_it_rolls_the_whole_move_back_when_a_later_step_fails(self):
        units = (self.cast.district_a, self.cast.township_a1, self.a1_child)
        before = _paths(*units)
        counts = [
            Unit.objects.get(pk=u.pk).numchild for u in (self.cast.city, self.cast.district_b)
        ]
        # The audit row is written after the paths are rewritten; its failure must undo them.
        with (
            mock.patch("qiaolian.core.services.audit.record", side_effect=RuntimeError),
            self.assertRaises(RuntimeError),
        ):
            services.unit_move(
                actor=self.cast.city_admin,
                unit=self.cast.district_a,
                new_parent=self.cast.district_b,
            )
        self.assertEqual(_paths(*units), before)
        after = [Unit.objects.get(pk=u.pk).numchild for u in (self.cast.city, self.cast.district_b)]
        self.assertEqual(after, counts)

    # --- deactivate ---------------------------------------------------------------------

    def test_it_refuses_to_deactivate_the_top_level_unit(self):
        self.login(self.cast.city_admin)
        response = self.client.post(
            reverse("core:unit_deactivate", args=[self.cast.city.public_id]), follow=True
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(Unit.objects.get(pk=self.cast.city.pk).is_active)
        self.assertEqual(len(list(response.context["messages"])), 1)

    # --- the unit switcher --------------------------------------------------------------

    def switch(self, unit, **extra):
        return self.client.post(reverse("core:switch_unit"), {"unit": unit.public_id, **extra})

    def test_switch_unit_accepts_each_unit_where_the_user_holds_a_grant(self):
        self.login(self.two_hats)
        for unit in (self.cast.district_b, self.cast.township_a1):
            response = self.switch(unit)
            self.assertRedirects(response, reverse("core:dashboard"), fetch_redirect_response=False)
            self.assertEqual(self.client.session["active_unit"], str(unit.public_id))

    def test_switch_unit_refuses_a_unit_of_no_grant_and_forgets_the_previous_one(self):
        self.login(self.cast.district_manager)
        self.switch(self.cast.district_a)
        self.assertEqual(self.client.session["active_unit"], str(self.cast.district_a.public_id))
        self.switch(self.cast.district_b)
        self.assertNotIn("active_unit", self.client.session)
        # The switcher offers grant units only; a unit below one is not a switch target.
        self.switch(self.cast.township_a1)
        self.assertNotIn("active_unit", self.client.session)

    def test_switch_unit_refuses_a_unit_whose_grant_unit_is_inactive(self):
        Unit.objects.filter(pk=self.cast.district_b.pk).update(is_active=False)
        self.login(self.two_hats)
        self.switch(self.cast.district_b)
        self.assertNotIn("active_unit", self.client.session)

    def test_switch_unit_follows_only_a_local_next_url(self):
        self.login(self.two_hats)
        local = self.switch(self.cast.district_b, next=reverse("core:unit_list"))
        self.assertEqual(local["Location"], reverse("core:unit_list"))
        foreign = self.switch(self.cast.district_b, next="https://evil.example/")
        self.assertEqual(foreign["Location"], reverse("core:dashboard"))

    def test_switch_unit_sends_anonymous_to_login_and_refuses_get(self):
        response = self.client.post(reverse("core:switch_unit"), {"unit": "x"})
        self.assertTrue(response["Location"].startswith(reverse("core:login")))
        self.login(self.two_hats)
        self.assertEqual(self.client.get(reverse("core:switch_unit")).status_code, 405)

    def test_the_active_unit_narrows_the_unit_list(self):
        self.login(self.two_hats)
        url = reverse("core:unit_list")
        both = response_text(self.client.get(url))
        self.assertIn("A1-CHILD", both)
        self.assertIn("B-CHILD", both)
        self.switch(self.cast.district_b)
        narrowed = response_text(self.client.get(url))
        self.assertIn("B-CHILD", narrowed)
        self.assertNotIn("A1-CHILD", narrowed)
        self.switch(self.cast.township_a1)
        narrowed = response_text(self.client.get(url))
        self.assertIn("A1-CHILD", narrowed)
        self.assertNotIn("B-CHILD", narrowed)

    # --- translated form errors ---------------------------------------------------------

    def post_empty_unit(self, **extra):
        self.login(self.cast.district_manager)
        data = {"parent": self.cast.district_a.pk, "code": "", "name": "", "kind": "community"}
        response = self.client.post(reverse("core:unit_create"), data, **extra)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["form"].errors), {"code", "name"})
        return response.content.decode()

    def test_invalid_form_errors_are_chinese_by_default(self):
        self.assertIn("这个字段是必填项。", self.post_empty_unit())

    def test_invalid_form_errors_follow_the_language_cookie(self):
        self.client.cookies["django_language"] = "en"
        page = self.post_empty_unit()
        self.assertIn("This field is required.", page)
        self.assertNotIn("这个字段是必填项。", page)

    def test_invalid_form_errors_follow_accept_language(self):
        page = self.post_empty_unit(headers={"Accept-Language": "en-GB,en;q=0.9"})
        self.assertIn("This field is required.", page)
