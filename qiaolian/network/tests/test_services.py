"""Writes to the liaison grid: the state change, the audit row, and the scope checks."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

from qiaolian.core.models import AuditEvent
from qiaolian.core.scoping import Action
from qiaolian.core.testing.cast import Cast
from qiaolian.network import services
from qiaolian.network.models import Group, Membership, Steward, StewardRole
from qiaolian.network.tests.factories import (
    AssociationFactory,
    GroupFactory,
    MembershipFactory,
    PersonFactory,
    StewardFactory,
)


class GroupServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.association = AssociationFactory(unit=cls.cast.district_a)

    def test_it_creates_a_group_and_audits_it(self):
        group = services.group_create(
            actor=self.cast.district_manager,
            unit=self.cast.township_a1,
            name=" 米兰侨胞群 ",
            platform="wechat",
            association=self.association,
        )
        self.assertEqual(group.name, "米兰侨胞群")
        event = AuditEvent.objects.get(action="group.create")
        self.assertEqual(event.unit, self.cast.township_a1)
        self.assertEqual(event.changes["name"], [None, "米兰侨胞群"])

    def test_it_refuses_to_create_a_group_in_the_sibling_district(self):
        with pytest.raises(PermissionDenied):
            services.group_create(
                actor=self.cast.district_manager, unit=self.cast.district_b, name="x"
            )
        self.assertFalse(Group.objects.exists())

    def test_it_refuses_to_link_an_association_the_actor_cannot_see(self):
        foreign = AssociationFactory(unit=self.cast.district_b)
        with pytest.raises(PermissionDenied):
            services.group_create(
                actor=self.cast.district_manager,
                unit=self.cast.district_a,
                name="x",
                association=foreign,
            )

    def test_it_updates_a_group_with_the_changed_fields_audited(self):
        group = GroupFactory(unit=self.cast.district_a, name="旧名")
        services.group_update(actor=self.cast.district_manager, group=group, name="新名")
        group.refresh_from_db()
        self.assertEqual(group.name, "新名")
        event = AuditEvent.objects.get(action="group.update")
        self.assertEqual(event.changes, {"name": ["旧名", "新名"]})

    def test_it_refuses_to_move_a_group_into_the_sibling_district(self):
        group = GroupFactory(unit=self.cast.district_a)
        with pytest.raises(PermissionDenied):
            services.group_update(
                actor=self.cast.district_manager, group=group, unit=self.cast.district_b
            )
        group.refresh_from_db()
        self.assertEqual(group.unit, self.cast.district_a)

    def test_it_refuses_changes_to_the_read_only_clerk(self):
        group = GroupFactory(unit=self.cast.district_a, name="旧名")
        with pytest.raises(PermissionDenied):
            services.group_update(actor=self.cast.district_clerk, group=group, name="新名")

    def test_it_records_contact_and_lets_the_groups_steward_do_it(self):
        group = GroupFactory(unit=self.cast.district_a)
        StewardFactory(group=group, person=None, user=self.cast.volunteer)
        services.group_mark_contacted(actor=self.cast.volunteer, group=group)
        group.refresh_from_db()
        self.assertIsNotNone(group.last_contacted_at)
        self.assertTrue(AuditEvent.objects.filter(action="group.contacted").exists())

    def test_it_refuses_contact_by_a_volunteer_who_is_not_the_steward(self):
        group = GroupFactory(unit=self.cast.district_a)
        with pytest.raises(PermissionDenied):
            services.group_mark_contacted(actor=self.cast.volunteer, group=group)


class MembershipServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.group = GroupFactory(unit=cls.cast.district_a)
        cls.person = PersonFactory(unit=cls.cast.township_a1)

    def test_it_adds_a_member_and_audits_it(self):
        membership = services.membership_add(
            actor=self.cast.district_manager, group=self.group, person=self.person, role="leader"
        )
        self.assertEqual(membership.role, "leader")
        self.assertEqual(membership.joined_on, timezone.localdate())
        event = AuditEvent.objects.get(action="group.member_add")
        self.assertIn(str(self.person.public_id), event.changes["member"][1])

    def test_it_refuses_a_second_active_membership(self):
        services.membership_add(
            actor=self.cast.district_manager, group=self.group, person=self.person
        )
        with pytest.raises(ValidationError, match="already a member"):
            services.membership_add(
                actor=self.cast.district_manager, group=self.group, person=self.person
            )

    def test_it_refuses_a_person_of_the_sibling_district(self):
        stranger = PersonFactory(unit=self.cast.district_b)
        with pytest.raises(PermissionDenied):
            services.membership_add(
                actor=self.cast.district_manager, group=self.group, person=stranger
            )
        self.assertFalse(Membership.objects.exists())

    def test_it_records_leaving_and_allows_rejoining_later(self):
        membership = MembershipFactory(group=self.group, person=self.person)
        services.membership_leave(actor=self.cast.district_manager, membership=membership)
        membership.refresh_from_db()
        self.assertEqual(membership.left_on, timezone.localdate())
        self.assertTrue(AuditEvent.objects.filter(action="group.member_leave").exists())
        with pytest.raises(ValidationError):
            services.membership_leave(actor=self.cast.district_manager, membership=membership)
        services.membership_add(
            actor=self.cast.district_manager, group=self.group, person=self.person
        )
        self.assertEqual(Membership.objects.filter(group=self.group, person=self.person).count(), 2)


class StewardServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.group = GroupFactory(unit=cls.cast.district_a)

    def test_it_embeds_a_user_and_audits_it(self):
        steward = services.steward_add(
            actor=self.cast.district_manager,
            group=self.group,
            role=StewardRole.CADRE,
            user=self.cast.township_worker,
        )
        self.assertTrue(steward.is_active)
        self.assertTrue(AuditEvent.objects.filter(action="group.steward_add").exists())

    def test_it_embeds_a_person_without_an_account(self):
        lawyer = PersonFactory(unit=self.cast.district_a)
        steward = services.steward_add(
            actor=self.cast.district_manager, group=self.group, role="lawyer", person=lawyer
        )
        self.assertEqual(steward.holder, lawyer)

    def test_it_wants_exactly_one_of_user_and_person(self):
        with pytest.raises(ValidationError):
            services.steward_add(actor=self.cast.district_manager, group=self.group, role="doctor")
        with pytest.raises(ValidationError):
            services.steward_add(
                actor=self.cast.district_manager,
                group=self.group,
                role="doctor",
                user=self.cast.township_worker,
                person=PersonFactory(unit=self.cast.district_a),
            )

    def test_it_refuses_a_user_of_the_sibling_district(self):
        with pytest.raises(PermissionDenied):
            services.steward_add(
                actor=self.cast.district_manager,
                group=self.group,
                role="doctor",
                user=self.cast.sibling_manager,
            )
        self.assertFalse(Steward.objects.exists())

    def test_it_refuses_the_same_steward_twice_in_one_role(self):
        services.steward_add(
            actor=self.cast.district_manager,
            group=self.group,
            role="doctor",
            user=self.cast.township_worker,
        )
        with pytest.raises(ValidationError):
            services.steward_add(
                actor=self.cast.district_manager,
                group=self.group,
                role="doctor",
                user=self.cast.township_worker,
            )

    def test_it_ends_a_stewardship_and_keeps_the_row(self):
        steward = StewardFactory(group=self.group, since=timezone.localdate() - timedelta(days=30))
        services.steward_remove(actor=self.cast.district_manager, steward=steward)
        steward.refresh_from_db()
        self.assertFalse(steward.is_active)
        self.assertTrue(AuditEvent.objects.filter(action="group.steward_remove").exists())
        # An ended stewardship no longer shows the group to its volunteer.
        ended = StewardFactory(group=self.group, person=None, user=self.cast.volunteer)
        visible = Group.objects.restrict(self.cast.volunteer, Action.VIEW)
        self.assertIn(self.group, visible)
        services.steward_remove(actor=self.cast.district_manager, steward=ended)
        volunteer = self.cast.fresh(self.cast.volunteer)
        self.assertNotIn(self.group, Group.objects.restrict(volunteer, Action.VIEW))
