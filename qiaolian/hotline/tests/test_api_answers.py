"""The answers API follows the knowledge-base page's rules: the caller's answers plus the
non-draft answers of the units above them; volunteers never see drafts; writes need the action
on the answer's own unit and carry a version check."""

from django.urls import reverse

from qiaolian.core.testing.factories import UserFactory
from qiaolian.core.testing.scoped import ScopedApiTests, next_marker, response_text
from qiaolian.hotline.models import Answer, AnswerStatus
from qiaolian.hotline.services import answers as services
from qiaolian.hotline.tests.factories import AnswerFactory


def make_answer(unit, **kwargs):
    # Drafts: the volunteer of the unit must not see them (the mixins check that).
    kwargs.setdefault("status", AnswerStatus.DRAFT)
    kwargs.setdefault("title_zh", f"华侨回国落户政策{next_marker('AN')}")
    kwargs.setdefault("created_by", UserFactory(home_unit=unit))
    return AnswerFactory(unit=unit, **kwargs)


class _AnswerTests:
    model = Answer

    @classmethod
    def make_object(cls, unit):
        return make_answer(unit)

    def url_kwargs(self, obj):
        return {"answer_id": obj.public_id}

    def marker(self, obj):
        return obj.title_zh


class AnswerListApiTests(_AnswerTests, ScopedApiTests.List):
    url_name = "api:answer_list"

    def url_kwargs(self, obj):
        return {}

    def titles(self, who, params=None):
        response = self.call(who, self.url(), params or {})
        self.assertEqual(response.status_code, 200, response.content)
        return {row["title_zh"] for row in response.json()["items"]}

    def test_a_city_answer_serves_the_district_but_not_its_drafts(self):
        public = make_answer(self.cast.city, status=AnswerStatus.PUBLIC)
        draft = make_answer(self.cast.city, status=AnswerStatus.DRAFT)
        titles = self.titles(self.actor)
        self.assertIn(public.title_zh, titles)
        self.assertNotIn(draft.title_zh, titles)

    def test_the_volunteer_reads_internal_and_public_answers_only(self):
        internal = make_answer(self.cast.district_a, status=AnswerStatus.INTERNAL)
        titles = self.titles("volunteer")
        self.assertIn(internal.title_zh, titles)
        self.assertNotIn(self.own_object.title_zh, titles)

    def test_it_searches_and_filters_by_status(self):
        # Through the service, which fills the search text as the pages' writes do.
        visa = services.answer_create(
            actor=self.cast.district_manager,
            unit=self.cast.district_a,
            category="policy",
            status=AnswerStatus.INTERNAL,
            title_zh="签证延期办理",
            body_zh="携带护照到出入境窗口办理。",
            keywords="签证 visa",
        )
        self.assertEqual(self.titles(self.actor, {"q": "签证"}), {visa.title_zh})
        self.assertEqual(self.titles(self.actor, {"q": "VISA"}), {visa.title_zh})
        drafts = self.titles(self.actor, {"status": "draft"})
        self.assertIn(self.own_object.title_zh, drafts)
        error = self.assertApiError(
            self.call(self.actor, self.url(), {"status": "secret"}), 422, "invalid"
        )
        self.assertIn("status", error["fields"])


class AnswerDetailApiTests(_AnswerTests, ScopedApiTests.Detail):
    url_name = "api:answer_detail"

    def test_an_inherited_answer_is_readable_but_not_editable(self):
        city = make_answer(self.cast.city, status=AnswerStatus.PUBLIC)
        body = self.call(self.actor, self.url(city)).json()
        self.assertFalse(body["editable"])
        self.assertTrue(self.call(self.actor, self.url(self.own_object)).json()["editable"])

    def test_a_draft_is_404_to_the_volunteer(self):
        self.assertApiError(self.call("volunteer", self.url(self.own_object)), 404, "not_found")


class AnswerCreateApiTests(ScopedApiTests.Create):
    model = Answer
    url_name = "api:answer_create"

    def payload(self, unit):
        return {
            "unit": str(unit.public_id),
            "category": "policy",
            "status": "public",
            "title_zh": "华侨子女回国入学",
            "body_zh": "按户籍地就近入学。",
            "keywords": "入学 school",
        }

    def test_it_names_a_bad_category_and_an_empty_body(self):
        bad = {**self.payload(self.cast.district_a), "category": "nope"}
        error = self.assertApiError(self.call(self.actor, self.url(), bad), 422, "invalid")
        self.assertIn("category", error["fields"])
        empty = {**self.payload(self.cast.district_a), "body_zh": ""}
        error = self.assertApiError(self.call(self.actor, self.url(), empty), 422, "invalid")
        self.assertIn("body_zh", error["fields"])
        self.assertEqual(self.count(), 0)

    def test_the_new_answer_is_searchable(self):
        self.call(self.actor, self.url(), self.payload(self.cast.district_a))
        url = reverse("api:answer_list")
        text = response_text(self.call(self.actor, url, {"q": "school"}, method="GET"))
        self.assertIn("华侨子女回国入学", text)


class AnswerEditApiTests(_AnswerTests, ScopedApiTests.Update):
    url_name = "api:answer_edit"

    def payload(self, obj):
        return {"keywords": "落户 户口", "status": "public", "version": obj.version}

    def test_a_stale_version_is_409_naming_the_fields_that_differ(self):
        answer = self.own_object
        read = answer.version
        services.answer_update(actor=self.cast.city_admin, answer=answer, title_zh="新标题")
        # The client sends its stale copy of the title with its new body: both now differ
        # from what is stored.
        stale = {"title_zh": answer.title_zh, "body_zh": "我的新答复", "version": read}
        error = self.assertApiError(self.call(self.actor, self.url(answer), stale), 409, "conflict")
        self.assertEqual(set(error["fields"]), {"title_zh", "body_zh"})
        answer.refresh_from_db()
        self.assertEqual((answer.title_zh, answer.version), ("新标题", read + 1))

    def test_an_answer_of_the_city_is_404_to_the_district(self):
        # Readable (shared down) but not theirs to change: like the page, a 404.
        city = make_answer(self.cast.city, status=AnswerStatus.PUBLIC)
        response = self.call(self.actor, self.url(city), {"keywords": "x"})
        self.assertApiError(response, 404, "not_found")
