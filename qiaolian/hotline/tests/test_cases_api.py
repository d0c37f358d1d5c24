"""The hotline API: the same scoping as the pages (sibling cases are 404, the clerk may read
but not write, the volunteer reads only the cases assigned to them), one error shape, and
confidential notes never in the output."""

from __future__ import annotations

from django.urls import reverse

from qiaolian.core.testing.scoped import ScopedApiTests, next_marker, response_text
from qiaolian.hotline.models import Case, CaseEvent, EventKind, Status
from qiaolian.hotline.services import cases as services
from qiaolian.hotline.tests.factories import CaseFactory


def make_case(unit, **kwargs):
    kwargs.setdefault("subject", f"工单{next_marker('AP')}")
    return CaseFactory(unit=unit, **kwargs)


class CaseListApiTests(ScopedApiTests.List):
    model = Case
    url_name = "api:case_list"

    @classmethod
    def make_object(cls, unit):
        return make_case(unit)

    def marker(self, obj):
        return obj.subject

    def test_it_filters_by_queue_and_text(self):
        taken = make_case(
            self.cast.district_a, assignee=self.cast.district_manager, status="assigned"
        )
        body = self.call(self.actor, self.url(), {"queue": "mine"}).json()
        self.assertEqual([row["number"] for row in body["items"]], [taken.number])
        body = self.call(self.actor, self.url(), {"q": self.own_object.subject}).json()
        self.assertEqual(body["count"], 1)

    def test_the_volunteer_lists_only_their_cases(self):
        theirs = make_case(self.cast.district_a, assignee=self.cast.volunteer, status="assigned")
        text = response_text(self.call("volunteer", self.url()))
        self.assertIn(theirs.subject, text)
        self.assertNotIn(self.own_object.subject, text)


class CaseDetailApiTests(ScopedApiTests.Detail):
    model = Case
    url_name = "api:case_detail"

    @classmethod
    def make_object(cls, unit):
        return make_case(unit)

    def url_kwargs(self, obj):
        return {"case_id": obj.public_id}

    def marker(self, obj):
        return obj.number

    def test_it_returns_the_timeline_without_confidential_notes(self):
        case = make_case(self.cast.district_a, category="medicine", assignee=self.cast.volunteer)
        services.case_comment(actor=self.cast.volunteer, case=case, text="已电话随访")
        services.note_add(actor=self.cast.volunteer, case=case, text="诊断：抑郁倾向")
        body = self.call(self.actor, self.url(case)).json()
        self.assertIn("已电话随访", [e["text"] for e in body["timeline"]])
        self.assertNotIn("抑郁", response_text(self.call(self.actor, self.url(case))))

    def test_another_case_of_the_same_unit_is_404_to_the_volunteer(self):
        theirs = make_case(self.cast.district_a, assignee=self.cast.volunteer)
        self.assertEqual(self.call("volunteer", self.url(theirs)).status_code, 200)
        self.assertApiError(self.call("volunteer", self.url(self.own_object)), 404, "not_found")


class CaseOpenApiTests(ScopedApiTests.Create):
    model = Case
    url_name = "api:case_open"

    def payload(self, unit):
        return {
            "unit": str(unit.public_id),
            "category": "legal",
            "subject": "劳务纠纷",
            "contact_name": "陈先生",
            "contact_phone": "+61 412 345 678",
        }

    def test_it_issues_a_number_and_reports_bad_fields_in_the_error_shape(self):
        body = self.call(self.actor, self.url(), self.payload(self.cast.district_a)).json()
        self.assertRegex(body["number"], r"^RX-\d{4}-\d{6}$")
        self.assertEqual(body["requester_time_zone"], "Australia/Sydney")
        bad = {**self.payload(self.cast.district_a), "category": "nope"}
        error = self.assertApiError(self.call(self.actor, self.url(), bad), 422, "invalid")
        self.assertIn("category", error["fields"])


class CaseStatusApiTests(ScopedApiTests.Post):
    model = Case
    url_name = "api:case_status"

    @classmethod
    def make_object(cls, unit):
        return make_case(unit, status=Status.IN_PROGRESS)

    def url_kwargs(self, obj):
        return {"case_id": obj.public_id}

    def payload(self, obj):
        return {"status": "waiting"}

    def test_it_refuses_a_jump_and_an_old_version(self):
        case = self.own_object
        response = self.call(self.actor, self.url(case), {"status": "closed"})
        error = self.assertApiError(response, 422, "invalid")
        self.assertIn("status", error["fields"])
        stale = case.version
        services.case_update(
            actor=self.cast.city_admin, case=case, expected_version=stale, subject="改"
        )
        response = self.call(self.actor, self.url(case), {"status": "waiting", "version": stale})
        self.assertApiError(response, 409, "conflict")
        case.refresh_from_db()
        self.assertEqual(case.status, Status.IN_PROGRESS)

    def test_resolving_needs_the_closing_note(self):
        # Issue 9, point 12: the API resolves only with the closing note (办结意见).
        case = self.own_object
        response = self.call(self.actor, self.url(case), {"status": "resolved"})
        error = self.assertApiError(response, 422, "invalid")
        self.assertIn("note", error["fields"])
        case.refresh_from_db()
        self.assertEqual(case.status, Status.IN_PROGRESS)
        body = self.call(
            self.actor, self.url(case), {"status": "resolved", "note": "已答复并落实。"}
        ).json()
        self.assertEqual(body["status"], "resolved")


class CaseEditApiTests(ScopedApiTests.Post):
    model = Case
    url_name = "api:case_edit"
    method = "PATCH"

    @classmethod
    def make_object(cls, unit):
        return make_case(unit, status=Status.IN_PROGRESS)

    def url_kwargs(self, obj):
        return {"case_id": obj.public_id}

    def payload(self, obj):
        return {"subject": "改为劳务纠纷", "priority": "urgent"}

    def test_it_changes_only_the_fields_sent_and_refuses_a_stale_version(self):
        case = self.own_object
        body = self.call(self.actor, self.url(case), {"priority": "high"}).json()
        self.assertEqual((body["priority"], body["subject"]), ("high", case.subject))
        response = self.call(self.actor, self.url(case), {"subject": "旧", "version": 1})
        self.assertApiError(response, 409, "conflict")
        case.refresh_from_db()
        self.assertEqual(case.priority, "high")
        error = self.assertApiError(
            self.call(self.actor, self.url(case), {"category": "nope"}), 422, "invalid"
        )
        self.assertIn("category", error["fields"])


class CaseAssignApiTests(ScopedApiTests.Post):
    model = Case
    url_name = "api:case_assign"

    @classmethod
    def make_object(cls, unit):
        return make_case(unit)

    def url_kwargs(self, obj):
        return {"case_id": obj.public_id}

    def payload(self, obj):
        return {"assignee": "district_clerk"}

    def test_it_assigns_by_username_and_refuses_someone_of_another_unit(self):
        case = self.own_object
        body = self.call(self.actor, self.url(case), {"assignee": "volunteer"}).json()
        self.assertEqual(body["status"], "assigned")
        case.refresh_from_db()
        self.assertEqual(case.assignee, self.cast.volunteer)
        response = self.call(self.actor, self.url(case), {"assignee": "sibling_manager"})
        error = self.assertApiError(response, 422, "invalid")
        self.assertIn("assignee", error["fields"])
        case.refresh_from_db()
        self.assertEqual(case.assignee, self.cast.volunteer)

    def test_it_refuses_a_portal_user_as_assignee(self):
        # Issue 10, finding 9: {"assignee": "portal_demo"} was answered 200.
        case = self.own_object
        response = self.call(self.actor, self.url(case), {"assignee": "portal_user"})
        error = self.assertApiError(response, 422, "invalid")
        self.assertIn("assignee", error["fields"])
        case.refresh_from_db()
        self.assertIsNone(case.assignee)


class CaseCommentApiTests(ScopedApiTests.Post):
    model = Case
    url_name = "api:case_comment"
    success_status = 201

    @classmethod
    def make_object(cls, unit):
        return make_case(unit)

    def url_kwargs(self, obj):
        return {"case_id": obj.public_id}

    def payload(self, obj):
        return {"text": "已转交街道", "to_requester": True}

    def snapshot(self, obj):
        state = super().snapshot(obj)
        if state is not None:
            state["events"] = CaseEvent.objects.filter(case=obj).count()
        return state

    def test_a_reply_is_visible_to_the_requester(self):
        response = self.call(self.actor, self.url(self.own_object), self.payload(self.own_object))
        self.assertEqual(response.json()["kind"], EventKind.REPLY)
        self.assertFalse(response.json()["internal"])


def test_the_api_routes_are_named_as_the_sweep_expects():
    assert reverse("api:case_list") == "/api/hotline/cases"
