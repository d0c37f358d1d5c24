"""The people API: scoping from the generic mixins, then masking, filters, validation errors in
the one error shape and the optimistic-lock conflict (409)."""

import json

from django.test import TestCase
from django.urls import reverse

from qiaolian.core.models import AuditEvent
from qiaolian.core.services import api_token_create
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.scoped import ScopedApiTests, next_marker
from qiaolian.people.models import Person
from qiaolian.people.tests.factories import PersonFactory, person_categories


class PersonApiScoping:
    model = Person

    @classmethod
    def make_object(cls, unit):
        return PersonFactory(
            unit=unit, surname="测", given_name=next_marker("AP"), phones=["+39 333 123 4567"]
        )

    def marker(self, obj):
        return obj.full_name

    def url_kwargs(self, obj):
        return {"person_id": obj.public_id}


class PersonApiListTests(PersonApiScoping, ScopedApiTests.List):
    url_name = "api:person_list"


class PersonApiDetailTests(PersonApiScoping, ScopedApiTests.Detail):
    url_name = "api:person_detail"


class PersonApiUpdateTests(PersonApiScoping, ScopedApiTests.Update):
    url_name = "api:person_update"

    def payload(self, obj):
        return {"city": "Roma", "version": Person.objects.get(pk=obj.pk).version}


class PersonApiCreateTests(PersonApiScoping, ScopedApiTests.Create):
    url_name = "api:person_create"

    def payload(self, unit):
        return {
            "unit": str(unit.public_id),
            "surname": "新",
            "given_name": next_marker("AC"),
            "phones": ["138 1234 5678"],
        }


class PersonApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        person_categories()
        cls.zhang = PersonFactory(
            unit=cls.cast.district_a,
            surname="张",
            given_name="伟",
            country="IT",
            category="overseas_chinese",
            phones=["+39 333 123 4567"],
            id_number="330203199001011234",
            passport_number="E12345678",
        )
        cls.li = PersonFactory(unit=cls.cast.township_a1, surname="李", given_name="娜")
        cls.secret = api_token_create(actor=cls.cast.district_manager, name="t")[1]

    def call(self, method, url, payload=None, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}
        headers.update({k: params.pop(k) for k in list(params) if k.startswith("HTTP_")})
        if method == "GET":
            return self.client.get(url, params, **headers)
        return self.client.generic(
            method, url, json.dumps(payload or {}), content_type="application/json", **headers
        )

    def detail_url(self, person):
        return reverse("api:person_detail", kwargs={"person_id": person.public_id})

    def test_it_sends_sensitive_numbers_masked_only(self):
        body = self.call("GET", self.detail_url(self.zhang)).json()
        self.assertEqual(body["id_number_masked"], "****************34")
        self.assertEqual(body["passport_masked"], "E******78")
        self.assertNotIn("330203199001011234", json.dumps(body))
        self.assertNotIn("id_number", body)
        self.assertEqual(body["contacts"][0]["normalized"], "+393331234567")
        self.assertEqual((body["country"], body["time_zone"]), ("IT", "Europe/Rome"))
        listed = self.call("GET", reverse("api:person_list")).content.decode()
        self.assertNotIn("330203199001011234", listed)

    def test_it_filters_the_list_by_q_category_and_country(self):
        url = reverse("api:person_list")
        names = lambda **p: [x["full_name"] for x in self.call("GET", url, **p).json()["items"]]  # noqa: E731
        self.assertEqual(names(q="zw"), ["张伟"])
        self.assertEqual(names(q="3331234567"), ["张伟"])
        self.assertEqual(names(category="overseas_chinese"), ["张伟"])
        self.assertEqual(names(country="it"), ["张伟"])
        self.assertEqual(names(within=str(self.cast.township_a1.public_id)), ["李娜"])
        response = self.call("GET", url, within=str(self.cast.district_b.public_id))
        self.assertEqual(response.status_code, 404)

    def test_it_creates_a_person_splitting_a_full_name(self):
        payload = {
            "unit": str(self.cast.district_a.public_id),
            "surname": "欧阳娜娜",
            "phones": ["+34 612 345 678"],
            "country": "ES",
            "id_number": "330203198505054323",
        }
        response = self.call("POST", reverse("api:person_create"), payload)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["surname"], body["given_name"]), ("欧阳", "娜娜"))
        self.assertEqual(body["time_zone"], "Europe/Madrid")
        self.assertEqual(body["id_number_masked"], "****************23")
        self.assertTrue(AuditEvent.objects.filter(action="person.create").exists())

    def test_it_answers_an_invalid_phone_in_the_one_error_shape(self):
        payload = {
            "unit": str(self.cast.district_a.public_id),
            "surname": "王",
            "given_name": "五",
            "phones": ["12345"],
        }
        response = self.call(
            "POST", reverse("api:person_create"), payload, HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertEqual(response.status_code, 422)
        error = response.json()["error"]
        self.assertEqual(error["code"], "invalid")
        self.assertIn("“12345” is not a valid phone number", error["fields"]["phones"][0])
        self.assertFalse(Person.objects.filter(surname="王").exists())

    def test_it_refuses_an_unknown_category(self):
        payload = {
            "unit": str(self.cast.district_a.public_id),
            "surname": "王",
            "given_name": "五",
            "category": "alien",
        }
        response = self.call("POST", reverse("api:person_create"), payload)
        self.assertEqual(response.status_code, 422)
        self.assertIn("category", response.json()["error"]["fields"])

    def test_it_answers_409_conflict_when_the_version_is_stale(self):
        url = reverse("api:person_update", kwargs={"person_id": self.zhang.public_id})
        first = self.call("PATCH", url, {"city": "Roma", "version": 1})
        self.assertEqual(first.status_code, 200, first.content)
        self.assertEqual(first.json()["version"], 2)
        stale = self.call("PATCH", url, {"city": "Napoli", "version": 1})
        self.assertEqual(stale.status_code, 409)
        body = stale.json()
        self.assertEqual(set(body), {"error"})
        self.assertEqual(body["error"]["code"], "conflict")
        self.assertTrue(body["error"]["message"])
        self.assertEqual(Person.objects.get(pk=self.zhang.pk).city, "Roma")
        # Without a version the client accepts last-write-wins.
        self.assertEqual(self.call("PATCH", url, {"city": "Napoli"}).status_code, 200)

    def test_it_refuses_to_move_a_person_to_a_sibling_unit(self):
        url = reverse("api:person_update", kwargs={"person_id": self.zhang.public_id})
        response = self.call("PATCH", url, {"unit": str(self.cast.district_b.public_id)})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Person.objects.get(pk=self.zhang.pk).unit, self.cast.district_a)
        moved = self.call("PATCH", url, {"unit": str(self.cast.township_a1.public_id)})
        self.assertEqual(moved.status_code, 200)
        self.assertEqual(moved.json()["unit"], str(self.cast.township_a1.public_id))
