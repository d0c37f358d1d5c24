"""The calls API: the same scoping as the call pages (a sibling's call is 404, the clerk reads
but does not log, a volunteer reads only the calls they took or that belong to their cases),
the number normalised and the caller matched as on the console, and bad input named."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from qiaolian.core.testing.scoped import ScopedApiTests, next_marker, response_text
from qiaolian.hotline.models import Call, Case, Status
from qiaolian.hotline.tests.factories import CallFactory, CaseFactory, PersonFactory

BEIJING = ZoneInfo("Asia/Shanghai")


def make_call(unit, **kwargs):
    kwargs.setdefault("notes", f"来电{next_marker('CL')}")
    return CallFactory(unit=unit, **kwargs)


class CallListApiTests(ScopedApiTests.List):
    model = Call
    url_name = "api:call_list"

    @classmethod
    def make_object(cls, unit):
        return make_call(unit)

    def marker(self, obj):
        return obj.notes

    def notes_of(self, who, params):
        response = self.call(who, self.url(), params)
        self.assertEqual(response.status_code, 200, response.content)
        return {row["notes"] for row in response.json()["items"]}

    def test_it_matches_a_number_typed_any_usual_way(self):
        other = make_call(
            self.cast.district_a, number="+86 138 0013 8000", number_e164="+8613800138000"
        )
        # The factory's number is +39 333 123 4567; a client may send it with 00 and spaces.
        notes = self.notes_of(self.actor, {"number": "0039 333 123 4567"})
        self.assertIn(self.own_object.notes, notes)
        self.assertNotIn(other.notes, notes)
        self.assertEqual(self.notes_of(self.actor, {"number": "138-0013-8000"}), {other.notes})

    def test_it_filters_by_direction_and_by_local_date(self):
        out = make_call(self.cast.district_a, direction="out")
        self.assertEqual(self.notes_of(self.actor, {"direction": "out"}), {out.notes})
        # 23:30 on 1 March in Beijing is still 1 March for the hotline, though 15:30 UTC.
        late = make_call(
            self.cast.district_a, started_at=datetime(2026, 3, 1, 23, 30, tzinfo=BEIJING)
        )
        early = make_call(
            self.cast.district_a, started_at=datetime(2026, 3, 2, 0, 30, tzinfo=BEIJING)
        )
        day = {"start": "2026-03-01", "end": "2026-03-01"}
        self.assertEqual(self.notes_of(self.actor, day), {late.notes})
        self.assertNotIn(early.notes, self.notes_of(self.actor, day))

    def test_it_names_the_bad_number_and_the_bad_date(self):
        error = self.assertApiError(
            self.call(self.actor, self.url(), {"number": "12"}), 422, "invalid"
        )
        self.assertIn("number", error["fields"])
        error = self.assertApiError(
            self.call(self.actor, self.url(), {"start": "2026-13-01"}), 422, "invalid"
        )
        self.assertIn("start", error["fields"])

    def test_the_volunteer_lists_only_calls_of_their_cases_or_taken_by_them(self):
        case = CaseFactory(unit=self.cast.district_a, assignee=self.cast.volunteer)
        on_their_case = make_call(self.cast.district_a, case=case)
        taken = make_call(self.cast.district_a, taken_by=self.cast.volunteer)
        notes = self.notes_of("volunteer", {})
        self.assertEqual(notes, {on_their_case.notes, taken.notes})


class CallDetailApiTests(ScopedApiTests.Detail):
    model = Call
    url_name = "api:call_detail"

    @classmethod
    def make_object(cls, unit):
        return make_call(unit)

    def url_kwargs(self, obj):
        return {"call_id": obj.public_id}

    def marker(self, obj):
        return obj.notes

    def test_it_gives_the_number_as_typed_and_normalised_and_the_case(self):
        case = CaseFactory(unit=self.cast.district_a)
        call = make_call(self.cast.district_a, case=case, taken_by=self.cast.township_worker)
        body = self.call(self.actor, self.url(call)).json()
        self.assertEqual(
            (body["number"], body["number_e164"], body["case_number"], body["taken_by"]),
            (call.number, call.number_e164, case.number, "township_worker"),
        )
        self.assertEqual(body["unit"], "DA")


class CallLogApiTests(ScopedApiTests.Create):
    model = Call
    url_name = "api:call_log"

    def payload(self, unit):
        return {
            "unit": str(unit.public_id),
            "number": "0039 333 765 4321",
            "duration_seconds": 300,
            "notes": "询问签证",
        }

    def test_it_normalises_the_number_and_matches_the_caller(self):
        person = PersonFactory(unit=self.cast.district_a, phones=["+39 333 765 4321"])
        body = self.call(self.actor, self.url(), self.payload(self.cast.township_a1)).json()
        self.assertEqual(body["number"], "0039 333 765 4321")
        self.assertEqual(body["number_e164"], "+393337654321")
        self.assertEqual(body["person"], str(person.public_id))
        self.assertEqual(body["taken_by"], self.actor)

    def test_it_does_not_match_a_person_of_the_sibling_unit(self):
        PersonFactory(unit=self.cast.district_b, phones=["+39 333 765 4321"])
        body = self.call(self.actor, self.url(), self.payload(self.cast.district_a)).json()
        self.assertIsNone(body["person"])
        self.assertEqual(body["person_name"], "")

    def test_a_volunteer_logs_a_call_on_their_case_in_its_unit(self):
        case = CaseFactory(unit=self.cast.township_a1, assignee=self.cast.volunteer)
        payload = {"case": str(case.public_id), "number": "+39 333 765 4321"}
        response = self.call("volunteer", self.url(), payload)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["unit"], "DA1")
        self.assertEqual(Call.objects.get(case=case).taken_by, self.cast.volunteer)
        # Not on a case of someone else: the case is outside the volunteer's scope.
        other = CaseFactory(unit=self.cast.district_a)
        payload["case"] = str(other.public_id)
        self.assertApiError(self.call("volunteer", self.url(), payload), 404, "not_found")

    def test_it_names_the_bad_fields_and_writes_nothing(self):
        before = self.count()
        bad_number = {**self.payload(self.cast.district_a), "number": "12345"}
        error = self.assertApiError(self.call(self.actor, self.url(), bad_number), 422, "invalid")
        self.assertIn("number", error["fields"])
        no_unit = {"number": "+39 333 765 4321"}
        error = self.assertApiError(self.call(self.actor, self.url(), no_unit), 422, "invalid")
        self.assertIn("unit", error["fields"])
        long_call = {**self.payload(self.cast.district_a), "duration_seconds": 90000}
        error = self.assertApiError(self.call(self.actor, self.url(), long_call), 422, "invalid")
        self.assertIn("duration_seconds", error["fields"])
        self.assertEqual(self.count(), before)


class CallNewCaseApiTests(ScopedApiTests.Post):
    model = Call
    url_name = "api:call_new_case"
    success_status = 201

    @classmethod
    def make_object(cls, unit):
        return make_call(unit)

    def url_kwargs(self, obj):
        return {"call_id": obj.public_id}

    def payload(self, obj):
        return {"category": "legal", "subject": "劳务纠纷", "contact_name": "陈先生"}

    def test_it_opens_the_case_with_the_number_as_quick_contact(self):
        call = make_call(self.cast.district_a, started_at=datetime.now(BEIJING) - timedelta(1))
        body = self.call(self.actor, self.url(call), self.payload(call)).json()
        case = Case.objects.get(public_id=body["id"])
        call.refresh_from_db()
        self.assertEqual(call.case, case)
        self.assertEqual((case.contact_name, case.contact_phone), ("陈先生", call.number))
        self.assertEqual(case.status, Status.NEW)
        self.assertIn("call", [event["kind"] for event in body["timeline"]])

    def test_it_refuses_a_second_case_and_an_unknown_category(self):
        call = make_call(self.cast.district_a)
        self.call(self.actor, self.url(call), self.payload(call))
        response = self.call(self.actor, self.url(call), self.payload(call))
        self.assertApiError(response, 422, "invalid")
        fresh = make_call(self.cast.district_a)
        bad = {**self.payload(fresh), "category": "nope"}
        error = self.assertApiError(self.call(self.actor, self.url(fresh), bad), 422, "invalid")
        self.assertIn("category", error["fields"])
        self.assertIsNone(Call.objects.get(pk=fresh.pk).case_id)

    def test_the_list_shows_the_call_of_the_new_case(self):
        call = make_call(self.cast.district_a)
        self.call(self.actor, self.url(call), self.payload(call))
        url = reverse("api:call_list")
        text = response_text(self.call(self.actor, url, {"q": call.notes}, method="GET"))
        self.assertIn(Case.objects.get(calls=call).number, text)
