"""Issue 10, finding 5: refused access was never audited. A refused read or write of a specific
object (403, or scoping's 404) now leaves a `denied` row, within a per-user budget."""

from django.test import TestCase, override_settings
from django.urls import reverse

from qiaolian.core.denials import BURST, DENIED
from qiaolian.core.models import AuditEvent
from qiaolian.core.services import api_token_create
from qiaolian.core.testing.cast import Cast


def denied():
    return AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED)


class DeniedAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def test_it_audits_a_page_of_a_sibling_districts_unit(self):
        self.client.force_login(self.cast.district_manager)
        url = reverse("core:unit_detail", args=[self.cast.district_b.public_id])
        response = self.client.get(url, REMOTE_ADDR="198.51.100.7")
        self.assertEqual(response.status_code, 404)
        event = denied().get()
        self.assertEqual(event.action, DENIED)
        self.assertEqual(event.actor, self.cast.district_manager)
        self.assertEqual(event.ip, "198.51.100.7")
        self.assertEqual(event.object_type, "core.unit")
        self.assertEqual(event.object_id, str(self.cast.district_b.public_id))
        self.assertEqual(event.changes, {"access": [None, "read"]})
        # The district's own auditors see it: the row belongs to the actor's home unit.
        self.assertEqual(event.unit, self.cast.district_a)

    def test_it_audits_a_refused_write(self):
        self.client.force_login(self.cast.district_manager)
        url = reverse("core:unit_deactivate", args=[self.cast.district_b.public_id])
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(denied().get().changes, {"access": [None, "write"]})

    def test_it_audits_a_403(self):
        # The nobody holds ADMIN nowhere: 403 on a user page.
        self.client.force_login(self.cast.nobody)
        url = reverse("core:user_detail", args=[self.cast.city_admin.public_id])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(denied().get().object_id, str(self.cast.city_admin.public_id))

    def test_it_audits_a_refused_api_request(self):
        _, secret = api_token_create(actor=self.cast.district_manager, name="probe")
        url = reverse("api:unit_detail", args=[self.cast.district_b.public_id])
        response = self.client.get(url, headers={"authorization": f"Bearer {secret}"})
        self.assertEqual(response.status_code, 404)
        event = denied().get()
        self.assertEqual(event.actor, self.cast.district_manager)
        self.assertEqual(event.object_id, str(self.cast.district_b.public_id))

    def test_it_ignores_unknown_addresses_and_anonymous_visitors(self):
        self.client.force_login(self.cast.district_manager)
        self.assertEqual(self.client.get("/no-such-page/").status_code, 404)
        self.client.logout()
        self.client.get(reverse("core:unit_detail", args=[self.cast.district_b.public_id]))
        self.assertFalse(denied().exists())

    @override_settings(DENIED_AUDIT_PER_MINUTE=5)
    def test_a_sweep_writes_the_budget_then_burst_rows(self):
        # 50 refusals in a minute: 5 rows one by one, then bursts at 10, 20 and 40.
        self.client.force_login(self.cast.district_manager)
        url = reverse("core:unit_detail", args=[self.cast.district_b.public_id])
        for _ in range(50):
            self.client.get(url)
        self.assertEqual(denied().filter(action=DENIED).count(), 5)
        bursts = denied().filter(action=BURST).order_by("id")
        self.assertEqual([b.changes["count"][1] for b in bursts], [10, 20, 40])

    @override_settings(DENIED_AUDIT_PER_MINUTE=2)
    def test_the_operation_log_filters_on_denied_and_shows_a_burst(self):
        self.client.force_login(self.cast.district_manager)
        url = reverse("core:unit_detail", args=[self.cast.district_b.public_id])
        for _ in range(4):
            self.client.get(url)
        self.client.force_login(self.cast.city_admin)
        response = self.client.get(
            reverse("core:audit_list"), {"outcome": "denied"}, headers={"accept-language": "en"}
        )
        events = list(response.context["object_list"])
        self.assertEqual(len(events), 3)  # 2 one by one, one burst at 4
        self.assertTrue(all(e.outcome == "denied" for e in events))
        self.assertContains(response, "4 refused requests within one minute")

    def test_it_never_writes_a_private_link_token_in_full(self):
        self.client.force_login(self.cast.district_manager)
        token = "SECRETtoken1234567890abcdef"
        self.client.get(f"/hotline/s/{token}/")
        for event in denied():
            self.assertNotIn(token, event.object_id + event.object_repr + event.message)
