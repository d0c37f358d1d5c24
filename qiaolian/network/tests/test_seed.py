"""The grid's demo seed: exact figures, near-duplicates, idempotence. The article scale
(24,617 people) is too slow for the suite; the tiny plan runs the same code, and the
article plan's numbers are checked to be the reference text's."""

from django.test import TestCase

from qiaolian.core.models import AuditEvent, User
from qiaolian.core.testing.cast import Cast
from qiaolian.network import selectors
from qiaolian.network.models import Group, Membership, Steward
from qiaolian.network.seed import Plan, seed_network
from qiaolian.people.models import Person, PersonContact
from qiaolian.people.normalize import normalize_phone


def test_the_article_plan_holds_the_reference_texts_figures():
    plan = Plan.article(1)
    assert (plan.groups, plan.people_in_groups) == (340, 24_617)
    assert (plan.cadres, plan.doctors, plan.lawyers) == (350, 133, 111)
    assert Plan.article(3).people_in_groups == 3 * 24_617


class TinySeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.plan = Plan.tiny()
        units = [cls.cast.district_a, cls.cast.township_a1, cls.cast.district_b]
        cls.made = seed_network(plan=cls.plan, units=units)

    def test_it_produces_exactly_the_planned_figures(self):
        figures = selectors.coverage(user=self.cast.city_admin)
        plan = self.plan
        self.assertEqual(figures["groups"], plan.groups)
        self.assertEqual(figures["people_in_groups"], plan.people_in_groups)
        self.assertEqual(figures["people_without_group"], plan.ungrouped)
        self.assertEqual(figures["stewards_cadre"], plan.cadres)
        self.assertEqual(figures["stewards_doctor"], plan.doctors)
        self.assertEqual(figures["stewards_lawyer"], plan.lawyers)
        # Gaps exist to be shown: not every group has a doctor.
        self.assertGreater(figures["groups_without_doctor"], 0)

    def test_it_changes_nothing_when_run_again(self):
        counts = (Person.objects.count(), Group.objects.count(), User.objects.count())
        self.assertEqual(seed_network(plan=self.plan), {"skipped": True})
        self.assertEqual(
            (Person.objects.count(), Group.objects.count(), User.objects.count()), counts
        )

    def test_it_writes_one_summary_audit_row(self):
        event = AuditEvent.objects.get(action="seed.network")
        self.assertIn(f"people_in_groups={self.plan.people_in_groups}", event.message)

    def test_its_phones_normalise_back_from_how_they_were_typed(self):
        for contact in PersonContact.objects.filter(kind="phone").select_related("person"):
            region = str(contact.person.country)
            self.assertEqual(normalize_phone(contact.value, region), contact.normalized)

    def test_it_derives_pinyin_like_the_people_services(self):
        for person in Person.objects.all()[:50]:
            from qiaolian.people.names import name_pinyin

            expected = name_pinyin(person.surname, person.given_name)
            self.assertEqual((person.name_pinyin, person.name_initials), expected)

    def test_it_adds_near_duplicates_for_the_duplicate_finder(self):
        self.assertGreater(self.made["duplicates"], 0)
        same_phone = (
            PersonContact.objects.filter(kind="phone")
            .values("normalized")
            .order_by()
            .distinct()
            .count()
        )
        same_name_birth = (
            Person.objects.values("surname", "given_name", "birth_date").distinct().count()
        )
        total_phones = PersonContact.objects.filter(kind="phone").count()
        # Some records share a number, or a name and a birth date, with another record.
        self.assertTrue(same_phone < total_phones or same_name_birth < Person.objects.count())

    def test_it_embeds_stewards_the_narrowed_roles_can_see(self):
        steward = Steward.objects.filter(user__isnull=False, role="doctor").first()
        user = steward.user
        visible = Group.objects.restrict(user)
        self.assertIn(steward.group, visible)
        self.assertEqual(set(visible), {s.group for s in user.stewardships.all()})

    def test_it_gives_every_group_an_owner(self):
        owners = Membership.objects.filter(role="owner").values("group").distinct().count()
        self.assertEqual(owners, self.plan.groups)
