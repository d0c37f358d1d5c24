"""The unit operations of the API: every scoping check from ScopedApiTests, the one error
shape, and the rules of moving units."""

import json
from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.models import ApiToken, Unit, UnitKind
from qiaolian.core.scoping import Action
from qiaolian.core.services import api_token_create
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UnitFactory
from qiaolian.core.testing.scoped import ScopedApiTests, next_marker


class UnitApiScoping:
    model = Unit

    @classmethod
    def make_object(cls, unit):
        return UnitFactory(parent=unit, code=next_marker("AU"), kind=UnitKind.COMMUNITY)

    def marker(self, obj):
        return obj.code

    def url_kwargs(self, obj):
        return {"unit_id": obj.public_id}


class UnitApiListTests(UnitApiScoping, ScopedApiTests.List):
    url_name = "api:unit_list"


class UnitApiDetailTests(UnitApiScoping, ScopedApiTests.Detail):
    url_name = "api:unit_detail"


class UnitApiCreateTests(ScopedApiTests.Create):
    model = Unit
    url_name = "api:unit_create"
    action = Action.ADMIN

    def payload(self, unit):
        code = next_marker("NU")
        return {"parent": str(unit.public_id), "code": code, "name": "新单位", "kind": "community"}


class UnitApiUpdateTests(UnitApiScoping, ScopedApiTests.Update):
    url_name = "api:unit_update"
    action = Action.ADMIN

    def payload(self, obj):
        return {"name": f"{obj.name}（改）"}


class UnitApiMoveTests(UnitApiScoping, ScopedApiTests.Post):
    thing = "unit_move"
    url_name = "api:unit_move"
    action = Action.ADMIN

    def payload(self, obj):
        district_a = self.cast.district_a
        target = (
            self.cast.township_a1 if obj.path[: -Unit.steplen] == district_a.path else district_a
        )
        return {"new_parent": str(target.public_id)}


class UnitApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.a1_child = UnitFactory(parent=cls.cast.township_a1, code="A1-CHILD")
        cls.b_child = UnitFactory(parent=cls.cast.district_b, code="B-CHILD")
        cls.token, cls.secret = api_token_create(actor=cls.cast.district_manager, name="t")
        _token, cls.city_secret = api_token_create(actor=cls.cast.city_admin, name="t")

    def call(self, method, url, payload=None, secret=None, **extra):
        extra["HTTP_AUTHORIZATION"] = f"Bearer {secret or self.secret}"
        if method == "GET":
            return self.client.get(url, payload or {}, **extra)
        return self.client.generic(
            method, url, json.dumps(payload or {}), content_type="application/json", **extra
        )

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.content)
        body = response.json()
        self.assertEqual(list(body), ["error"])
        self.assertEqual(body["error"]["code"], code)
        self.assertIsInstance(body["error"]["message"], str)
        return body["error"]

    # --- the error shape ----------------------------------------------------------------

    def test_an_invalid_body_names_each_bad_field(self):
        payload = {"parent": str(self.cast.district_a.public_id), "code": "", "kind": "planet"}
        error = self.assertError(
            self.call("POST", reverse("api:unit_create"), payload), 422, "invalid"
        )
        self.assertLessEqual({"code", "name", "kind"}, set(error["fields"]))
        self.assertTrue(all(isinstance(m, list) and m for m in error["fields"].values()))

    def test_a_model_validation_error_names_the_field(self):
        url = reverse("api:unit_update", kwargs={"unit_id": self.a1_child.public_id})
        error = self.assertError(self.call("PATCH", url, {"code": "DA1"}), 422, "invalid")
        self.assertIn("code", error["fields"])
        self.assertEqual(Unit.objects.get(pk=self.a1_child.pk).code, "A1-CHILD")

    def test_errors_without_fields_carry_no_fields_key(self):
        url = reverse("api:unit_detail", kwargs={"unit_id": self.b_child.public_id})
        self.assertNotIn("fields", self.assertError(self.call("GET", url), 404, "not_found"))

    def test_a_revoked_or_expired_token_is_refused(self):
        url = reverse("api:unit_list")
        ApiToken.objects.filter(pk=self.token.pk).update(revoked_at=timezone.now())
        self.assertError(self.call("GET", url), 401, "unauthorized")
        token, secret = api_token_create(actor=self.cast.district_manager, name="old")
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
        self.assertError(self.call("GET", url, secret=secret), 401, "unauthorized")

    def test_a_malformed_id_is_a_client_error(self):
        response = self.call("GET", "/api/units/not-a-uuid")
        self.assertError(response, 422, "invalid")

    # --- list ---------------------------------------------------------------------------

    def codes(self, response):
        self.assertEqual(response.status_code, 200, response.content)
        return {item["code"] for item in response.json()["items"]}

    def test_the_list_narrows_to_a_unit_within_scope(self):
        within = {"within": str(self.cast.township_a1.public_id)}
        self.assertEqual(
            self.codes(self.call("GET", reverse("api:unit_list"), within)), {"DA1", "A1-CHILD"}
        )

    def test_the_list_answers_404_for_a_sibling_unit_as_within(self):
        within = {"within": str(self.cast.district_b.public_id)}
        self.assertError(self.call("GET", reverse("api:unit_list"), within), 404, "not_found")

    def test_the_list_gives_each_units_parent(self):
        items = self.call("GET", reverse("api:unit_list")).json()["items"]
        parents = {item["code"]: item["parent"] for item in items}
        self.assertEqual(parents["A1-CHILD"], str(self.cast.township_a1.public_id))
        self.assertEqual(parents["DA1"], str(self.cast.district_a.public_id))

    # --- move ---------------------------------------------------------------------------

    def move(self, unit, new_parent, secret=None, **extra):
        url = reverse("api:unit_move", kwargs={"unit_id": unit.public_id})
        return self.call("POST", url, {"new_parent": str(new_parent.public_id)}, secret, **extra)

    def test_moving_under_a_sibling_unit_is_a_404_and_changes_nothing(self):
        before = Unit.objects.get(pk=self.a1_child.pk).path
        self.assertError(self.move(self.a1_child, self.cast.district_b), 404, "not_found")
        self.assertEqual(Unit.objects.get(pk=self.a1_child.pk).path, before)

    def test_moving_under_an_own_descendant_is_refused_with_a_clear_message(self):
        response = self.move(
            self.cast.district_a, self.a1_child, self.city_secret, HTTP_ACCEPT_LANGUAGE="en"
        )
        error = self.assertError(response, 422, "invalid")
        self.assertEqual(
            error["fields"],
            {"__all__": ["A unit cannot be moved under itself or one of its sub-units."]},
        )
        district_a = Unit.objects.get(pk=self.cast.district_a.pk)
        self.assertEqual(Unit.objects.get_parent(district_a), self.cast.city)

    def test_moving_takes_the_subtree_along(self):
        response = self.move(self.cast.district_a, self.cast.district_b, self.city_secret)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["parent"], str(self.cast.district_b.public_id))
        moved = Unit.objects.get(pk=self.cast.district_a.pk)
        self.assertTrue(Unit.objects.get(pk=self.a1_child.pk).path.startswith(moved.path))
