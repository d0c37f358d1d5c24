"""The grid's API: groups and coverage, scoped like the pages."""

from django.urls import reverse

from qiaolian.core.testing.scoped import ScopedApiTests, next_marker
from qiaolian.network.models import Group, StewardRole
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory, StewardFactory


def make_group(unit):
    group = GroupFactory(unit=unit, name=f"群{next_marker('API')}")
    MembershipFactory(group=group)
    StewardFactory(group=group, role=StewardRole.DOCTOR)
    return group


class GroupListApiTests(ScopedApiTests.List):
    model = Group
    url_name = "api:group_list"

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def marker(self, obj):
        return obj.name

    def test_it_filters_by_missing_steward_and_unit(self):
        url = self.url()
        names = {
            row["name"] for row in self.call(self.actor, url, {"without": "lawyer"}).json()["items"]
        }
        self.assertIn(self.own_object.name, names)
        names = {
            row["name"] for row in self.call(self.actor, url, {"without": "doctor"}).json()["items"]
        }
        self.assertNotIn(self.own_object.name, names)
        within = {"unit": str(self.cast.township_a1.public_id)}
        rows = self.call(self.actor, url, within).json()["items"]
        self.assertEqual([row["name"] for row in rows], [self.subtree_object.name])
        self.assertEqual(rows[0]["members_count"], 1)

    def test_it_answers_404_for_a_sibling_unit_filter(self):
        within = {"unit": str(self.cast.district_b.public_id)}
        self.assertApiError(self.call(self.actor, self.url(), within), 404, "not_found")


class GroupDetailApiTests(ScopedApiTests.Detail):
    model = Group
    url_name = "api:group_detail"

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def url_kwargs(self, obj):
        return {"group_id": obj.public_id}

    def marker(self, obj):
        return obj.name

    def test_it_gives_the_member_count_stewards_and_missing_roles(self):
        body = self.call(self.actor, self.url(self.own_object)).json()
        self.assertEqual(body["members_count"], 1)
        self.assertEqual([s["role"] for s in body["stewards"]], ["doctor"])
        self.assertEqual(body["stewards"][0]["kind"], "person")
        self.assertEqual(body["missing"], ["cadre", "lawyer"])


class CoverageApiTests(ScopedApiTests.Detail):
    """Counts only: the sibling district's groups, members and stewards are never counted."""

    model = Group
    thing = "group"
    url_name = "api:grid_coverage"

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def url(self, obj=None):
        # The figures of the unit owning `obj`: a sibling's unit is a 404 like any record.
        query = f"?unit={obj.unit.public_id}" if obj is not None else ""
        return reverse(self.url_name) + query

    def marker(self, obj):
        return '"groups"'

    def test_it_counts_the_callers_subtree_only(self):
        body = self.call(self.actor, self.url()).json()
        self.assertEqual(body["groups"], 2)
        self.assertEqual(body["people_in_groups"], 2)
        self.assertEqual(body["stewards_doctor"], 2)
        self.assertEqual(body["groups_without_doctor"], 0)
        self.assertEqual(body["groups_without_cadre"], 2)

    def test_it_counts_one_units_subtree_and_takes_the_days(self):
        query = {"unit": str(self.cast.township_a1.public_id), "days": 7}
        body = self.call(self.actor, self.url(), query).json()
        self.assertEqual((body["groups"], body["days"]), (1, 7))
        self.assertEqual(body["not_contacted"], 1)

    def test_it_answers_404_for_the_sibling_unit(self):
        query = {"unit": str(self.cast.district_b.public_id)}
        self.assertApiError(self.call(self.actor, self.url(), query), 404, "not_found")
