"""The liaison grid's pages, each checked by the scoped test mixins (sibling 404s, lists that
leave out the sibling district, 403 to users without the action, volunteers narrowed)."""

from django.urls import reverse

from qiaolian.core.models import AuditEvent
from qiaolian.core.scoping import Action
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker, response_text
from qiaolian.network.models import Group, Membership, Steward, StewardRole
from qiaolian.network.tests.factories import (
    GroupFactory,
    MembershipFactory,
    PersonFactory,
    StewardFactory,
)
from qiaolian.people.models import Person


def make_group(unit):
    group = GroupFactory(unit=unit, name=f"群{next_marker('GR')}")
    MembershipFactory(group=group)
    return group


class GroupListTests(ScopedViewTests.List):
    model = Group
    url_name = "network:group_list"
    export_formats = ("csv", "xlsx")

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def marker(self, obj):
        return obj.name

    def test_it_lists_the_groups_without_a_doctor(self):
        StewardFactory(group=self.own_object, role=StewardRole.DOCTOR)
        self.login("district_manager")
        text = response_text(self.client.get(self.url(), {"without": "doctor"}))
        self.assertNotIn(self.own_object.name, text)
        self.assertIn(self.subtree_object.name, text)

    def test_it_writes_an_audit_event_for_an_export(self):
        self.login("district_manager")
        self.client.get(self.url(), {"export": "csv"})
        self.assertTrue(AuditEvent.objects.filter(action="export.groups").exists())

    def test_it_refuses_an_export_to_the_clerk_who_may_only_view(self):
        self.login("district_clerk")
        self.assertEqual(self.client.get(self.url(), {"export": "csv"}).status_code, 403)


class GridTests(ScopedViewTests.List):
    """The grid page lists the units that own groups (each branch's groups load when it is
    opened), so the list checks apply to the branches: never the sibling district's."""

    model = Group
    thing = "group"
    url_name = "network:grid"
    max_queries = 16  # the shell's, plus ten figures, branches and map: none per row

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def marker(self, obj):
        return reverse("network:grid_branch", args=[obj.unit.public_id])


class GridBranchTests(ScopedViewTests.Detail):
    """One unit's groups, leaders and stewards: a unit out of scope is a 404."""

    model = Group
    url_name = "network:grid_branch"

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def url_kwargs(self, obj):
        return {"public_id": obj.unit.public_id}

    def marker(self, obj):
        return obj.name

    def test_a_branch_holds_the_groups_of_its_own_unit_only(self):
        self.login("district_manager")
        text = response_text(self.client.get(self.url(self.own_object)))
        self.assertIn(self.own_object.name, text)
        self.assertNotIn(self.subtree_object.name, text)  # the township has its own branch


class RosterPageTests(ScopedViewTests.List):
    """The roster page offers the groups the user may change: never a sibling's."""

    model = Group
    thing = "group"
    url_name = "network:roster"
    action = Action.CHANGE

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def marker(self, obj):
        return obj.name


class UngroupedTests(ScopedViewTests.List):
    model = Person
    thing = "person"
    url_name = "network:ungrouped"

    @classmethod
    def make_object(cls, unit):
        return PersonFactory(unit=unit, surname="无", given_name=f"群{next_marker('P')}")

    def marker(self, obj):
        return obj.full_name

    def test_it_leaves_out_people_in_a_group(self):
        MembershipFactory(group=GroupFactory(unit=self.cast.district_a), person=self.own_object)
        self.login("district_manager")
        text = response_text(self.client.get(self.url()))
        self.assertNotIn(self.own_object.full_name, text)
        self.assertIn(self.subtree_object.full_name, text)


class GroupDetailTests(ScopedViewTests.Detail):
    model = Group
    url_name = "network:group_detail"

    @classmethod
    def make_object(cls, unit):
        group = make_group(unit)
        StewardFactory(group=group, role=StewardRole.LAWYER)
        return group

    def marker(self, obj):
        return obj.name

    def test_it_shows_members_stewards_and_the_missing_roles(self):
        self.login("district_manager")
        group = self.own_object
        member = group.memberships.get().person
        response = self.client.get(self.url(group), HTTP_ACCEPT_LANGUAGE="en")
        text = response_text(response)
        self.assertIn(member.full_name, text)
        self.assertIn(str(group.stewards.get().person), text)
        self.assertEqual(
            [str(label) for label in response.context["missing"]], ["No cadre", "No doctor"]
        )

    def test_it_answers_htmx_with_the_members_fragment_only(self):
        self.login("district_manager")
        response = self.client.get(self.url(self.own_object), headers={"HX-Request": "true"})
        self.assertContains(response, 'id="member-table"')
        self.assertNotContains(response, "<html")

    def test_it_shows_a_volunteer_the_group_they_steward(self):
        StewardFactory(group=self.own_object, person=None, user=self.cast.volunteer)
        self.login("volunteer")
        self.assertEqual(self.client.get(self.url(self.own_object)).status_code, 200)
        self.assertEqual(self.client.get(self.url(self.subtree_object)).status_code, 404)


class GroupCreateTests(ScopedViewTests.Create):
    model = Group
    url_name = "network:group_create"
    unit_field = "unit"

    def create_data(self, unit):
        return {"unit": unit.pk, "platform": "whatsapp", "name": "新建群", "notes": ""}


class GroupEditTests(ScopedViewTests.Edit):
    model = Group
    url_name = "network:group_edit"
    unit_field = "unit"
    detail_url_name = "network:group_detail"

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def form_data(self, obj):
        return {"unit": obj.unit.pk, "platform": "line", "name": f"{obj.name}改", "notes": "x"}

    def test_it_writes_the_change_to_the_audit_log(self):
        self.login("district_manager")
        self.client.post(self.url(self.own_object), self.form_data(self.own_object))
        event = AuditEvent.objects.get(action="group.update")
        self.assertEqual(event.changes["platform"], ["wechat", "line"])


class _GroupSubformMixin:
    detail_url_name = "network:group_detail"

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def snapshot(self, obj):
        if not Group.objects.filter(pk=obj.pk).exists():
            return None
        return {
            "members": sorted(
                Membership.objects.filter(group=obj, left_on__isnull=True).values_list(
                    "person_id", flat=True
                )
            ),
            "stewards": sorted(Steward.objects.filter(group=obj).values_list("pk", flat=True)),
        }


class MemberAddTests(_GroupSubformMixin, ScopedViewTests.Edit):
    model = Group
    thing = "group"
    url_name = "network:member_add"

    def form_data(self, obj):
        person = PersonFactory(unit=obj.unit)
        return {"person": person.public_id, "role": "leader", "joined_on": "2020-03-01"}

    def test_it_refuses_a_person_the_user_cannot_see(self):
        self.login("district_manager")
        stranger = PersonFactory(unit=self.cast.district_b)
        data = {"person": stranger.public_id, "role": "member"}
        response = self.client.post(self.url(self.own_object), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("person", response.context["form"].errors)
        self.assertFalse(Membership.objects.filter(person=stranger).exists())

    def test_it_says_when_the_person_is_already_a_member(self):
        self.login("district_manager")
        member = self.own_object.memberships.get().person
        response = self.client.post(
            self.url(self.own_object),
            {"person": member.public_id, "role": "member"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("already a member", str(response.context["form"].errors))


class StewardAddTests(_GroupSubformMixin, ScopedViewTests.Edit):
    model = Group
    thing = "group"
    url_name = "network:steward_add"

    def form_data(self, obj):
        return {"role": "doctor", "user": self.cast.township_worker.public_id}

    def test_it_refuses_both_a_user_and_a_person(self):
        self.login("district_manager")
        person = PersonFactory(unit=self.cast.district_a)
        data = {**self.form_data(self.own_object), "person": person.public_id}
        response = self.client.post(self.url(self.own_object), data)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Steward.objects.filter(group=self.own_object, role="doctor").exists())

    def test_it_does_not_offer_users_of_the_sibling_district(self):
        self.login("district_manager")
        offered = self.client.get(self.url(self.own_object)).context["form"].fields["user"]
        self.assertNotIn(self.cast.sibling_manager, set(offered.queryset))


class GroupContactedTests(ScopedViewTests.Delete):
    model = Group
    url_name = "network:group_contacted"
    action = Action.CHANGE

    @classmethod
    def make_object(cls, unit):
        return make_group(unit)

    def assert_done(self, obj):
        self.assertIsNotNone(Group.objects.get(pk=obj.pk).last_contacted_at)

    def test_it_lets_a_steward_volunteer_record_contact_with_their_group(self):
        StewardFactory(group=self.own_object, person=None, user=self.cast.volunteer)
        self.login("volunteer")
        self.assertEqual(self.client.post(self.url(self.own_object)).status_code, 302)
        self.assert_done(self.own_object)
        # …but not with a group of the same district they do not steward.
        self.assertEqual(self.client.post(self.url(self.subtree_object)).status_code, 404)


class MemberLeaveTests(ScopedViewTests.Delete):
    model = Membership
    url_name = "network:member_leave"
    action = Action.CHANGE

    @classmethod
    def make_object(cls, unit):
        return MembershipFactory(group=GroupFactory(unit=unit))

    def assert_done(self, obj):
        self.assertIsNotNone(Membership.objects.get(pk=obj.pk).left_on)


class StewardRemoveTests(ScopedViewTests.Delete):
    model = Steward
    url_name = "network:steward_remove"
    action = Action.CHANGE

    @classmethod
    def make_object(cls, unit):
        return StewardFactory(group=GroupFactory(unit=unit))

    def assert_done(self, obj):
        self.assertFalse(Steward.objects.get(pk=obj.pk).is_active)


class PersonOptionsTests(ScopedViewTests.List):
    model = Person
    thing = "person"
    url_name = "network:person_options"
    narrows_to_active_unit = False  # a picker offers everyone the user may link to

    @classmethod
    def make_object(cls, unit):
        return PersonFactory(unit=unit, surname="选", given_name=f"项{next_marker('O')}")

    def marker(self, obj):
        return obj.full_name

    def test_it_finds_people_by_initials_and_by_phone_digits(self):
        person = PersonFactory(
            unit=self.cast.township_a1,
            surname="欧阳",
            given_name="娜娜",
            phones=["+39 333 123 4567"],
        )
        self.login("district_manager")
        url = reverse(self.url_name)
        for query in ("oynn", "ouyang", "欧阳娜", "3331234567", "333 123"):
            results = self.client.get(url, {"q": query}).json()["results"]
            self.assertIn(str(person.public_id), [r["value"] for r in results], query)

    def test_it_finds_no_one_of_the_sibling_district_by_their_phone(self):
        PersonFactory(unit=self.cast.district_b, phones=["+39 320 555 0101"])
        self.login("district_manager")
        response = self.client.get(reverse(self.url_name), {"q": "5550101"})
        self.assertEqual(response.json()["results"], [])
