"""The grid page and its figures on a small hand-made fixture, where every number is known."""

from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.testing.cast import Cast
from qiaolian.network import selectors
from qiaolian.network.tests.factories import (
    AssociationFactory,
    GroupFactory,
    MembershipFactory,
    PersonFactory,
    StewardFactory,
)


class CoverageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        a, a1, b = cls.cast.district_a, cls.cast.township_a1, cls.cast.district_b
        now = timezone.now()
        cls.g1 = GroupFactory(unit=a, name="甲群一", last_contacted_at=now - timedelta(days=3))
        cls.g2 = GroupFactory(unit=a1, name="甲一群", last_contacted_at=now - timedelta(days=45))
        cls.g3 = GroupFactory(unit=a1, name="甲一群二")  # never contacted
        cls.gb = GroupFactory(unit=b, name="乙群", last_contacted_at=now)
        italians = [PersonFactory(unit=a, country="IT") for _ in range(3)]
        french = PersonFactory(unit=a1, country="FR")
        cls.lonely = PersonFactory(unit=a1, country="ES", surname="孤", given_name="单")
        # Three Italians in g1, one of them also in g2, the Frenchman in g3: 4 distinct people.
        for person in italians:
            MembershipFactory(group=cls.g1, person=person)
        MembershipFactory(group=cls.g2, person=italians[0])
        MembershipFactory(group=cls.g3, person=french)
        # Someone who left counts as in no group.
        left = PersonFactory(unit=a1, country="IT")
        MembershipFactory(group=cls.g2, person=left, left_on=timezone.localdate())
        # Stewards: g1 has a cadre and a doctor, g2 a cadre (a user, twice counted once),
        # g3 a lawyer whose stewardship ended.
        StewardFactory(group=cls.g1, person=None, user=cls.cast.township_worker, role="cadre")
        StewardFactory(group=cls.g2, person=None, user=cls.cast.township_worker, role="cadre")
        StewardFactory(group=cls.g1, role="doctor")
        StewardFactory(group=cls.g3, role="lawyer", until=timezone.localdate() - timedelta(days=1))
        AssociationFactory(unit=a, country="IT")
        # The sibling district: a group full of people and stewards that must not count.
        for _ in range(5):
            MembershipFactory(group=cls.gb, person=PersonFactory(unit=b, country="JP"))
        StewardFactory(group=cls.gb, role="lawyer")
        AssociationFactory(unit=b, country="JP")

    def test_it_computes_every_figure_on_the_users_scope(self):
        figures = selectors.coverage(user=self.cast.district_manager, days=30)
        self.assertEqual(
            figures,
            {
                "groups": 3,
                "people_in_groups": 4,
                # The lonely one, the one who left, and the two stewards of the register.
                "people_without_group": 4,
                "groups_without_cadre": 1,
                "groups_without_doctor": 2,
                "groups_without_lawyer": 3,
                "not_contacted": 2,
                "stewards_cadre": 1,
                "stewards_doctor": 1,
                "stewards_lawyer": 0,
                "stewards_interpreter": 0,
                "stewards_other": 0,
                "days": 30,
            },
        )

    def test_it_takes_the_number_of_days_and_the_active_unit(self):
        self.assertEqual(
            selectors.coverage(user=self.cast.district_manager, days=60)["not_contacted"], 1
        )
        within = selectors.coverage(user=self.cast.district_manager, within=self.cast.township_a1)
        self.assertEqual((within["groups"], within["people_in_groups"]), (2, 2))

    def test_it_maps_people_and_associations_by_country_without_the_sibling(self):
        world = selectors.world_map(user=self.cast.district_manager)
        rows = {row["code"]: (row["value"], row["associations"]) for row in world["countries"]}
        self.assertEqual(rows, {"IT": (4, 1), "FR": (1, 0), "ES": (1, 0)})
        # The map's regions are named by ISO code, the property the page's script matches.
        features = {row["name"]: row["value"] for row in world["features"]}
        self.assertEqual(features, {"IT": 4, "FR": 1, "ES": 1})

    def test_it_builds_the_tree_of_units_groups_and_leaders(self):
        tree = selectors.grid_tree(user=self.cast.district_manager)
        self.assertEqual(
            [branch["unit"] for branch in tree], [self.cast.district_a, self.cast.township_a1]
        )
        self.assertEqual([g.name for g in tree[0]["groups"]], ["甲群一"])
        self.assertEqual(tree[0]["members"], 3)
        self.assertEqual(tree[0]["groups"][0].missing_labels, ["No lawyer"])

    def test_it_lists_the_branches_with_their_counts_without_the_sibling(self):
        branches = selectors.grid_branches(user=self.cast.district_manager)
        tree = selectors.grid_tree(user=self.cast.district_manager)
        self.assertEqual(
            [(b["unit"], b["groups"], b["members"]) for b in branches],
            [(t["unit"], len(t["groups"]), t["members"]) for t in tree],
        )
        one = selectors.grid_tree(user=self.cast.district_manager, unit=self.cast.township_a1)
        self.assertEqual([t["unit"] for t in one], [self.cast.township_a1])

    def test_the_page_shows_the_figures_and_links_to_the_gaps(self):
        self.client.force_login(self.cast.district_manager)
        response = self.client.get(reverse("network:grid"), {"days": 60})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["figures"]["not_contacted"], 1)
        self.assertContains(response, f"{reverse('network:group_list')}?not_contacted_days=60")
        self.assertContains(response, reverse("network:ungrouped"))
        self.assertContains(response, 'id="grid-map-data"')
        self.assertNotContains(response, "乙群")
        # No inline script: the map's code is a static file under the CSP nonce.
        self.assertContains(response, "qiaolian/grid.js")

    def test_the_ungrouped_list_links_back_to_its_figure(self):
        self.client.force_login(self.cast.district_manager)
        response = self.client.get(reverse("network:ungrouped"))
        self.assertEqual(response.context["page"].paginator.count, 4)
        self.assertContains(response, "孤单")
