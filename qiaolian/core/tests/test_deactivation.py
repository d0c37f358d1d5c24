"""Issue 10, finding 8: reactivating a user brought back their old sessions and API tokens.
Deactivation now ends both for good."""

from django.test import Client, TestCase
from django.urls import reverse

from qiaolian.core import services
from qiaolian.core.models import ApiToken
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import TEST_PASSWORD


class DeactivationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def set_active(self, active: bool):
        clerk = self.cast.fresh(self.cast.district_clerk)
        services.user_update(actor=self.cast.district_manager, user=clerk, is_active=active)

    def test_deactivation_ends_sessions_and_tokens_for_good(self):
        clerk = self.cast.district_clerk
        browser = Client()
        browser.post(reverse("core:login"), {"username": clerk.username, "password": TEST_PASSWORD})
        dashboard = reverse("core:dashboard")
        self.assertEqual(browser.get(dashboard).status_code, 200)
        token, secret = services.api_token_create(actor=clerk, name="script")
        api = {"authorization": f"Bearer {secret}"}
        self.assertEqual(self.client.get("/api/units", headers=api).status_code, 200)

        self.set_active(False)
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.set_active(True)

        # The reproduction: after reactivation the old session and token worked again.
        self.assertEqual(browser.get(dashboard).status_code, 302)
        self.assertEqual(self.client.get("/api/units", headers=api).status_code, 401)
        self.assertFalse(ApiToken.objects.get(pk=token.pk).is_usable)
        # A fresh login works as before.
        fresh = Client()
        fresh.post(reverse("core:login"), {"username": clerk.username, "password": TEST_PASSWORD})
        self.assertEqual(fresh.get(dashboard).status_code, 200)

    def test_deactivation_through_the_user_form_does_the_same(self):
        clerk = self.cast.district_clerk
        browser = Client()
        browser.force_login(clerk)
        _, secret = services.api_token_create(actor=clerk, name="script")
        self.client.force_login(self.cast.district_manager)
        data = {
            "username": clerk.username,
            "display_name": "",
            "phone": "",
            "email": "",
            "home_unit": clerk.home_unit_id,
        }
        edit = reverse("core:user_edit", args=[clerk.public_id])
        self.assertEqual(self.client.post(edit, data).status_code, 302)  # is_active unticked
        self.assertEqual(self.client.post(edit, {**data, "is_active": "on"}).status_code, 302)
        self.assertEqual(browser.get(reverse("core:dashboard")).status_code, 302)
        api = {"authorization": f"Bearer {secret}"}
        self.assertEqual(Client().get("/api/units", headers=api).status_code, 401)

    def test_other_edits_keep_the_session(self):
        browser = Client()
        browser.force_login(self.cast.district_clerk)
        clerk = self.cast.fresh(self.cast.district_clerk)
        services.user_update(actor=self.cast.district_manager, user=clerk, display_name="小李")
        self.assertEqual(browser.get(reverse("core:dashboard")).status_code, 200)
