"""Issue 10, finding 2: a district administrator could lock any account out of username login
by creating (or renaming to) a full-width or differently cased copy of its name."""

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse

from qiaolian.core import services
from qiaolian.core.models import User
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "Qiaolian-Test-2026!"
FULL_WIDTH_CITY_ADMIN = "ｃｉｔｙ_ＡＤＭＩＮ"  # NFKC: city_ADMIN


class UsernameLockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def create(self, username, language="en"):
        self.client.force_login(self.cast.district_manager)
        return self.client.post(
            reverse("core:user_create"),
            {
                "username": username,
                "home_unit": self.cast.district_a.pk,
                "password": NEW_PASSWORD,
                "display_name": "",
                "phone": "",
                "email": "",
            },
            headers={"accept-language": language},
        )

    def log_in(self, login):
        self.client.logout()
        self.client.post(reverse("core:login"), {"username": login, "password": TEST_PASSWORD})
        return self.client.session.get("_auth_user_id")

    def assert_city_admin_logs_in(self):
        self.assertEqual(self.log_in("city_admin"), str(self.cast.city_admin.pk))

    def test_it_refuses_a_full_width_copy_of_a_taken_username(self):
        # The reproduction: saved as city_ADMIN, city_admin could no longer log in.
        response = self.create(FULL_WIDTH_CITY_ADMIN)
        self.assertEqual(response.status_code, 400)
        self.assertIn("letter case", response.context["form"].errors["username"][0])
        self.assertFalse(User.objects.filter(username="city_ADMIN").exists())
        self.assert_city_admin_logs_in()

    def test_it_explains_the_refusal_in_chinese(self):
        response = self.create("CITY_admin", language="zh-hans")
        self.assertEqual(response.status_code, 400)
        self.assertIn("该用户名已被使用", response.context["form"].errors["username"][0])

    def test_it_stores_a_new_full_width_name_normalised(self):
        self.assertEqual(self.create("ｗａｎｇ_ｌｉ").status_code, 302)
        self.assertTrue(User.objects.filter(username="wang_li").exists())

    def test_it_refuses_a_rename_to_a_case_variant(self):
        clerk = self.cast.district_clerk
        self.client.force_login(self.cast.district_manager)
        response = self.client.post(
            reverse("core:user_edit", args=[clerk.public_id]),
            {
                "username": "ＣＩＴＹ_admin",
                "display_name": "",
                "phone": "",
                "email": "",
                "home_unit": clerk.home_unit_id,
                "is_active": "on",
            },
        )
        self.assertEqual(response.status_code, 400)
        clerk.refresh_from_db()
        self.assertEqual(clerk.username, "district_clerk")
        self.assert_city_admin_logs_in()

    def test_the_service_refuses_it_too(self):
        # The API and imports call the service, not the form.
        with self.assertRaises(services.ValidationError) as refused:
            services.user_create(
                actor=self.cast.district_manager,
                username=FULL_WIDTH_CITY_ADMIN,
                home_unit=self.cast.district_a,
                password=NEW_PASSWORD,
            )
        self.assertIn("username", refused.exception.message_dict)

    def test_the_database_refuses_a_case_variant(self):
        # The last line of defence for any path that skips the checks.
        with self.assertRaises(IntegrityError), transaction.atomic():
            User.objects.create(username="City_Admin")

    def test_a_full_width_login_name_logs_in(self):
        self.assertEqual(self.log_in("ｃｉｔｙ_ａｄｍｉｎ"), str(self.cast.city_admin.pk))

    def test_a_user_may_keep_their_own_name_in_another_case(self):
        user = UserFactory(username="zhao_wei", home_unit=self.cast.district_a)
        services.user_update(actor=self.cast.district_manager, user=user, username="Zhao_Wei")
        user.refresh_from_db()
        self.assertEqual(user.username, "Zhao_Wei")
