"""The tomb-sweeping API: scoped like the pages, writes through the tomb service (status flow,
version check, proof checked by its bytes), and nothing of the private link or the proof files
beyond their metadata."""

import datetime

from django.utils import timezone

from qiaolian.core.testing.scoped import ScopedApiTests, next_marker, response_text
from qiaolian.hotline.models import TombProof, TombStatus, TombSweepingOrder
from qiaolian.hotline.services import tomb as services
from qiaolian.hotline.tests.factories import CaseFactory, TombOrderFactory
from qiaolian.hotline.tests.support_tomb import HTML, png_bytes, upload


def make_order(unit, **kwargs):
    kwargs.setdefault("cemetery", f"福泉山公墓{next_marker('TB')}")
    return TombOrderFactory(case__unit=unit, **kwargs)


ORDER = {
    "kind": "cloud",
    "deceased_name": "陈老先生",
    "cemetery": "宁波福泉山公墓",
    "grave_location": "松园三区12排8号",
    "service_date": "2026-04-05",
    "rites": "献花、鞠躬",
}


class _OrderTests:
    model = TombSweepingOrder

    @classmethod
    def make_object(cls, unit):
        return make_order(unit)

    def url_kwargs(self, obj):
        return {"order_id": obj.public_id}

    def marker(self, obj):
        return obj.cemetery


class TombListApiTests(_OrderTests, ScopedApiTests.List):
    url_name = "api:tomb_list"

    def url_kwargs(self, obj):
        return {}

    def test_it_filters_by_status_and_season(self):
        done = make_order(self.cast.district_a, status=TombStatus.DONE)
        qingming = make_order(self.cast.district_a, service_date=datetime.date(2026, 4, 5))
        rows = self.call(self.actor, self.url(), {"status": "done"}).json()["items"]
        self.assertEqual([row["cemetery"] for row in rows], [done.cemetery])
        params = {"season": "qingming", "year": 2026}
        rows = self.call(self.actor, self.url(), params).json()["items"]
        self.assertEqual([row["cemetery"] for row in rows], [qingming.cemetery])
        error = self.assertApiError(
            self.call(self.actor, self.url(), {"season": "chongyang"}), 422, "invalid"
        )
        self.assertIn("season", error["fields"])

    def test_the_performer_sees_the_order_but_not_the_case_they_do_not_handle(self):
        order = make_order(self.cast.district_a, performer=self.cast.volunteer)
        rows = self.call("volunteer", self.url()).json()["items"]
        self.assertEqual([row["cemetery"] for row in rows], [order.cemetery])
        self.assertEqual((rows[0]["case"], rows[0]["case_number"]), (None, None))
        mine = self.call(self.actor, self.url(), {"q": order.cemetery}).json()["items"]
        self.assertEqual(mine[0]["case_number"], order.case.number)


class TombDetailApiTests(_OrderTests, ScopedApiTests.Detail):
    url_name = "api:tomb_detail"

    def test_it_lists_proof_as_metadata_and_never_the_link_token(self):
        order = make_order(self.cast.district_a, status=TombStatus.DONE)
        TombProof.objects.create(
            order=order, file="tomb/2026/04/abc.png", name="墓前.png", content_type="image/png"
        )
        token = services.share_create(actor=self.cast.district_manager, order=order, days=30)
        response = self.call(self.actor, self.url(order))
        body = response.json()
        self.assertEqual([p["name"] for p in body["proofs"]], ["墓前.png"])
        self.assertTrue(body["link_active"])
        text = response_text(response)
        order.refresh_from_db()
        for secret in (token, order.share_token_hash, "tomb/2026/04/abc.png"):
            self.assertNotIn(secret, text)


class TombOpenApiTests(ScopedApiTests.Create):
    model = TombSweepingOrder
    url_name = "api:tomb_open"

    def payload(self, unit):
        return {
            **ORDER,
            "unit": str(unit.public_id),
            "subject": "代为祭扫申请",
            "contact_name": "陈女士",
            "contact_phone": "+39 333 123 4567",
        }

    def test_it_opens_the_case_and_the_order_in_one_step(self):
        response = self.call(self.actor, self.url(), self.payload(self.cast.district_a))
        body = response.json()
        self.assertEqual((body["status"], body["kind"]), ("requested", "cloud"))
        self.assertRegex(body["case_number"], r"^RX-\d{4}-\d{6}$")
        self.assertEqual(
            TombSweepingOrder.objects.get(public_id=body["id"]).case.category, "tomb_sweeping"
        )

    def test_it_names_a_missing_cemetery_and_a_bad_date(self):
        bad = {**self.payload(self.cast.district_a), "cemetery": "", "service_date": "5 April"}
        error = self.assertApiError(self.call(self.actor, self.url(), bad), 422, "invalid")
        self.assertLessEqual({"cemetery", "service_date"}, set(error["fields"]))
        self.assertEqual(self.count(), 0)


class TombCreateForCaseApiTests(ScopedApiTests.Post):
    model = TombSweepingOrder
    thing = "tomb_case"
    url_name = "api:tomb_create_for_case"
    success_status = 201

    @classmethod
    def make_object(cls, unit):
        return CaseFactory(unit=unit, category="tomb_sweeping")

    def url_kwargs(self, obj):
        return {"case_id": obj.public_id}

    def payload(self, obj):
        return ORDER

    def snapshot(self, obj):
        return {"orders": TombSweepingOrder.objects.filter(case=obj).count()}

    def test_it_refuses_a_case_of_another_category_and_a_second_order(self):
        policy = CaseFactory(unit=self.cast.district_a, category="policy")
        self.assertApiError(self.call(self.actor, self.url(policy), ORDER), 422, "invalid")
        case = CaseFactory(unit=self.cast.district_a, category="tomb_sweeping")
        self.assertEqual(self.call(self.actor, self.url(case), ORDER).status_code, 201)
        self.assertApiError(self.call(self.actor, self.url(case), ORDER), 422, "invalid")
        self.assertEqual(TombSweepingOrder.objects.filter(case__in=[policy, case]).count(), 1)


class TombEditApiTests(_OrderTests, ScopedApiTests.Update):
    url_name = "api:tomb_edit"

    def payload(self, obj):
        return {"rites": "清扫墓碑、献花", "version": obj.version}

    def test_a_stale_version_is_409_naming_the_fields_that_differ(self):
        order = self.own_object
        read = order.version
        services.order_update(actor=self.cast.city_admin, order=order, cemetery="南山公墓")
        stale = {"cemetery": "北山公墓", "rites": order.rites, "version": read}
        error = self.assertApiError(self.call(self.actor, self.url(order), stale), 409, "conflict")
        self.assertEqual(set(error["fields"]), {"cemetery"})
        order.refresh_from_db()
        self.assertEqual(order.cemetery, "南山公墓")
        fresh = {"cemetery": "北山公墓", "version": order.version}
        body = self.call(self.actor, self.url(order), fresh).json()
        self.assertEqual((body["cemetery"], body["version"]), ("北山公墓", read + 2))


class TombScheduleApiTests(_OrderTests, ScopedApiTests.Post):
    url_name = "api:tomb_schedule"

    def payload(self, obj):
        return {"performer": "township_worker", "service_date": "2026-04-04"}

    def test_it_schedules_by_username_and_refuses_someone_out_of_reach(self):
        order = self.own_object
        body = self.call(self.actor, self.url(order), self.payload(order)).json()
        self.assertEqual(
            (body["status"], body["performer"], body["service_date"]),
            ("scheduled", "township_worker", "2026-04-04"),
        )
        response = self.call(self.actor, self.url(order), {"performer": "sibling_manager"})
        error = self.assertApiError(response, 422, "invalid")
        self.assertIn("performer", error["fields"])
        order.refresh_from_db()
        self.assertEqual(order.performer, self.cast.township_worker)


class TombFulfilApiTests(_OrderTests, ScopedApiTests.Post):
    """multipart/form-data: the proof files under `proof`."""

    url_name = "api:tomb_fulfil"

    def call(self, who, url, payload=None, method=""):
        if (method or self.method) == "GET":
            return super().call(who, url, payload, method)
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.secrets[who]}"} if who else {}
        return self.client.post(url, payload or {}, **extra)

    def payload(self, obj):
        return {"proof": [upload("墓前.png", png_bytes(), "image/png")]}

    def test_the_performer_marks_it_done_with_proof(self):
        order = make_order(self.cast.district_a, performer=self.cast.volunteer)
        response = self.call("volunteer", self.url(order), self.payload(order))
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["status"], "done")
        self.assertEqual(
            [(p["name"], p["content_type"]) for p in body["proofs"]], [("墓前.png", "image/png")]
        )

    def test_an_order_planned_later_is_done_only_with_the_reason(self):
        # Issue 9, point 13: an order for a date months away was completed without a word.
        later = timezone.localdate() + datetime.timedelta(days=90)
        order = make_order(self.cast.district_a, service_date=later)
        response = self.call(self.actor, self.url(order), self.payload(order))
        error = self.assertApiError(response, 422, "invalid")
        self.assertIn("early_reason", error["fields"])
        order.refresh_from_db()
        self.assertNotEqual(order.status, TombStatus.DONE)
        payload = {**self.payload(order), "early_reason": "家属改到今天"}
        response = self.call(self.actor, self.url(order), payload)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "done")

    def test_it_refuses_a_file_that_is_not_a_photo_and_keeps_nothing(self):
        order = self.own_object
        disguised = {"proof": [upload("photo.jpg", HTML)]}
        error = self.assertApiError(
            self.call(self.actor, self.url(order), disguised), 422, "invalid"
        )
        self.assertIn("proof", error["fields"])
        error = self.assertApiError(self.call(self.actor, self.url(order), {}), 422, "invalid")
        self.assertIn("proof", error["fields"])
        order.refresh_from_db()
        self.assertEqual((order.status, order.proofs.count()), (TombStatus.REQUESTED, 0))


class TombCancelApiTests(_OrderTests, ScopedApiTests.Post):
    url_name = "api:tomb_cancel"

    def payload(self, obj):
        return {"reason": "家属改为自行祭扫"}

    def test_it_needs_a_reason(self):
        order = self.own_object
        error = self.assertApiError(
            self.call(self.actor, self.url(order), {"reason": ""}), 422, "invalid"
        )
        self.assertIn("reason", error["fields"])
        body = self.call(self.actor, self.url(order), self.payload(order)).json()
        self.assertEqual(body["status"], "cancelled")
