"""The API's front door: token auth, the caller, the schema, and the one error shape."""

import uuid
from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from qiaolian.core import services
from qiaolian.core.models import ApiToken, Unit
from qiaolian.core.testing.cast import Cast

ME_URL = reverse("api:me")
UNITS_URL = reverse("api:unit_list")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class ApiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.token, cls.secret = services.api_token_create(
            actor=cls.cast.district_manager, name="test"
        )

    def assert_error(self, response, status: int, code: str):
        """Every error has one shape, so clients need one handler for all of them."""
        assert response.status_code == status, response.content
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert set(body) == {"error"}
        assert body["error"]["code"] == code
        assert isinstance(body["error"]["message"], str)
        assert body["error"]["message"]
        return body["error"]


class TokenAuthTests(ApiTestCase):
    def test_it_lets_a_valid_token_in_and_notes_when_it_was_used(self):
        response = self.client.get(ME_URL, **bearer(self.secret))
        assert response.status_code == 200
        self.token.refresh_from_db()
        # "Last used" is how an administrator spots a token that can be revoked.
        assert self.token.last_used_at is not None

    def test_it_refuses_a_request_without_a_token(self):
        self.assert_error(self.client.get(ME_URL), 401, "unauthorized")

    def test_it_refuses_an_unknown_token(self):
        response = self.client.get(ME_URL, **bearer("ql_" + "x" * 43))
        self.assert_error(response, 401, "unauthorized")

    def test_it_refuses_another_scheme(self):
        response = self.client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {self.secret}")
        self.assert_error(response, 401, "unauthorized")

    def test_it_refuses_an_expired_token(self):
        ApiToken.objects.filter(pk=self.token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        self.assert_error(self.client.get(ME_URL, **bearer(self.secret)), 401, "unauthorized")

    def test_it_refuses_a_revoked_token(self):
        services.api_token_revoke(actor=self.cast.district_manager, token=self.token)
        self.assert_error(self.client.get(ME_URL, **bearer(self.secret)), 401, "unauthorized")

    def test_it_refuses_the_token_of_a_deactivated_user(self):
        # Deactivating a person must cut every way in, scripts included.
        services.user_update(
            actor=self.cast.city_admin, user=self.cast.district_manager, is_active=False
        )
        self.assert_error(self.client.get(ME_URL, **bearer(self.secret)), 401, "unauthorized")

    def test_it_does_not_accept_a_session_instead_of_a_token(self):
        # A logged-in browser must not be a way to call the API without a token (CSRF).
        self.client.force_login(self.cast.district_manager)
        self.assert_error(self.client.get(ME_URL), 401, "unauthorized")


class MeTests(ApiTestCase):
    def test_it_describes_the_caller_and_their_grants(self):
        response = self.client.get(ME_URL, **bearer(self.secret))
        assert response.json() == {
            "username": "district_manager",
            "display_name": "district_manager",
            "home_unit": "DA",
            "grants": ["unit_admin@DA"],
        }


class OpenApiTests(ApiTestCase):
    def setUp(self):
        self.client.force_login(self.cast.district_clerk)
        self.schema = self.client.get(reverse("api:openapi-json")).json()

    def test_it_is_openapi_3_1_with_a_title_and_version(self):
        assert self.schema["openapi"].startswith("3.1")
        assert self.schema["info"]["title"] == "Qiaolian API"
        assert self.schema["info"]["version"]

    def test_it_lists_the_unit_operations(self):
        operations = {
            (method.upper(), path)
            for path, item in self.schema["paths"].items()
            for method in item
            if method in HTTP_METHODS
        }
        assert {
            ("GET", "/api/me"),
            ("GET", "/api/units"),
            ("POST", "/api/units"),
            ("GET", "/api/units/{unit_id}"),
            ("PATCH", "/api/units/{unit_id}"),
            ("POST", "/api/units/{unit_id}/move"),
        } <= operations

    def test_every_operation_needs_the_bearer_token(self):
        schemes = self.schema["components"]["securitySchemes"]
        assert {s["type"] for s in schemes.values()} == {"http"}
        assert {s["scheme"].lower() for s in schemes.values()} == {"bearer"}
        for path, item in self.schema["paths"].items():
            for method, operation in item.items():
                if method in HTTP_METHODS:
                    assert operation.get("security"), f"{method.upper()} {path} is unprotected"

    def test_it_is_well_formed(self):
        # No schema validator is installed, so check what clients and schemathesis rely on:
        # unique operation ids, responses everywhere, and every $ref resolving.
        ids = []
        for item in self.schema["paths"].values():
            for method, operation in item.items():
                if method in HTTP_METHODS:
                    ids.append(operation["operationId"])
                    assert operation["responses"]
        assert len(ids) == len(set(ids))
        for ref in _refs(self.schema):
            assert ref.startswith("#/"), ref
            node = self.schema
            for part in ref[2:].split("/"):
                node = node[part]  # KeyError: a dangling reference

    def test_it_is_shown_to_logged_in_staff_only(self):
        self.client.logout()
        response = self.client.get(reverse("api:openapi-json"))
        assert response.status_code == 302


class ErrorShapeTests(ApiTestCase):
    def post_unit(self, payload):
        return self.client.post(
            UNITS_URL, payload, content_type="application/json", **bearer(self.secret)
        )

    def test_it_names_each_invalid_field_of_a_request(self):
        response = self.post_unit(
            {
                "parent": str(self.cast.district_a.public_id),
                "code": "",
                "name": "新单位",
                "kind": "planet",
            }
        )
        error = self.assert_error(response, 422, "invalid")
        # Field names as the client sent them, so a form can put each message in its place.
        assert set(error["fields"]) == {"code", "kind"}
        assert all(isinstance(m, str) and m for ms in error["fields"].values() for m in ms)

    def test_it_names_a_field_that_is_missing(self):
        response = self.post_unit(
            {"parent": str(self.cast.district_a.public_id), "code": "N1", "kind": "community"}
        )
        error = self.assert_error(response, 422, "invalid")
        assert set(error["fields"]) == {"name"}

    def test_it_reports_a_rule_of_the_model_in_the_same_shape(self):
        # A duplicate code is found by the service (model validation), not by the schema.
        response = self.post_unit(
            {
                "parent": str(self.cast.district_a.public_id),
                "code": "DB",
                "name": "重复",
                "kind": "community",
            }
        )
        error = self.assert_error(response, 422, "invalid")
        assert "code" in error["fields"]
        assert Unit.objects.filter(code="DB").count() == 1

    def test_it_answers_404_alike_for_a_missing_and_a_hidden_unit(self):
        # Never confirm that another unit's record exists.
        missing = self.client.get(
            reverse("api:unit_detail", args=[uuid.uuid4()]), **bearer(self.secret)
        )
        hidden = self.client.get(
            reverse("api:unit_detail", args=[self.cast.district_b.public_id]), **bearer(self.secret)
        )
        assert self.assert_error(missing, 404, "not_found") == self.assert_error(
            hidden, 404, "not_found"
        )

    def test_it_answers_403_in_the_same_shape(self):
        _token, secret = services.api_token_create(actor=self.cast.nobody, name="t")
        response = self.client.get(UNITS_URL, **bearer(secret))
        self.assert_error(response, 403, "forbidden")


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)
