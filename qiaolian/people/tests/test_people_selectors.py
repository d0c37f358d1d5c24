"""Scoped reads of the register and the shared factories other tests build on."""

from django.test import TestCase
from django.utils import translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.testing.cast import Cast
from qiaolian.people import selectors, services
from qiaolian.people.models import Person
from qiaolian.people.tests.factories import (
    ConsentFactory,
    PersonFactory,
    RelationshipFactory,
    person_categories,
)


class PersonSelectorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        person_categories()
        cls.shan = PersonFactory(
            unit=cls.cast.district_a,
            surname="单",
            given_name="田芳",
            country="US",
            phones=["+1 415 555 0100"],
            emails=["Shan@Example.com"],
            romanized_names="Sin Tin Fong",
        )
        cls.ouyang = PersonFactory(unit=cls.cast.township_a1, surname="欧阳", given_name="娜娜")
        cls.sibling = PersonFactory(unit=cls.cast.district_b, surname="单", given_name="乙")

    def names(self, user, **filters):
        people = selectors.person_filter(selectors.person_list(user=user), filters)
        return sorted(p.full_name for p in people)

    def test_the_factory_derives_pinyin_contacts_and_time_zone_like_the_service(self):
        self.assertEqual(
            (self.shan.name_pinyin, self.shan.name_initials), ("shan tian fang", "stf")
        )
        self.assertEqual(self.shan.time_zone, "America/Los_Angeles")
        contacts = {c.kind: c.normalized for c in self.shan.contacts.all()}
        self.assertEqual(contacts, {"phone": "+14155550100", "email": "shan@example.com"})
        # No audit row: factories populate, they do not act.
        self.assertFalse(AuditEvent.objects.exists())

    def test_text_filter_matches_every_way_a_person_is_looked_for(self):
        manager = self.cast.district_manager
        for q in (
            "单田",
            "田芳",
            "shantianfang",
            "shan tian",
            "stf",
            "Tin Fong",
            "4155550100",
            "555 0100",
            "shan@example",
        ):
            self.assertEqual(self.names(manager, q=q), ["单田芳"], q)
        self.assertEqual(self.names(manager, q="oyn"), ["欧阳娜娜"])
        self.assertEqual(self.names(manager, q="ouyang"), ["欧阳娜娜"])

    def test_the_list_is_restricted_and_narrowed(self):
        self.assertEqual(self.names(self.cast.district_manager), ["单田芳", "欧阳娜娜"])
        self.assertEqual(self.names(self.cast.township_worker), ["欧阳娜娜"])
        self.assertEqual(self.names(self.cast.sibling_manager), ["单乙"])
        self.assertEqual(self.names(self.cast.volunteer), [])
        self.assertEqual(self.names(self.cast.nobody), [])
        within = selectors.person_list(user=self.cast.city_admin, within=self.cast.township_a1)
        self.assertEqual([p.full_name for p in within], ["欧阳娜娜"])

    def test_a_volunteer_sees_the_members_of_groups_they_steward_and_their_requesters(self):
        from qiaolian.hotline.tests.factories import CaseFactory
        from qiaolian.network.tests.factories import GroupFactory, MembershipFactory, StewardFactory

        volunteer = self.cast.volunteer
        group = GroupFactory(unit=self.cast.district_a)
        MembershipFactory(group=group, person=self.ouyang)
        StewardFactory(group=group, user=volunteer, person=None)
        # Stewarding a group of the sibling district shows nothing there: the grant is A's.
        sibling_group = GroupFactory(unit=self.cast.district_b)
        MembershipFactory(group=sibling_group, person=self.sibling)
        StewardFactory(group=sibling_group, user=volunteer, person=None)
        self.assertEqual(self.names(self.cast.fresh(volunteer)), ["欧阳娜娜"])
        CaseFactory(unit=self.cast.district_a, requester=self.shan, assignee=volunteer)
        self.assertEqual(self.names(self.cast.fresh(volunteer)), ["单田芳", "欧阳娜娜"])

    def test_a_merged_person_leaves_the_list(self):
        Person.objects.filter(pk=self.ouyang.pk).update(merged_into=self.shan)
        self.assertEqual(self.names(self.cast.district_manager), ["单田芳"])

    def test_consent_flag_follows_withdrawal(self):
        consent = ConsentFactory(person=self.shan)
        self.assertEqual(self.names(self.cast.district_manager, consent="yes"), ["单田芳"])
        services.consent_withdraw(actor=self.cast.district_manager, consent=consent)
        self.assertEqual(self.names(self.cast.district_manager, consent="yes"), [])

    def test_detail_context_shows_links_from_both_sides_and_hides_out_of_scope(self):
        RelationshipFactory(person=self.ouyang, relative=self.shan, kind="overseas_relative")
        RelationshipFactory(person=self.sibling, relative=self.shan, kind="sibling")
        context = selectors.person_detail_context(user=self.cast.district_manager, person=self.shan)
        with translation.override("en"):
            links = [(str(item["label"]), item["other"].full_name) for item in context["links"]]
        # 欧阳娜娜 is the overseas relative of 单田芳, so seen from 单田芳 the link reads back.
        self.assertEqual(links, [("Relative in China (侨眷) of", "欧阳娜娜")])
        seen_by_sibling = selectors.person_detail_context(
            user=self.cast.sibling_manager, person=self.sibling
        )
        # The sibling manager sees their own person's link row but not whom it points to
        # outside their scope.
        self.assertEqual(seen_by_sibling["links"], [])

    def test_lookup_excludes_the_person_and_requires_a_query(self):
        manager = self.cast.district_manager
        self.assertEqual(selectors.person_lookup(user=manager, q=""), [])
        found = selectors.person_lookup(user=manager, q="shan", exclude=self.shan)
        self.assertEqual(found, [])
        self.assertEqual(selectors.person_lookup(user=manager, q="shan"), [self.shan])
