"""The hotline figures page: scoping, the pickers, the charts' data, the exports."""

import json

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.models import AuditEvent
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.scoped import xlsx_rows
from qiaolian.hotline.models import Channel
from qiaolian.hotline.tests.factories import CallFactory, CaseFactory

URL = reverse("hotline:stats")


class StatsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = c = Cast.build()
        now = timezone.now()
        CaseFactory(unit=c.township_a1, channel=Channel.WECHAT, category="legal", opened_at=now)
        CaseFactory(unit=c.district_a, category="medicine", opened_at=now)
        CallFactory(unit=c.district_a, started_at=now)
        CaseFactory(unit=c.district_b, category="supplies", opened_at=now)

    def get(self, user, params=None, **extra):
        self.client.force_login(user)
        return self.client.get(URL, params or {}, HTTP_ACCEPT_LANGUAGE="en", **extra)

    def test_the_figures_of_the_users_scope(self):
        response = self.get(self.cast.district_manager)
        self.assertEqual(response.status_code, 200)
        figures = response.context["figures"]
        self.assertEqual((figures["contacts"], figures["cases"]), (3, 2))
        self.assertNotIn("supplies", figures["by_category"])
        self.assertContains(response, 'id="figure-contacts">3<')
        chart = json.loads(
            response.content.decode()
            .split('id="stats-chart-data" type="application/json">')[1]
            .split("</script>")[0]
        )
        self.assertEqual(sum(chart["monthCases"]), 2)
        self.assertContains(response, "hotline-stats.js")
        self.assertNotContains(response, "<script>")  # CSP: no inline script

    def test_the_unit_picker_narrows_and_offers_only_units_in_scope(self):
        response = self.get(self.cast.district_manager, {"unit": "DA1"})
        self.assertEqual(response.context["figures"]["cases"], 1)
        self.assertNotContains(response, 'value="DB"')
        response = self.get(self.cast.district_manager, {"unit": "DB"})
        self.assertEqual(response.status_code, 400)  # not a choice: the form says so
        self.assertEqual(response.context["figures"]["cases"], 2)

    def test_a_bad_period_is_refused_with_a_message(self):
        response = self.get(
            self.cast.district_manager, {"start": "2026-05-01", "end": "2026-04-01"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "The end date is before the start date.", status_code=400)

    def test_exports(self):
        response = self.get(self.cast.district_manager, {"export": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertIn("Hotline contacts,3", text)
        response = self.get(self.cast.district_manager, {"export": "xlsx"})
        rows = xlsx_rows(response.content)
        self.assertIn(("Figures", "Cases opened", 2), rows)
        by_category = [row for row in rows if row[0] == "By category"]
        self.assertEqual(sorted(row[2] for row in by_category), [1, 1])
        self.assertEqual(AuditEvent.objects.filter(action="export.hotline-stats").count(), 2)

    def test_the_xlsx_sheet_is_named_in_chinese_with_its_whole_period(self):
        from io import BytesIO

        from openpyxl import load_workbook

        self.client.force_login(self.cast.district_manager)
        params = {"export": "xlsx", "start": "2025-12-01", "end": "2026-11-30"}
        response = self.client.get(URL, params, HTTP_ACCEPT_LANGUAGE="zh-hans")
        title = load_workbook(BytesIO(response.content), read_only=True).worksheets[0].title
        self.assertEqual(title, "热线统计 2025-12-01–2026-11-30")
        self.assertLessEqual(len(title), 31)

    def test_an_export_counts_only_what_the_user_may_export(self):
        from qiaolian.core.models import Role, UnitRole
        from qiaolian.core.testing.factories import UserFactory

        # Staff (with EXPORT) in the township, read-only in the sibling district.
        user = UserFactory(home_unit=self.cast.township_a1)
        UnitRole.objects.create(
            user=user, unit=self.cast.township_a1, role=Role.objects.get(code="staff")
        )
        UnitRole.objects.create(
            user=user, unit=self.cast.district_b, role=Role.objects.get(code="readonly")
        )
        page = self.get(user)
        self.assertEqual(page.context["figures"]["cases"], 2)  # reads both units
        response = self.get(user, {"export": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertIn("Cases opened,1", text)  # exports the township's only
        self.assertNotIn("Supplies", text)

    def test_a_read_only_clerk_sees_the_page_but_cannot_export(self):
        self.assertEqual(self.get(self.cast.district_clerk).status_code, 200)
        self.assertEqual(self.get(self.cast.district_clerk, {"export": "csv"}).status_code, 403)

    def test_a_volunteer_sees_only_their_own_cases(self):
        response = self.get(self.cast.volunteer)
        self.assertEqual(response.context["figures"]["cases"], 0)

    def test_nobody_is_refused(self):
        self.assertEqual(self.get(self.cast.nobody).status_code, 403)

    def test_chinese(self):
        self.client.force_login(self.cast.district_manager)
        response = self.client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertEqual(response.status_code, 200)
