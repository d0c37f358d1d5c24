"""Every page of every demo role, in Chinese and in English: no English on the Chinese pages,
no Chinese on the English ones (data aside), no raw status or action codes (issue 9, point 5).

The demo data is seeded once for the class at its smallest plan (`tiny`); the pages are read
with the test client (tests/crawl.py says what counts as a problem). The browser part, for
console errors, is tests/browser/test_crawl_console.py.
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.core import registry
from qiaolian.core.models import User
from qiaolian.core.scoping import only_own_records
from qiaolian.hotline.models import Callback, Case, SlaCalendar, SlaPolicy
from qiaolian.people.models import ImportRow
from tests.crawl import WORD, DataText, crawl

LANGUAGES = ("zh-hans", "en")


@override_settings(
    SEED_NETWORK_PLAN="tiny",
    SEED_HOTLINE_PLAN="tiny",
    DEMO_DATA_ALLOWED=True,
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
)
class CrawlTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed", verbosity=0)
        cls.data = DataText.load()
        # The apps that exist only in the test settings add their English menu entries.
        cls.allowed = frozenset(
            word
            for contribution in registry.contributions()
            if contribution.app.name.startswith("tests.")
            for text in (
                contribution.domain.label if contribution.domain else "",
                *(section.label for section in contribution.navigation),
                *(item.label for section in contribution.navigation for item in section.items),
                *(panel.label for panel in contribution.my_work),
            )
            for word in WORD.findall(str(text))
        )

    def crawl_as(self, username: str) -> None:
        user = User.objects.get(username=username)
        report: list[str] = []
        for language in LANGUAGES:
            self.client.force_login(user)
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            started = time.monotonic()
            visits = crawl(self.client, ["/"], self.data, language, allowed=self.allowed)
            print(
                f"{username} {language}: {len(visits)} pages in {time.monotonic() - started:.1f}s"
            )
            for visit in visits:
                if visit.status >= 500:
                    report.append(f"[{language}] {visit.path}: status {visit.status}")
                report.extend(f"[{language}] {visit.path}: {p}" for p in visit.problems)
            if only_own_records(user):
                # A portal user meets one page on the staff site: the notice that points to
                # the portal, in their language (403), and nothing behind it.
                self.assertEqual([v.status for v in visits], [403], username)
                continue
            self.assertGreater(len(visits), 1, f"{username} reached no page in {language}")
        if report:
            self.fail(f"{username}: {len(report)} problems\n" + "\n".join(report))

    def test_city_admin(self):
        self.crawl_as("city_admin")

    def test_haishu_manager(self):
        self.crawl_as("haishu_manager")

    def test_haishu_clerk(self):
        self.crawl_as("haishu_clerk")

    def test_nanmen_worker(self):
        self.crawl_as("nanmen_worker")

    def test_liaison_demo(self):
        self.crawl_as("liaison_demo")

    def test_volunteer_doctor(self):
        self.crawl_as("volunteer_doctor")

    def test_portal_demo(self):
        self.crawl_as("portal_demo")

    # --- the wording defects of issue 9 (points 5 and 15), on the same seeded pages ---------

    def zh_page(self, path: str, username: str = "city_admin") -> str:
        self.client.force_login(User.objects.get(username=username))
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200, path)
        return response.content.decode()

    def test_the_case_reply_button_says_send_not_post(self):
        case = Case.objects.filter(status__in=["assigned", "in_progress"]).first()
        html = self.zh_page(reverse("hotline:case_detail", args=[case.public_id]))
        button = re.search(r'id="comment-save">(.*?)</button>', html, re.S)[1]
        self.assertIn("发送", button)
        self.assertNotIn("职务", button)  # "Post" was translated as a job title

    def test_the_rota_counts_whole_hours_without_a_decimal_zero(self):
        html = self.zh_page(reverse("hotline:rota"))
        gap = re.search(r'id="gap-hours">([^<]*)<', html)[1]
        self.assertNotRegex(gap, r"\d\.0\b")  # "252.0 小时无人值班"

    def test_the_callback_button_is_a_verb_not_a_status(self):
        case = Case.objects.filter(status__in=["assigned", "in_progress"]).first()
        Callback.objects.create(case=case, scheduled_for=timezone.now(), time_zone="Europe/Rome")
        html = self.zh_page(reverse("hotline:callback_list") + "?show=all")
        button = re.search(r'/done/".*?<button[^>]*>(.*?)</button>', html, re.S)[1]
        self.assertIn("标记已回电", button)  # 已完成 read like the callback's state

    def test_the_csat_breakdowns_scroll_inside_their_cards(self):
        html = self.zh_page(reverse("hotline:csat_report"))
        self.assertEqual(html.count("csat-breakdown"), 3)

    def test_built_in_sla_names_are_in_one_language(self):
        names = [*SlaPolicy.objects.values_list("name", flat=True)]
        names += SlaCalendar.objects.values_list("name", flat=True)
        self.assertTrue(names)
        for name in names:
            self.assertNotIn(" / ", name)

    def test_an_import_reports_created_rows_as_newly_created(self):
        with translation.override("zh-hans"):
            self.assertEqual(str(ImportRow.RowAction.CREATED.label), "已新建")
