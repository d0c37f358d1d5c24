"""What keeps a list page cheap over a large register: the bounded pager (core/pagination.py)
on real rows, the unit picker's JSON feed (`core:unit_options`) that lets list filters render
one unit instead of a whole tree, and the plain select that renders long option lists."""

from django import forms
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaolian.core.forms import PlainSelect, UnitChoiceField
from qiaolian.core.models import Unit, UnitKind
from qiaolian.core.pagination import BoundedPaginator
from qiaolian.core.scoping import Action
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UnitFactory


class BoundedPaginatorTests(TestCase):
    """Seven units (the cast's four and three villages), paged two at a time."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        for n in range(3):
            UnitFactory(parent=cls.cast.township_a1, code=f"V{n}", kind=UnitKind.VILLAGE)

    def units(self):
        return Unit.objects.order_by("path")

    def codes(self, page):
        return [unit.code for unit in page]

    def test_it_is_exact_while_the_rows_fit_under_the_limit(self):
        paginator = BoundedPaginator(self.units(), 2, count_limit=7)
        page = paginator.get_page(4)
        self.assertFalse(paginator.capped)
        self.assertEqual(paginator.count, 7)
        self.assertEqual(paginator.num_pages, 4)
        self.assertEqual((page.start_index(), page.end_index()), (7, 7))
        self.assertFalse(page.has_next())
        # Past the end, Django's rule: the last page.
        self.assertEqual(paginator.get_page(99).number, 4)

    def test_it_counts_no_more_than_the_limit_plus_one_row(self):
        paginator = BoundedPaginator(self.units(), 2, count_limit=3)
        with CaptureQueriesContext(connection) as queries:
            self.assertTrue(paginator.capped)
        # One query, limited: the database stops after four rows, whatever the table holds.
        self.assertEqual(len(queries), 1)
        self.assertIn("LIMIT 4", queries[0]["sql"].upper())
        self.assertEqual(paginator.counted, 4)

    def test_a_capped_pager_walks_every_page_by_next_and_previous(self):
        paginator = BoundedPaginator(self.units(), 2, count_limit=3)
        seen, number = [], 1
        while True:
            page = paginator.get_page(number)
            seen += self.codes(page)
            self.assertEqual(page.start_index(), (number - 1) * 2 + 1)
            self.assertEqual(page.end_index(), page.start_index() + len(page) - 1)
            self.assertEqual(page.has_previous(), number > 1)
            if not page.has_next():
                break
            number = page.next_page_number()
        # Every row once, in order, and the last page knows it is the last (7 = 2+2+2+1).
        self.assertEqual(seen, [unit.code for unit in self.units()])
        self.assertEqual(number, 4)
        self.assertEqual(page.previous_page_number(), 3)

    def test_a_capped_pager_shows_the_first_page_for_a_page_past_the_end_or_garbage(self):
        paginator = BoundedPaginator(self.units(), 2, count_limit=3)
        for number in (99, 0, -1, "x", None, 1.5):
            page = paginator.get_page(number)
            self.assertEqual(page.number, 1, number)
            self.assertEqual(len(page), 2)

    def test_a_capped_pager_still_answers_the_exact_count_when_asked(self):
        # Nothing on the page asks for it; code that does gets the truth, not the bound.
        self.assertEqual(BoundedPaginator(self.units(), 2, count_limit=3).count, 7)


class UnitOptionsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.village = UnitFactory(
            parent=cls.cast.township_a1, code="DA1V", name="甲一村", name_en="Village A1"
        )
        cls.b_village = UnitFactory(
            parent=cls.cast.district_b, code="DBV", name="乙一村", name_en="Village B1"
        )

    def options(self, user, **params) -> list[dict]:
        self.client.force_login(user)
        response = self.client.get(reverse("core:unit_options"), params)
        self.assertEqual(response.status_code, 200)
        return response.json()["results"]

    def test_it_offers_only_units_of_the_users_subtree_in_tree_order(self):
        texts = [o["text"] for o in self.options(self.cast.district_manager)]
        self.assertEqual(
            texts,
            [
                "甲区侨联 (DA)",  # its parent, the city, is outside the manager's scope: unnamed
                "甲一街道侨联 (DA1) · 甲区侨联",
                "甲一村 (DA1V) · 甲一街道侨联",
            ],
        )

    def test_it_finds_by_name_english_name_or_code_prefix(self):
        manager = self.cast.district_manager
        for q in ("一村", "village a1", "da1v", "DA1V"):
            values = [o["value"] for o in self.options(manager, q=q)]
            self.assertEqual(values, [str(self.village.pk)], q)
        # A sibling's village matches the text, but is not the manager's to see.
        self.assertEqual(self.options(manager, q="乙一村"), [])
        self.assertEqual(len(self.options(self.cast.city_admin, q="村")), 2)

    def test_it_answers_in_english_for_an_english_reader(self):
        self.client.force_login(self.cast.district_manager)
        response = self.client.get(
            reverse("core:unit_options"), {"q": "DA1V"}, headers={"accept-language": "en"}
        )
        self.assertEqual(response.json()["results"][0]["text"], "Village A1 (DA1V) · Township A1")

    def test_it_restricts_by_the_action_asked(self):
        # The read-only clerk sees district A's units but may administer none of them.
        self.assertEqual(len(self.options(self.cast.district_clerk)), 3)
        self.assertEqual(self.options(self.cast.district_clerk, action="admin"), [])
        self.client.force_login(self.cast.district_clerk)
        response = self.client.get(reverse("core:unit_options"), {"action": "nonsense"})
        self.assertEqual(response.status_code, 400)

    def test_it_refuses_a_user_without_any_grant(self):
        self.client.force_login(self.cast.nobody)
        self.assertEqual(self.client.get(reverse("core:unit_options")).status_code, 403)

    def test_the_remote_field_renders_only_the_chosen_unit_and_validates_in_scope(self):
        field = UnitChoiceField(
            user=self.cast.district_manager, action=Action.VIEW, required=False, remote=True
        )
        html = field.widget.render("unit", self.village.pk)
        self.assertIn('data-tom-remote="/units/options/?action=view"', html)
        self.assertIn("甲一村 (DA1V)", html)
        self.assertEqual(html.count("<option"), 2)  # the empty choice and the chosen unit
        # A sibling's unit typed into the URL renders nothing and does not validate.
        self.assertNotIn("乙一村", field.widget.render("unit", self.b_village.pk))
        self.assertFalse(field.queryset.filter(pk=self.b_village.pk).exists())


class PlainSelectTests(SimpleTestCase):
    def test_it_renders_the_same_select_as_django_with_escaping_and_attributes(self):
        choices = [("", "All countries"), ("IT", "Italy"), ("X&Y", "<b>Côte d’Ivoire</b>")]
        plain = forms.ChoiceField(choices=choices, required=False, widget=PlainSelect)
        stock = forms.ChoiceField(choices=choices, required=False)
        attrs = {"id": "id_country", "class": "form-select", "data-tom-select": "1"}
        for value in ("", "IT", "X&Y", None):
            self.assertHTMLEqual(
                plain.widget.render("country", value, attrs),
                stock.widget.render("country", value, attrs),
            )
        self.assertNotIn("<b>", plain.widget.render("country", "", attrs))
