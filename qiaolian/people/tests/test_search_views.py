"""The search page, its HTMX fragment, the header box and the `search` command."""

import json
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker
from qiaolian.people.models import Person
from qiaolian.people.tests.factories import AssociationFactory
from qiaolian.people.tests.test_search import make_person

URL = reverse("people:search")


class SearchPageScopingTests(ScopedViewTests.List):
    """Every scoping check of a list page, run on the search page with a query that finds
    the own, the subtree and the sibling's record alike."""

    model = Person
    url_name = "people:search"

    @classmethod
    def make_object(cls, unit):
        return make_person(unit, "搜", "索", romanized_names=f"Sousuo {next_marker()}")

    def marker(self, obj):
        return obj.romanized_names.split()[-1]

    def list_url(self) -> str:
        return f"{URL}?q=sousuo"


class SearchPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.zhang = make_person(
            cls.cast.district_a, "张", "伟", phones=["+39 333 123 4567"], emails=["zw@example.it"]
        )
        cls.sibling = make_person(cls.cast.district_b, "张", "伟", phones=["+39 333 765 4567"])
        cls.association = AssociationFactory(unit=cls.cast.district_a, name="张伟同乡会")

    def setUp(self):
        self.client.force_login(self.cast.district_manager)

    def test_it_shows_people_and_associations_grouped(self):
        response = self.client.get(URL, {"q": "张伟"})
        self.assertContains(response, 'id="search-people"')
        self.assertContains(response, 'id="search-associations"')
        self.assertContains(response, reverse("people:person_detail", args=[self.zhang.public_id]))
        self.assertNotContains(
            response, reverse("people:person_detail", args=[self.sibling.public_id])
        )

    def test_it_masks_phones_and_emails(self):
        response = self.client.get(URL, {"q": "4567"})
        self.assertContains(response, "+39 *** *** 4567")
        self.assertContains(response, "zw*@example.it")
        self.assertNotContains(response, "333 123 4567")

    def test_it_answers_htmx_with_the_results_fragment_only(self):
        response = self.client.get(URL, {"q": "zw"}, headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertNotContains(response, 'id="search-form"')
        self.assertContains(response, "张伟")

    def test_it_invites_typing_when_the_query_is_empty(self):
        for params in ({}, {"q": ""}, {"q": "   "}):
            response = self.client.get(URL, params)
            self.assertContains(response, 'id="search-empty"')
            self.assertNotContains(response, 'id="search-people"')

    def test_it_explains_a_query_that_is_too_short_or_too_long(self):
        with translation.override("en"):
            response = self.client.get(URL, {"q": "z"}, headers={"Accept-Language": "en"})
        self.assertContains(response, 'id="search-error"')
        response = self.client.get(URL, {"q": "x" * 500})
        self.assertContains(response, 'id="search-error"')

    def test_it_explains_the_error_in_chinese_by_default(self):
        response = self.client.get(URL, {"q": "z"}, headers={"Accept-Language": "zh-hans"})
        self.assertContains(response, "至少")

    def test_it_says_when_nothing_is_found(self):
        response = self.client.get(URL, {"q": "3337654567"})  # the sibling's number
        self.assertContains(response, 'id="search-none"')
        self.assertNotContains(response, "张伟</a>")

    def test_it_survives_sql_like_and_markup_characters(self):
        for query in ("'; DROP TABLE people_person; --", "<script>alert(1)</script>", "%_\\"):
            response = self.client.get(URL, {"q": query})
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "<script>alert(1)</script>")

    def test_it_ignores_a_bad_limit(self):
        self.assertEqual(self.client.get(URL, {"q": "zw", "limit": "many"}).status_code, 200)

    def test_the_header_of_every_page_has_the_search_box(self):
        response = self.client.get(reverse("core:dashboard"))
        self.assertContains(response, 'id="header-search"')
        self.assertContains(response, f'action="{URL}"')

    def test_the_navigation_links_to_search(self):
        self.assertContains(self.client.get(reverse("core:dashboard")), f'href="{URL}"')

    def test_it_refuses_a_user_holding_view_nowhere(self):
        self.client.force_login(self.cast.nobody)
        self.assertEqual(self.client.get(URL, {"q": "张伟"}).status_code, 403)


class SearchCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.zhang = make_person(cls.cast.district_a, "张", "伟", phones=["+39 333 123 4567"])
        cls.sibling = make_person(cls.cast.district_b, "张", "伟", phones=["+39 333 765 4567"])

    def run_command(self, *args):
        out = StringIO()
        call_command("search", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_it_prints_json_results_in_the_users_scope(self):
        data = json.loads(self.run_command("3331234567", "--as", "district_manager", "--json"))
        self.assertEqual(data["query"], "3331234567")
        [hit] = data["results"]
        self.assertEqual(hit["kind"], "person")
        self.assertEqual(hit["id"], str(self.zhang.public_id))
        self.assertEqual(hit["name"], "张伟")
        self.assertEqual(hit["unit"], self.cast.district_a.label)
        self.assertEqual(hit["score"], 90)
        self.assertNotIn("333 123", json.dumps(data))  # the phone is masked

    def test_it_never_prints_the_sibling_units_people(self):
        data = json.loads(self.run_command("张伟", "--as", "district_manager", "--json"))
        self.assertEqual([r["id"] for r in data["results"]], [str(self.zhang.public_id)])

    def test_it_prints_a_table_without_json(self):
        self.assertIn("张伟", self.run_command("zw", "--as", "district_manager"))

    def test_it_reports_bad_input_as_json_and_exits_2(self):
        out = StringIO()
        with self.assertRaises(CommandError) as raised:
            call_command("search", "z", "--as", "district_manager", "--json", stdout=out)
        self.assertEqual(raised.exception.returncode, 2)
        data = json.loads(out.getvalue())
        self.assertEqual(data["results"], [])
        self.assertTrue(data["error"])

    def test_it_refuses_an_unknown_user_or_no_user(self):
        with self.assertRaises(CommandError):
            self.run_command("张伟", "--as", "nobody-here")
        with self.assertRaises(CommandError):
            self.run_command("张伟")

    def test_it_rebuilds_the_index(self):
        Person.objects.filter(pk=self.zhang.pk).update(
            given_name="伟华", name_pinyin="zhang wei hua"
        )
        self.assertIn("2", self.run_command("--reindex"))
        data = json.loads(self.run_command("张伟华", "--as", "district_manager", "--json"))
        self.assertEqual([r["name"] for r in data["results"]], ["张伟华"])
