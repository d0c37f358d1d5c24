"""The association pages and API: scoping from the generic mixins, then leaders (posts) and
what a user of another unit may not learn through them."""

import json

from django.test import TestCase
from django.urls import reverse

from qiaolian.core.models import AuditEvent
from qiaolian.core.scoping import Action
from qiaolian.core.services import api_token_create
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.scoped import (
    ScopedApiTests,
    ScopedViewTests,
    csv_rows,
    next_marker,
    response_text,
)
from qiaolian.people.models import Association, AssociationLeader
from qiaolian.people.tests.factories import (
    AssociationFactory,
    AssociationLeaderFactory,
    PersonFactory,
)


class AssociationScoping:
    model = Association

    @classmethod
    def make_object(cls, unit):
        return AssociationFactory(unit=unit, name=f"侨团{next_marker('MA')}")

    def marker(self, obj):
        return obj.name


def association_form_data(association, **changes):
    return {
        "name": association.name,
        "name_local": "Associazione",
        "country": "IT",
        "city": "Prato",
        "founded_year": 2001,
        "member_count": 120,
        "unit": association.unit_id,
        **changes,
    }


class AssociationListTests(AssociationScoping, ScopedViewTests.List):
    url_name = "people:association_list"
    export_formats = ("csv", "xlsx")


class AssociationDetailTests(AssociationScoping, ScopedViewTests.Detail):
    url_name = "people:association_detail"


class AssociationEditTests(AssociationScoping, ScopedViewTests.Edit):
    url_name = "people:association_edit"
    unit_field = "unit"
    detail_url_name = "people:association_detail"

    def form_data(self, obj):
        return association_form_data(obj, city="Firenze")


class AssociationCreateTests(AssociationScoping, ScopedViewTests.Create):
    url_name = "people:association_create"
    unit_field = "unit"

    def create_data(self, unit):
        return {"name": f"新侨团{next_marker('NA')}", "country": "FR", "unit": unit.pk}


class LeaderAddTests(AssociationScoping, ScopedViewTests.Edit):
    url_name = "people:leader_add"
    detail_url_name = "people:association_detail"

    def form_data(self, obj):
        self.leader = PersonFactory(unit=self.cast.district_a)
        return {"person": self.leader.public_id, "post": "president", "since": "2020-01-01"}

    def assert_saved(self, obj, before):
        self.assertTrue(
            AssociationLeader.objects.filter(association=obj, person=self.leader).exists()
        )


class LeaderRemoveTests(ScopedViewTests.Delete):
    model = AssociationLeader
    url_name = "people:leader_remove"
    action = Action.CHANGE

    @classmethod
    def make_object(cls, unit):
        return AssociationLeaderFactory(association=AssociationFactory(unit=unit))

    def assert_done(self, obj):
        self.assertFalse(AssociationLeader.objects.filter(pk=obj.pk).exists())


class AssociationApiScoping(AssociationScoping):
    def url_kwargs(self, obj):
        return {"association_id": obj.public_id}


class AssociationApiListTests(AssociationApiScoping, ScopedApiTests.List):
    url_name = "api:association_list"


class AssociationApiDetailTests(AssociationApiScoping, ScopedApiTests.Detail):
    url_name = "api:association_detail"


class AssociationPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.association = AssociationFactory(
            unit=cls.cast.district_a, name="米兰华侨华人工商会", name_local="=cmd|' /C calc'!A0"
        )
        cls.president = PersonFactory(unit=cls.cast.district_a, surname="陈", given_name="会长")
        AssociationLeaderFactory(
            association=cls.association, person=cls.president, post="president"
        )
        # A vice president registered by the sibling district: district A must not learn
        # their name through the association page.
        cls.hidden = PersonFactory(unit=cls.cast.district_b, surname="乙", given_name="副会长")
        AssociationLeaderFactory(
            association=cls.association, person=cls.hidden, post="vice_president"
        )

    def test_it_shows_leaders_by_rank_hiding_people_outside_scope(self):
        self.client.force_login(self.cast.district_manager)
        url = reverse("people:association_detail", args=[self.association.public_id])
        response = self.client.get(url)
        text = response_text(response)
        self.assertIn("陈会长", text)
        self.assertNotIn("乙副会长", text)
        self.assertEqual([x.person for x in response.context["leaders"]], [self.president])

    def test_the_list_counts_only_posts_of_visible_people(self):
        self.client.force_login(self.cast.district_manager)
        response = self.client.get(reverse("people:association_list"))
        counts = {a.name: a.leader_count for a in response.context["object_list"]}
        self.assertEqual(counts, {"米兰华侨华人工商会": 1})

    def test_the_api_hides_leaders_outside_scope_too(self):
        secret = api_token_create(actor=self.cast.district_manager, name="t")[1]
        url = reverse(
            "api:association_detail", kwargs={"association_id": self.association.public_id}
        )
        body = self.client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").json()
        self.assertEqual([x["person_name"] for x in body["leaders"]], ["陈会长"])
        self.assertNotIn("乙副会长", json.dumps(body, ensure_ascii=False))

    def test_it_shows_the_post_on_the_person_page(self):
        self.client.force_login(self.cast.district_manager)
        url = reverse("people:person_detail", args=[self.president.public_id])
        self.assertIn("米兰华侨华人工商会", response_text(self.client.get(url)))

    def test_it_refuses_a_leader_outside_scope(self):
        self.client.force_login(self.cast.district_manager)
        url = reverse("people:leader_add", args=[self.association.public_id])
        response = self.client.post(url, {"person": self.hidden.public_id, "post": "director"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("person", response.context["form"].errors)
        self.assertFalse(AssociationLeader.objects.filter(post="director").exists())

    def test_it_refuses_a_founding_year_in_the_future(self):
        self.client.force_login(self.cast.district_manager)
        url = reverse("people:association_edit", args=[self.association.public_id])
        data = association_form_data(self.association, founded_year=3000)
        response = self.client.post(url, data, headers={"accept-language": "en"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("between 1800 and this year", str(response.context["form"].errors))

    def test_it_exports_neutralised_cells_with_an_audit_event(self):
        self.client.force_login(self.cast.district_manager)
        response = self.client.get(reverse("people:association_list"), {"export": "csv"})
        rows = csv_rows(response)
        self.assertEqual(rows[1][1], "'=cmd|' /C calc'!A0")
        self.assertTrue(AuditEvent.objects.filter(action="export.associations").exists())
        self.client.force_login(self.cast.district_clerk)
        response = self.client.get(reverse("people:association_list"), {"export": "xlsx"})
        self.assertEqual(response.status_code, 403)


class NavigationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def test_only_the_most_specific_menu_entry_is_active(self):
        self.client.force_login(self.cast.district_clerk)
        response = self.client.get(reverse("people:association_list"))
        active = [
            link["url"]
            for section in response.context["nav_sections"]
            for link in section["links"]
            if link["active"]
        ]
        self.assertEqual(active, [reverse("people:association_list")])
