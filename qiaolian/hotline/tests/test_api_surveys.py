"""The surveys API: the list of surveys in scope and the CSAT figures (numbers only, on
restricted surveys), grouped as the report page groups them."""

from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.services import api_token_create
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.scoped import ScopedApiTests, next_marker, response_text
from qiaolian.hotline.models import Status, Survey
from qiaolian.hotline.tests.factories import CaseFactory


def make_survey(unit, rating=None, *, comment="", days_ago=0, **case_fields):
    case = CaseFactory(unit=unit, status=Status.RESOLVED, **case_fields)
    at = timezone.now() - timedelta(days=days_ago)
    return Survey.objects.create(
        case=case,
        token_hash=f"{case.pk:064d}",
        sent_at=at,
        expires_at=at + timedelta(days=14),
        rating=rating,
        comment=comment,
        answered_at=at if rating else None,
    )


class SurveyListApiTests(ScopedApiTests.List):
    model = Survey
    url_name = "api:survey_list"

    @classmethod
    def make_object(cls, unit):
        return make_survey(unit, 5, comment=f"感谢{next_marker('SV')}")

    def marker(self, obj):
        return obj.comment

    def test_it_filters_answered_and_by_the_day_sent(self):
        waiting = make_survey(self.cast.district_a, days_ago=3)
        rows = self.call(self.actor, self.url(), {"answered": "false"}).json()["items"]
        self.assertEqual([row["case_number"] for row in rows], [waiting.case.number])
        day = timezone.localdate() - timedelta(days=3)
        params = {"start": day.isoformat(), "end": day.isoformat()}
        rows = self.call(self.actor, self.url(), params).json()["items"]
        self.assertEqual([row["case_number"] for row in rows], [waiting.case.number])

    def test_it_never_gives_the_token_hash(self):
        text = response_text(self.call(self.actor, self.url()))
        self.assertNotIn(self.own_object.token_hash, text)


class CsatApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cast = cls.cast
        cls.ratings = {"legal": [5, 4, 2], "policy": [3]}
        for category, ratings in cls.ratings.items():
            for rating in ratings:
                make_survey(cast.district_a, rating, category=category, assignee=cast.volunteer)
        make_survey(cast.township_a1, 5, category="policy")
        make_survey(cast.district_a, None, category="policy")  # sent, not answered
        # The sibling's: rated 1 in bulk, which would drag every figure down if counted.
        for _ in range(3):
            make_survey(cast.district_b, 1, category="legal")
        cls.secrets = {
            who: api_token_create(actor=getattr(cast, who), name="t")[1]
            for who in ("district_manager", "nobody")
        }

    def csat(self, who="district_manager", **params):
        url = reverse("api:survey_csat")
        return self.client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {self.secrets[who]}")

    def test_it_counts_only_the_callers_surveys_by_category(self):
        body = self.csat().json()
        rows = {row["key"]: row for row in body["rows"]}
        legal = rows["legal"]
        self.assertEqual((legal["answered"], legal["satisfied"]), (3, 2))
        self.assertEqual(legal["csat"], round(100 * 2 / 3, 1))
        self.assertEqual(legal["mean"], round((5 + 4 + 2) / 3, 2))
        self.assertEqual(rows["policy"]["answered"], 2)  # district A's and the township's
        self.assertEqual(body["total"]["answered"], 5)
        self.assertEqual(body["sent"], 6)
        self.assertEqual(body["response_rate"], round(100 * 5 / 6, 1))

    def test_it_groups_by_unit_code_and_assignee_username(self):
        rows = {row["key"]: row["answered"] for row in self.csat(by="unit").json()["rows"]}
        self.assertEqual(rows, {"DA": 4, "DA1": 1})
        rows = {row["key"]: row["answered"] for row in self.csat(by="assignee").json()["rows"]}
        self.assertEqual(rows, {"volunteer": 4, None: 1})

    def test_it_narrows_to_a_unit_and_to_a_period(self):
        township = self.cast.township_a1.public_id
        self.assertEqual(self.csat(unit=township).json()["total"]["answered"], 1)
        last_year = timezone.localdate().replace(month=1, day=1) - timedelta(days=1)
        body = self.csat(start=last_year.replace(month=1, day=1), end=last_year).json()
        self.assertEqual(body["total"]["answered"], 0)

    def test_it_refuses_a_caller_without_view_and_names_a_bad_grouping(self):
        self.assertEqual(self.csat("nobody").status_code, 403)
        response = self.csat(by="planet")
        self.assertEqual(response.status_code, 422)
        self.assertIn("by", response.json()["error"]["fields"])
