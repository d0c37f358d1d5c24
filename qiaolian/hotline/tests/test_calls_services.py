"""Calls: numbers as typed, the caller lookup inside the user's scope, logging a call and
opening a case from it; callbacks inside the requester's daytime."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.phones import normalize_phone
from qiaolian.hotline.models import Call, Callback, Case, CaseEvent, EventKind, Status
from qiaolian.hotline.selectors.calls import due_callbacks
from qiaolian.hotline.selectors.cases import case_list, filter_cases
from qiaolian.hotline.services import callbacks, calls
from qiaolian.hotline.services import cases as cases_services
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory
from qiaolian.hotline.tests.support_calls import beijing
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("+39 333 123 4567", "+393331234567"),
        ("0039 333 123 4567", "+393331234567"),
        ("00 39 333 123 4567", "+393331234567"),
        ("0039-333-123-4567", "+393331234567"),
        ("+39 (333) 123-4567", "+393331234567"),
        ("138 0013 8000", "+8613800138000"),
        ("138-0013-8000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
    ],
)
def test_it_normalises_the_usual_ways_of_typing_a_number(typed, e164):
    assert calls.normalise_number(typed) == e164


@pytest.mark.parametrize("typed", ["", "abc", "12", "+39 333", "+999 1234", "电话号码"])
def test_it_refuses_what_is_not_a_phone_number_naming_the_field(typed):
    with pytest.raises(ValidationError) as caught:
        calls.normalise_number(typed)
    # The message goes on the number field and tells what to type.
    assert "number" in caught.value.message_dict


def test_the_refusal_message_says_how_to_type_a_number():
    with pytest.raises(ValidationError) as caught:
        calls.normalise_number("abc")
    assert "country code" in caught.value.message_dict["number"][0]


def test_lookup_finds_the_person_typed_in_another_format_with_cases_groups_and_local_time(cast):
    rome = PersonFactory(
        unit=cast.district_a,
        surname="陈",
        given_name="罗马",
        country="IT",
        phones=["+39 333 123 4567"],
    )
    case = CaseFactory(unit=cast.district_a, requester=rome, status=Status.NEW)
    CaseFactory(unit=cast.district_a, requester=rome, status=Status.CLOSED)
    group = GroupFactory(unit=cast.district_a, name="罗马华侨群")
    MembershipFactory(group=group, person=rome)
    at = beijing(2026, 1, 15, 10, 0)  # 03:00 in Rome (winter, UTC+1)

    info = calls.lookup_caller(cast.district_manager, "0039 333-123-4567", at=at)

    assert info.person == rome
    assert [c.pk for c in info.open_cases] == [case.pk]  # the closed case is not "open"
    assert [m.group.name for m in info.groups] == ["罗马华侨群"]
    assert info.tz == "Europe/Rome"
    assert info.local_time.strftime("%H:%M") == "03:00"
    assert not info.is_daytime


def test_lookup_never_matches_a_person_of_the_sibling_unit(cast):
    PersonFactory(unit=cast.district_b, surname="乙", phones=["+39 333 123 4567"])
    info = calls.lookup_caller(cast.district_manager, "+39 333 123 4567")
    # The sibling's person exists with this number, but district A must not learn it.
    assert info.people == []
    assert info.tz == "Europe/Rome"  # derived from the number alone


def test_lookup_of_an_unknown_mainland_mobile_derives_beijing_time(cast):
    info = calls.lookup_caller(cast.district_manager, "138 0013 8000")
    assert info.people == [] and info.tz == "Asia/Shanghai"


def test_log_call_keeps_the_number_as_typed_links_the_caller_and_audits(cast):
    person = PersonFactory(unit=cast.district_a, phones=["+39 333 123 4567"])
    call = calls.call_log(
        actor=cast.district_manager,
        unit=cast.district_a,
        direction="in",
        number="0039 333 123 4567",
        duration_seconds=300,
        outcome="answered",
        notes="问签证",
    )
    assert call.number == "0039 333 123 4567"
    assert call.number_e164 == "+393331234567"
    assert call.person == person  # the one visible person with this number
    assert call.taken_by == cast.district_manager
    assert AuditEvent.objects.filter(action="call.log", object_id=str(call.public_id)).exists()


@pytest.mark.parametrize(
    "typed",
    ["+39 333 123 4567", "0039 333 123 4567", "138 0013 8000", "+44 7700 900123", "12", "x"],
)
def test_it_follows_the_one_project_rule_for_numbers(typed):
    # The people register and a case's quick contact use core's normalize_phone: a call must
    # accept exactly what it accepts and give the same E.164, or a lookup would miss.
    expected = normalize_phone(typed)
    if expected is None:
        with pytest.raises(ValidationError):
            calls.normalise_number(typed)
    else:
        assert calls.normalise_number(typed) == expected


def test_a_number_of_the_right_length_but_not_in_use_is_refused_naming_its_country(cast):
    # Right length for the UK, in a range no operator uses: core refuses it, so calls do too,
    # with a message that says what is wrong instead of "not a phone number".
    with pytest.raises(ValidationError) as caught:
        calls.call_log(
            actor=cast.district_manager,
            unit=cast.district_a,
            number="+44 7700 900123",
            outcome="missed",
        )
    message = caught.value.message_dict["number"][0]
    assert "United Kingdom (+44)" in message and "check the digits" in message
    assert Call.objects.count() == 0


def test_the_malformed_number_message_is_in_chinese_for_a_chinese_reader():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        calls.normalise_number("+44 7700 900123")
    assert "英国" in caught.value.message_dict["number"][0]
    assert "核对" in caught.value.message_dict["number"][0]


def test_a_call_and_the_case_search_find_the_same_person_and_case_however_typed(cast):
    # The person registered one way, the case's quick contact typed another, the call a third:
    # the call's lookup, the case queue's phone search and the logged call all meet.
    person = PersonFactory(unit=cast.district_a, phones=["0039 333-123-4567"])
    with_person = CaseFactory(unit=cast.district_a, requester=person, status=Status.NEW)
    quick = cases_services.case_open(
        actor=cast.district_manager,
        unit=cast.district_a,
        category=with_person.category,
        subject="快速联系人",
        contact_name="陈先生",
        contact_phone="+39 (333) 123-4567",
    )
    info = calls.lookup_caller(cast.district_manager, "+39 333 1234567")
    assert info.person == person
    assert {c.pk for c in info.open_cases} == {with_person.pk, quick.pk}
    found = filter_cases(
        case_list(user=cast.district_manager), {"q": "0039 333 123 4567"}
    ).values_list("pk", flat=True)
    assert set(found) == {with_person.pk, quick.pk}  # by the requester's phone and the contact
    call = calls.call_log(
        actor=cast.district_manager, unit=cast.district_a, number="0039 3331234567"
    )
    assert call.number == "0039 3331234567"  # as typed
    assert call.number_e164 == quick.contact_phone_e164 == info.e164
    assert call.person == person


def test_log_call_refuses_garbage_and_writes_nothing(cast):
    with pytest.raises(ValidationError):
        calls.call_log(
            actor=cast.district_manager, unit=cast.district_a, number="hello", outcome="answered"
        )
    assert Call.objects.count() == 0 and not AuditEvent.objects.filter(action="call.log").exists()


def test_log_call_refuses_a_unit_outside_the_actors_scope(cast):
    with pytest.raises(PermissionDenied):
        calls.call_log(actor=cast.district_manager, unit=cast.district_b, number="138 0013 8000")


def test_a_call_logged_on_a_case_writes_a_call_event(cast):
    case = CaseFactory(unit=cast.township_a1)
    call = calls.call_log(
        actor=cast.district_manager, number="138 0013 8000", case=case, duration_seconds=60
    )
    assert call.unit == cast.township_a1  # the case's unit
    event = case.events.get(kind=EventKind.CALL)
    assert event.data["call"] == str(call.public_id) and event.actor == cast.district_manager


def test_a_volunteer_logs_calls_on_their_own_case_but_not_on_others(cast):
    mine = CaseFactory(unit=cast.district_a, assignee=cast.volunteer)
    other = CaseFactory(unit=cast.district_a)
    call = calls.call_log(actor=cast.volunteer, number="138 0013 8000", case=mine)
    assert call.case == mine
    with pytest.raises(PermissionDenied):
        calls.call_log(actor=cast.volunteer, number="138 0013 8000", case=other)
    # Without a case the volunteer needs ADD, which the narrowed role does not hold.
    with pytest.raises(PermissionDenied):
        calls.call_log(actor=cast.volunteer, unit=cast.district_a, number="138 0013 8000")


def test_new_case_from_call_makes_the_caller_requester_and_links_the_call(cast):
    person = PersonFactory(unit=cast.district_a, country="IT", phones=["+39 333 123 4567"])
    call = calls.call_log(
        actor=cast.district_manager, unit=cast.district_a, number="+39 333 123 4567"
    )
    case = calls.case_open_from_call(
        actor=cast.district_manager,
        call=call,
        category="medicine",
        subject="胸闷想问医生",
        description="",
        priority="high",
    )
    call.refresh_from_db()
    assert call.case == case
    assert case.requester == person and case.channel == "call" and case.priority == "high"
    assert case.requester_time_zone == "Europe/Rome"
    assert case.events.filter(kind=EventKind.CALL).count() == 1
    assert case.events.filter(kind=EventKind.CREATED).exists()
    with pytest.raises(ValidationError):  # a call opens one case only
        calls.case_open_from_call(
            actor=cast.district_manager, call=call, category="policy", subject="x"
        )


def test_new_case_from_an_unknown_number_keeps_the_number_as_quick_contact(cast):
    case_count = Case.objects.count()
    _call, case = calls.call_take(
        actor=cast.district_manager,
        unit=cast.district_a,
        number="0039 333 765 4321",
        new_case={"category": "legal", "subject": "劳动纠纷", "contact_name": "林先生"},
    )
    assert Case.objects.count() == case_count + 1
    assert case.requester is None and case.contact_name == "林先生"
    assert case.contact_phone == "0039 333 765 4321"
    assert case.contact_phone_e164 == "+393337654321"
    assert case.requester_time_zone == "Europe/Rome"


def test_take_call_without_a_subject_rolls_the_call_back(cast):
    with pytest.raises(ValidationError) as caught:
        calls.call_take(
            actor=cast.district_manager,
            unit=cast.district_a,
            number="138 0013 8000",
            new_case={"category": "policy", "subject": ""},
        )
    assert "subject" in caught.value.message_dict
    assert Call.objects.count() == 0  # nothing half-written


# --- callbacks ------------------------------------------------------------------------------


def wall(*args) -> datetime:
    """A naive datetime: the requester's wall-clock time, as the callback form sends it."""
    return datetime(*args)  # noqa: DTZ001 - naive on purpose


def rome_case(cast, unit=None):
    person = PersonFactory(
        unit=unit or cast.district_a,
        country="IT",
        time_zone="Europe/Rome",
        phones=["+39 333 123 4567"],
        languages="中文, Italiano",
    )
    return CaseFactory(unit=unit or cast.district_a, requester=person, requester_time_zone="")


def test_local_time_converts_to_the_zone_and_falls_back_for_an_unknown_one():
    at = beijing(2026, 7, 1, 9, 0)  # 03:00 in Rome (summer, UTC+2)
    assert callbacks.local_time("Europe/Rome", at).strftime("%H:%M") == "03:00"
    assert callbacks.local_time("Mars/Olympus", at).strftime("%H:%M") == "09:00"


def test_it_refuses_a_callback_at_3am_their_time_saying_what_time_it_would_be(cast):
    case = rome_case(cast)
    now = beijing(2026, 1, 14, 12, 0)
    with pytest.raises(ValidationError) as caught:
        callbacks.callback_schedule(
            actor=cast.district_manager,
            case=case,
            when_local_or_utc=wall(2026, 1, 15, 3, 0),
            now=now,
        )
    message = caught.value.message_dict["scheduled_for"][0]
    assert message == (
        "That is 03:00 in Rome (UTC+1); callbacks must fall between 09:00 and 21:00 "
        "their time, or give a reason to override."
    )
    assert not Callback.objects.exists()


def test_an_utc_time_is_judged_in_the_requesters_zone(cast):
    case = rome_case(cast)
    # 10:00 in Beijing is 03:00 in Rome in winter: refused although it is daytime here.
    with pytest.raises(ValidationError):
        callbacks.callback_schedule(
            actor=cast.district_manager,
            case=case,
            when_local_or_utc=beijing(2026, 1, 15, 10, 0),
            now=beijing(2026, 1, 14, 12, 0),
        )


def test_an_override_reason_lets_the_3am_callback_through_and_is_recorded(cast):
    case = rome_case(cast)
    callback = callbacks.callback_schedule(
        actor=cast.district_manager,
        case=case,
        when_local_or_utc=wall(2026, 1, 15, 3, 0),
        override_reason="家属要求尽快回电",
        now=beijing(2026, 1, 14, 12, 0),
    )
    assert callback.time_zone == "Europe/Rome"
    assert callback.override_reason == "家属要求尽快回电"
    assert callbacks.local_time("Europe/Rome", callback.scheduled_for).hour == 3
    event = case.events.get(kind=EventKind.CALLBACK)
    assert "家属要求尽快回电" in event.text
    assert AuditEvent.objects.filter(action="callback.schedule").exists()


def test_a_daytime_callback_needs_no_reason_and_a_window_can_be_passed(cast):
    case = rome_case(cast)
    now = beijing(2026, 1, 14, 12, 0)
    ok = callbacks.callback_schedule(
        actor=cast.district_manager, case=case, when_local_or_utc=wall(2026, 1, 15, 20, 30), now=now
    )
    assert ok.override_reason == ""
    with pytest.raises(ValidationError):  # a stricter window for this one call
        callbacks.callback_schedule(
            actor=cast.district_manager,
            case=case,
            when_local_or_utc=wall(2026, 1, 15, 20, 30),
            window=(time(10), time(18)),
            now=now,
        )


def test_it_refuses_a_callback_in_the_past_and_on_a_case_out_of_reach(cast):
    case = rome_case(cast)
    with pytest.raises(ValidationError):
        callbacks.callback_schedule(
            actor=cast.district_manager, case=case, when_local_or_utc=beijing(2020, 1, 1, 18, 0)
        )
    sibling = rome_case(cast, cast.district_b)
    with pytest.raises(PermissionDenied):
        callbacks.callback_schedule(
            actor=cast.district_manager, case=sibling, when_local_or_utc=wall(2030, 1, 15, 10, 0)
        )


def test_complete_callback_marks_it_done_once(cast):
    case = rome_case(cast)
    callback = callbacks.callback_schedule(
        actor=cast.district_manager, case=case, when_local_or_utc=wall(2030, 1, 15, 10, 0)
    )
    done = callbacks.callback_complete(actor=cast.district_manager, callback=callback)
    assert done.done_at is not None
    with pytest.raises(ValidationError):
        callbacks.callback_complete(actor=cast.district_manager, callback=callback)


def test_cancelling_a_callback_keeps_its_trace_on_the_timeline_and_in_the_audit(cast):
    case = rome_case(cast)
    callback = callbacks.callback_schedule(
        actor=cast.district_manager, case=case, when_local_or_utc=wall(2030, 1, 15, 10, 0)
    )
    callbacks.callback_cancel(
        actor=cast.district_manager, callback=callback, reason="来电人改约周五"
    )
    assert not Callback.objects.filter(pk=callback.pk).exists()
    event = CaseEvent.objects.filter(case=case, kind=EventKind.CALLBACK).order_by("at").last()
    assert "2030-01-15 10:00" in event.text and "来电人改约周五" in event.text
    assert event.data["cancelled"] is True
    assert AuditEvent.objects.filter(action="callback.cancel").count() == 1
    done = callbacks.callback_schedule(
        actor=cast.district_manager, case=case, when_local_or_utc=wall(2030, 1, 16, 10, 0)
    )
    callbacks.callback_complete(actor=cast.district_manager, callback=done)
    with pytest.raises(ValidationError):
        callbacks.callback_cancel(actor=cast.district_manager, callback=done)
    sibling = callbacks.callback_schedule(
        actor=cast.sibling_manager,
        case=rome_case(cast, cast.district_b),
        when_local_or_utc=wall(2030, 1, 15, 10, 0),
    )
    with pytest.raises(PermissionDenied):
        callbacks.callback_cancel(actor=cast.district_manager, callback=sibling)


def test_due_callbacks_lists_overdue_and_today_but_not_done_later_or_sibling(cast):
    now = beijing(2026, 3, 2, 12, 0)
    case = CaseFactory(unit=cast.district_a, requester_time_zone="Asia/Shanghai")
    overdue = Callback.objects.create(
        case=case, scheduled_for=now - timedelta(hours=2), time_zone="Asia/Shanghai"
    )
    today = Callback.objects.create(
        case=case, scheduled_for=now + timedelta(hours=3), time_zone="Asia/Shanghai"
    )
    Callback.objects.create(
        case=case, scheduled_for=now + timedelta(days=2), time_zone="Asia/Shanghai"
    )
    Callback.objects.create(
        case=case,
        scheduled_for=now - timedelta(hours=1),
        time_zone="Asia/Shanghai",
        done_at=now,
    )
    sibling_case = CaseFactory(unit=cast.district_b)
    Callback.objects.create(case=sibling_case, scheduled_for=now, time_zone="Asia/Shanghai")
    due = list(due_callbacks(cast.district_manager, at=now))
    assert due == [overdue, today]


def test_the_default_daytime_window_is_nine_to_nine():
    assert callbacks.daytime_window() == (time(9), time(21))


def test_a_case_knows_once_a_call_is_linked_to_it(cast):
    # The figures count a case without a call as a contact of its own (Case.has_call).
    case = CaseFactory(unit=cast.district_a)
    other = CaseFactory(unit=cast.district_a)
    assert not case.has_call
    calls.call_log(
        actor=cast.district_manager,
        unit=cast.district_a,
        direction="in",
        number="+39 333 123 4567",
        outcome="answered",
        case=case,
    )
    case.refresh_from_db()
    other.refresh_from_db()
    assert (case.has_call, other.has_call) == (True, False)
