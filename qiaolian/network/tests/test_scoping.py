"""Volunteer and liaison narrowing, tested like a unit boundary: a volunteer sees the groups
they steward (and their members and stewards), and nothing else, even inside their unit."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from qiaolian.core.models import Role, UnitRole
from qiaolian.core.scoping import Action
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UserFactory
from qiaolian.network import selectors
from qiaolian.network.models import Group, Membership, Steward
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory, StewardFactory


class VolunteerNarrowingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        volunteer = cls.cast.volunteer
        cls.mine = GroupFactory(unit=cls.cast.township_a1, name="我驻的群")
        cls.other = GroupFactory(unit=cls.cast.district_a, name="同区别的群")
        cls.sibling = GroupFactory(unit=cls.cast.district_b, name="隔壁区的群")
        StewardFactory(group=cls.mine, person=None, user=volunteer, role="doctor")
        # A stewardship in the sibling district does not carry the volunteer's grant there.
        StewardFactory(group=cls.sibling, person=None, user=volunteer, role="doctor")
        for group in (cls.mine, cls.other, cls.sibling):
            MembershipFactory(group=group)
            StewardFactory(group=group, role="lawyer")

    def visible(self, model, user=None, action=Action.VIEW):
        return model.objects.restrict(user or self.cast.volunteer, action)

    def test_it_shows_a_volunteer_only_the_groups_they_steward(self):
        self.assertEqual(list(self.visible(Group)), [self.mine])

    def test_it_never_crosses_the_unit_boundary_for_a_stewardship(self):
        self.assertNotIn(self.sibling, self.visible(Group))
        self.assertNotIn(self.sibling, self.visible(Group, action=Action.CHANGE))

    def test_it_narrows_members_and_stewards_the_same_way(self):
        self.assertEqual({m.group for m in self.visible(Membership)}, {self.mine})
        self.assertEqual({s.group for s in self.visible(Steward)}, {self.mine})

    def test_it_counts_one_group_once_whatever_the_number_of_stewardships(self):
        StewardFactory(group=self.mine, person=None, user=self.cast.volunteer, role="interpreter")
        volunteer = self.cast.fresh(self.cast.volunteer)
        self.assertEqual(self.visible(Group, volunteer).count(), 1)
        self.assertEqual(selectors.coverage(user=volunteer)["groups"], 1)

    def test_it_forgets_an_ended_stewardship(self):
        Steward.objects.filter(user=self.cast.volunteer).update(
            until=timezone.localdate() - timedelta(days=1)
        )
        self.assertFalse(self.visible(Group).exists())

    def test_it_narrows_a_liaison_officer_like_a_volunteer(self):
        officer = UserFactory(username="liaison_officer", home_unit=self.cast.district_a)
        UnitRole.objects.create(
            user=officer, unit=self.cast.district_a, role=Role.objects.get(code="liaison")
        )
        self.assertFalse(self.visible(Group, officer).exists())
        StewardFactory(group=self.other, person=None, user=officer, role="cadre")
        officer = self.cast.fresh(officer)
        self.assertEqual(list(self.visible(Group, officer)), [self.other])

    def test_it_shows_district_staff_every_group_of_their_subtree(self):
        manager = self.cast.district_manager
        self.assertEqual(set(self.visible(Group, manager)), {self.mine, self.other})
        self.assertEqual(set(self.visible(Group, self.cast.sibling_manager)), {self.sibling})
