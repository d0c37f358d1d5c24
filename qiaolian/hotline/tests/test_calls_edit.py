"""A call's own page and its edit: duration, outcome, notes, the caller and the case, with
optimistic locking as on the case edit (a stale save is refused naming what changed) and an
audit event; reachable from the calls list and the case timeline."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker, response_text
from qiaolian.core.versioning import EditConflict
from qiaolian.hotline.models import Call, CallOutcome, CaseEvent, EventKind
from qiaolian.hotline.services import calls as services
from qiaolian.hotline.tests.factories import CallFactory, CaseFactory, PersonFactory

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def make_call(unit, **kwargs):
    return CallFactory(unit=unit, notes=next_marker("CALL"), duration_seconds=120, **kwargs)


class CallDetailTests(ScopedViewTests.Detail):
    model = Call
    url_name = "hotline:call_detail"

    @classmethod
    def make_object(cls, unit):
        return make_call(unit)

    def marker(self, obj):
        return obj.notes

    def url_kwargs(self, obj):
        return {"public_id": obj.public_id}


class CallEditTests(ScopedViewTests.Edit):
    model = Call
    url_name = "hotline:call_edit"
    detail_url_name = "hotline:call_detail"

    @classmethod
    def make_object(cls, unit):
        return make_call(unit)

    def url_kwargs(self, obj):
        return {"public_id": obj.public_id}

    def snapshot(self, obj):
        fresh = Call.objects.get(pk=obj.pk)
        return {"notes": fresh.notes, "outcome": fresh.outcome, "version": fresh.version}

    def form_data(self, obj):
        return {
            "outcome": CallOutcome.CALLBACK,
            "duration_minutes": "5",
            "notes": "回电约定周五",
            "version": str(obj.version),
        }


# --- the service ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_edit_saves_bumps_the_version_and_audits_before_and_after(cast):
    call = make_call(cast.district_a)
    saved = services.call_update(
        actor=cast.district_manager,
        call=call,
        expected_version=1,
        outcome="missed",
        duration_seconds=0,
    )
    assert saved.version == 2 and saved.outcome == "missed" and saved.duration_seconds == 0
    event = AuditEvent.objects.get(action="call.update", object_id=str(call.public_id))
    assert event.changes["outcome"] == ["answered", "missed"]
    assert event.changes["duration_seconds"] == [120, 0]
    assert event.changes["version"] == [1, 2]


@pytest.mark.django_db
def test_a_stale_save_is_refused_naming_the_fields_and_who_changed_them(cast):
    call = make_call(cast.district_a)
    services.call_update(actor=cast.city_admin, call=call, expected_version=1, notes="市里先改了")
    with pytest.raises(EditConflict) as caught:
        services.call_update(
            actor=cast.district_manager, call=call, expected_version=1, outcome="missed"
        )
    assert caught.value.changed == {"notes": [call.notes, "市里先改了"]}
    message = caught.value.messages[0]
    assert "notes" in message and str(cast.city_admin) in message
    call.refresh_from_db()
    # Nothing of the stale save is written.
    assert call.outcome == "answered" and call.version == 2
    assert AuditEvent.objects.filter(action="call.update").count() == 1


@pytest.mark.django_db
def test_an_edit_that_changes_nothing_keeps_the_version_and_writes_no_event(cast):
    call = make_call(cast.district_a)
    same = services.call_update(
        actor=cast.district_manager, call=call, expected_version=1, notes=call.notes
    )
    assert same.version == 1 and not AuditEvent.objects.filter(action="call.update").exists()


@pytest.mark.django_db
def test_linking_a_case_writes_the_call_on_its_timeline(cast):
    call = make_call(cast.district_a)
    case = CaseFactory(unit=cast.district_a)
    person = PersonFactory(unit=cast.district_a)
    services.call_update(
        actor=cast.district_manager, call=call, expected_version=1, case=case, person=person
    )
    call.refresh_from_db()
    assert call.case == case and call.person == person
    event = CaseEvent.objects.get(case=case, kind=EventKind.CALL)
    assert event.data["call"] == str(call.public_id)
    case.refresh_from_db()
    assert case.has_call  # the figures count the case's call


@pytest.mark.django_db
def test_it_refuses_a_case_or_person_the_actor_may_not_link(cast):
    call = make_call(cast.district_a)
    with pytest.raises(PermissionDenied):
        services.call_update(
            actor=cast.district_manager,
            call=call,
            expected_version=1,
            case=CaseFactory(unit=cast.district_b),
        )
    with pytest.raises(PermissionDenied):
        services.call_update(
            actor=cast.district_manager,
            call=call,
            expected_version=1,
            person=PersonFactory(unit=cast.district_b),
        )
    # A case of another unit the actor may change: still not this call's unit.
    with pytest.raises(ValidationError) as caught:
        services.call_update(
            actor=cast.city_admin,
            call=call,
            expected_version=1,
            case=CaseFactory(unit=cast.district_b),
        )
    assert "case" in caught.value.message_dict
    call.refresh_from_db()
    assert call.case is None and call.person is None and call.version == 1


@pytest.mark.django_db
def test_a_linked_call_stays_on_its_case(cast):
    first = CaseFactory(unit=cast.district_a)
    call = make_call(cast.district_a, case=first)
    with pytest.raises(ValidationError) as caught:
        services.call_update(
            actor=cast.district_manager,
            call=call,
            expected_version=1,
            case=CaseFactory(unit=cast.district_a),
        )
    assert first.number in caught.value.message_dict["case"][0]


@pytest.mark.django_db
def test_a_sibling_managers_edit_is_refused(cast):
    call = make_call(cast.district_a)
    with pytest.raises(PermissionDenied):
        services.call_update(actor=cast.sibling_manager, call=call, expected_version=1, notes="x")


# --- the pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_form_shows_their_values_keeps_mine_and_a_second_save_goes_through(client, cast):
    call = make_call(cast.district_a)
    services.call_update(actor=cast.city_admin, call=call, expected_version=1, outcome="voicemail")
    client.force_login(cast.district_manager)
    url = reverse("hotline:call_edit", args=[call.public_id])
    data = {"outcome": "answered", "duration_minutes": "2", "notes": "我的记录", "version": "1"}
    response = client.post(url, data, headers=EN)
    assert response.status_code == 400
    text = response_text(response)
    assert "saved this call while you were editing it (changed: outcome)" in text
    assert "Their version of the changed fields" in text and "Voicemail" in text
    form = response.context["form"]
    # My notes stay; the outcome I left as it was takes theirs; the form moves to version 2.
    assert form.data["notes"] == "我的记录"
    assert form.data["outcome"] == "voicemail" and form.data["version"] == "2"
    again = client.post(url, form.data, headers=EN)
    assert again.status_code == 302
    call.refresh_from_db()
    assert call.notes == "我的记录" and call.outcome == "voicemail" and call.version == 3


@pytest.mark.django_db
def test_a_form_without_its_version_is_refused(client, cast):
    call = make_call(cast.district_a)
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:call_edit", args=[call.public_id]),
        {"outcome": "missed", "duration_minutes": "1", "notes": "x"},
        headers=EN,
    )
    assert response.status_code == 400
    assert "does not say which version of the call it edits" in response_text(response)
    call.refresh_from_db()
    assert call.version == 1 and call.outcome == "answered"


@pytest.mark.django_db
def test_the_form_links_a_case_by_its_number_and_refuses_a_sibling_case(client, cast):
    call = make_call(cast.district_a)
    mine = CaseFactory(unit=cast.district_a)
    sibling = CaseFactory(unit=cast.district_b)
    client.force_login(cast.district_manager)
    url = reverse("hotline:call_edit", args=[call.public_id])
    data = {"outcome": "answered", "duration_minutes": "2", "notes": "", "version": "1"}
    refused = client.post(url, {**data, "case_number": sibling.number}, headers=EN)
    assert refused.status_code == 400
    # The sibling's case is not confirmed to exist: the same words as for a made-up number.
    assert f"There is no case {sibling.number} that you may change." in response_text(refused)
    saved = client.post(url, {**data, "case_number": mine.number.lower()}, headers=EN)
    assert saved.status_code == 302
    call.refresh_from_db()
    assert call.case == mine


@pytest.mark.django_db
def test_the_call_is_reachable_from_the_list_and_the_case_timeline(client, cast):
    case = CaseFactory(unit=cast.district_a)
    call = services.call_log(
        actor=cast.district_manager, case=case, number="+39 333 123 4567", notes="问护照"
    )
    client.force_login(cast.district_manager)
    link = reverse("hotline:call_detail", args=[call.public_id])
    assert link in response_text(client.get(reverse("hotline:call_list")))
    assert link in response_text(client.get(reverse("hotline:case_detail", args=[case.public_id])))
    page = response_text(client.get(link, headers=EN))
    assert "问护照" in page and case.number in page
    assert reverse("hotline:call_edit", args=[call.public_id]) in page


@pytest.mark.django_db
def test_the_read_only_clerk_sees_the_call_without_the_edit_button(client, cast):
    call = make_call(cast.district_a)
    client.force_login(cast.district_clerk)
    page = response_text(client.get(reverse("hotline:call_detail", args=[call.public_id])))
    assert call.notes in page
    assert reverse("hotline:call_edit", args=[call.public_id]) not in page
