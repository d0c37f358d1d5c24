"""Permissions name their domain: a role that changes hotline cases does not change people.

Before actions had domains a CHANGE grant changed people, cases and everything else at once.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.urls import reverse

from qiaolian.core.models import Role, UnitRole
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UserFactory
from qiaolian.hotline.services import cases as case_services
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory
from qiaolian.people import services as people_services
from qiaolian.people.models import Person


class CaseworkerRoleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        caseworker = Role.objects.create(
            code="caseworker",
            name="个案员",
            actions=["hotline.view", "hotline.change", "people.view"],
        )
        cls.user = UserFactory(username="caseworker", home_unit=cls.cast.district_a)
        UnitRole.objects.create(user=cls.user, unit=cls.cast.district_a, role=caseworker)
        cls.case = CaseFactory(unit=cls.cast.township_a1)
        cls.person = PersonFactory(unit=cls.cast.township_a1)

    def test_it_edits_a_case_through_the_service_and_the_page(self):
        case_services.case_update(actor=self.cast.fresh(self.user), case=self.case, subject="已改")
        self.case.refresh_from_db()
        self.assertEqual(self.case.subject, "已改")
        self.client.force_login(self.user)
        url = reverse("hotline:case_edit", args=[self.case.public_id])
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_does_not_edit_a_person_it_may_read(self):
        user = self.cast.fresh(self.user)
        self.assertTrue(Person.objects.restrict(user, "people.view").filter(pk=self.person.pk))
        self.assertFalse(Person.objects.restrict(user, "people.change").filter(pk=self.person.pk))
        with pytest.raises(PermissionDenied):
            people_services.person_update(actor=user, person=self.person, notes="改")
        self.client.force_login(self.user)
        url = reverse("people:person_edit", args=[self.person.public_id])
        # 403: the user holds "people.change" nowhere.
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(
            self.client.get(
                reverse("people:person_detail", args=[self.person.public_id])
            ).status_code,
            200,
        )
