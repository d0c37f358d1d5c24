"""The people list at scale: the pager counts a bounded number of rows (a city's register is
a million people) and says so, and the unit filter renders only the chosen unit.

The list is paged two at a time and counts up to three rows here, so five people of the
city are "more than 3", while district A's two or three stay exact."""

import re
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaolian.core.pagination import BoundedPaginator
from qiaolian.core.testing.cast import Cast
from qiaolian.people.tests.factories import PersonFactory, person_categories
from qiaolian.people.views.people import PersonListView

EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}


@mock.patch.object(BoundedPaginator, "count_limit", 3)
@mock.patch.object(PersonListView, "paginate_by", 2)
class PersonListPagerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        person_categories()
        for surname, given, unit in (
            ("安", "一", cls.cast.district_a),
            ("白", "二", cls.cast.township_a1),
            ("陈", "三", cls.cast.district_a),
            ("丁", "四", cls.cast.district_b),
            ("冯", "五", cls.cast.district_b),
        ):
            PersonFactory(surname=surname, given_name=given, unit=unit)

    def page(self, user, headers=EN, **params) -> str:
        self.client.force_login(user)
        response = self.client.get(reverse("people:person_list"), params, headers=headers)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def names(self, html: str) -> list[str]:
        return re.findall(r'/people/[0-9a-f-]{36}/">([^<]+)</a>', html)

    def test_a_scope_under_the_limit_keeps_its_exact_total_and_page_count(self):
        html = self.page(self.cast.district_manager)
        self.assertIn("1–2 of 3", html)
        self.assertIn("1 / 2", html)
        self.assertNotIn("3+", html)
        self.assertIn("3–3 of 3", self.page(self.cast.district_manager, page=2))
        # Past the end of an exact pager: the last page, as before.
        self.assertIn("3–3 of 3", self.page(self.cast.district_manager, page=9))

    def test_a_scope_over_the_limit_says_more_than_the_limit_and_never_a_total(self):
        html = self.page(self.cast.city_admin)
        self.assertIn("1–2 of 3+", html)
        self.assertIn("Page 1", html)
        self.assertNotIn("of 5", html)
        self.assertNotIn(" / ", re.search(r'id="pager-capped".*?</div>', html, re.S)[0])
        zh = self.page(self.cast.city_admin, headers=ZH)
        self.assertIn("第 1–2 条，共 3+ 条", zh)
        # Narrowing by the filters is offered: a filtered list gets its total and pages back.
        self.assertIn('id="pager-narrow"', zh)
        self.assertIn('href="#filters"', zh)
        self.assertIn("第 1 页", zh)

    def test_a_capped_pager_reaches_every_person_once_by_next(self):
        seen, number = [], 1
        while True:
            html = self.page(self.cast.city_admin, page=number)
            seen += self.names(html)
            if f"page={number + 1}" not in html:
                break
            number += 1
        self.assertEqual(number, 3)  # 2 + 2 + 1
        self.assertEqual(seen, ["安一", "白二", "陈三", "丁四", "冯五"])
        self.assertIn("5–5 of 3+", html)
        self.assertIn("page=2", html)  # the way back

    def test_the_htmx_rows_carry_the_same_capped_pager(self):
        self.client.force_login(self.cast.city_admin)
        response = self.client.get(
            reverse("people:person_list"), {"page": 2}, headers={**EN, "HX-Request": "true"}
        )
        html = response.content.decode()
        self.assertNotIn("<form", html)  # the fragment, not the page
        self.assertIn("3–4 of 3+", html)

    def test_the_page_never_counts_the_whole_scope(self):
        self.client.force_login(self.cast.city_admin)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(reverse("people:person_list"))
        counts = [q["sql"].upper() for q in queries if "COUNT(" in q["sql"].upper()]
        self.assertTrue(counts)
        # Every count of people is bounded (LIMIT 4): the database stops after four rows.
        people = [sql for sql in counts if "PEOPLE_PERSON" in sql]
        self.assertTrue(people)
        for sql in people:
            self.assertIn("LIMIT 4", sql)

    def test_filters_narrow_a_capped_scope_back_to_an_exact_count(self):
        html = self.page(self.cast.city_admin, unit=self.cast.district_b.pk)
        self.assertIn("2 records", html)  # one page: the exact total, no pager
        self.assertEqual(self.names(html), ["丁四", "冯五"])


class PersonListUnitFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        person_categories()

    def unit_select(self, user, **params) -> str:
        self.client.force_login(user)
        html = self.client.get(reverse("people:person_list"), params, headers=EN)
        return re.search(r'<select name="unit".*?</select>', html.content.decode(), re.S)[0]

    def test_it_renders_no_unit_until_one_is_chosen_and_then_only_that_one(self):
        select = self.unit_select(self.cast.city_admin)
        self.assertIn('data-tom-remote="/units/options/?action=view"', select)
        self.assertEqual(select.count("<option"), 1)  # the empty choice only
        select = self.unit_select(self.cast.city_admin, unit=self.cast.township_a1.pk)
        self.assertEqual(select.count("<option"), 2)
        self.assertIn("selected>Township A1 (DA1)</option>", select)

    def test_it_does_not_render_a_sibling_unit_typed_into_the_url(self):
        select = self.unit_select(self.cast.district_manager, unit=self.cast.district_b.pk)
        self.assertNotIn("District B", select)
        self.assertEqual(select.count("<option"), 1)
