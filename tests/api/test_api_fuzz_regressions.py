"""Issue 10, finding 12: what the fuzzer found, one request each, as regression tests."""

import json

from django.test import TestCase

from qiaolian.core.services import api_token_create
from qiaolian.core.testing.cast import Cast
from qiaolian.hotline.tests.factories import CaseFactory

HUGE = "11180292457388331008"  # beyond 64 bits


class ApiFuzzRegressionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.case = CaseFactory(unit=cls.cast.district_a)
        cls.secret = api_token_create(actor=cls.cast.district_manager, name="t")[1]

    def api(self, method, path, body=None):
        return getattr(self.client, method)(
            path,
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            headers={"authorization": f"Bearer {self.secret}", "accept-language": "en"},
        )

    def test_a_page_beyond_64_bits_is_a_422_on_every_list(self):
        for path in (
            "/api/people",
            "/api/units",
            "/api/hotline/cases",
            "/api/hotline/calls",
            "/api/hotline/volunteers",
            "/api/hotline/answers",
        ):
            with self.subTest(path=path):
                response = self.api("get", f"{path}?page={HUGE}")
                self.assertEqual(response.status_code, 422)
                self.assertIn("page", response.json()["error"]["fields"])
                self.assertEqual(self.api("get", f"{path}?page=0").status_code, 422)

    def test_a_status_change_with_unexpected_keys_is_no_server_error(self):
        url = f"/api/hotline/cases/{self.case.public_id}/status"
        for body in ({"foo": 1}, {"status": "resolved", "version": int(HUGE)}, [], "x", {}):
            with self.subTest(body=body):
                self.assertLess(self.api("post", url, body).status_code, 500)

    def test_the_schema_documents_the_refusals_and_the_page_bounds(self):
        self.client.force_login(self.cast.district_manager)
        schema = self.client.get("/api/openapi.json").json()
        people = schema["paths"]["/api/people"]["get"]
        self.assertLessEqual({"401", "403", "404", "422"}, set(people["responses"]))
        page = next(p for p in people["parameters"] if p["name"] == "page")
        self.assertEqual((page["schema"]["minimum"], page["schema"]["maximum"]), (1, 1_000_000))
        status = schema["paths"]["/api/hotline/cases/{case_id}/status"]["post"]
        self.assertIn("409", status["responses"])
