"""The call console, the calls and callbacks lists, and the case-page panels, with the scoped
test mixins (sibling rows hidden, 403 to users without the action, volunteers narrowed)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker, response_text
from qiaolian.hotline.models import AnswerStatus, Call, Callback, Case, EventKind
from qiaolian.hotline.panels import panels_for
from qiaolian.hotline.services.answers import answer_create
from qiaolian.hotline.tests.factories import CallFactory, CaseFactory, PersonFactory
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def make_call(unit):
    return CallFactory(unit=unit, number=f"+39 333 {next_marker('')[2:]}", notes=next_marker("CL"))


class CallListTests(ScopedViewTests.List):
    model = Call
    url_name = "hotline:call_list"
    export_formats = ("csv", "xlsx")

    @classmethod
    def make_object(cls, unit):
        return make_call(unit)

    def marker(self, obj):
        return obj.number

    def test_it_filters_by_number_digits_in_any_format(self):
        self.login("district_manager")
        call = CallFactory(
            unit=self.cast.district_a, number="0039 06 9999 1111", number_e164="+390699991111"
        )
        text = response_text(self.client.get(self.url(), {"q": "06-9999-1111"}))
        self.assertIn(call.number, text)
        self.assertNotIn(self.own_object.number, text)

    def test_it_writes_an_audit_event_for_an_export(self):
        self.login("district_manager")
        self.client.get(self.url(), {"export": "csv"})
        self.assertTrue(AuditEvent.objects.filter(action="export.calls").exists())

    def test_a_volunteer_sees_the_calls_on_their_cases(self):
        case = CaseFactory(unit=self.cast.district_a, assignee=self.cast.volunteer)
        call = make_call(self.cast.district_a)
        call.case = case
        call.save()
        self.login("volunteer")
        text = response_text(self.client.get(self.url()))
        self.assertIn(call.number, text)
        self.assertNotIn(self.own_object.number, text)


def make_callback(unit):
    case = CaseFactory(unit=unit, subject=f"回电{next_marker('CB')}")
    return Callback.objects.create(
        case=case, scheduled_for=timezone.now() + timedelta(hours=1), time_zone="Europe/Rome"
    )


class CallbackListTests(ScopedViewTests.List):
    model = Callback
    url_name = "hotline:callback_list"
    max_queries = 14

    @classmethod
    def make_object(cls, unit):
        return make_callback(unit)

    def marker(self, obj):
        return obj.case.subject

    def test_it_shows_the_requesters_local_time_and_marks_overdue(self):
        late = make_callback(self.cast.district_a)
        Callback.objects.filter(pk=late.pk).update(
            scheduled_for=timezone.now() - timedelta(hours=1)
        )
        self.login("district_manager")
        response = self.client.get(self.url(), {"show": "overdue"}, headers=EN)
        text = response_text(response)
        self.assertIn(late.case.subject, text)
        self.assertNotIn(self.own_object.case.subject, text)  # not overdue
        self.assertIn("Rome (UTC+", text)
        self.assertIn("1 overdue", text)


# --- console ------------------------------------------------------------------------------------


@pytest.fixture
def rome_person(cast):
    person = PersonFactory(
        unit=cast.district_a,
        surname="陈",
        given_name="罗马",
        country="IT",
        time_zone="Europe/Rome",
        phones=["+39 333 123 4567"],
    )
    MembershipFactory(group=GroupFactory(unit=cast.district_a, name="罗马侨胞群"), person=person)
    return person


@pytest.mark.django_db
def test_the_lookup_panel_shows_the_caller_typed_in_another_format(client, cast, rome_person):
    open_case = CaseFactory(unit=cast.district_a, requester=rome_person, subject="签证续签")
    client.force_login(cast.district_manager)
    response = client.get(
        reverse("hotline:caller_lookup"),
        {"number": "0039 333-123-4567"},
        headers={"HX-Request": "true", **EN},
    )
    text = response_text(response)
    assert response.status_code == 200
    assert "陈罗马" in text and "罗马侨胞群" in text and open_case.subject in text
    assert "Rome (UTC+" in text
    # The wall-clock time in Rome, not the server's (templates localise datetimes by default).
    rome = timezone.now().astimezone(ZoneInfo("Europe/Rome"))
    assert f"{rome:%H}:" in text and f"({rome:%m-%d}) in Rome" in text
    assert "<html" not in text  # a fragment for the panel


@pytest.mark.django_db
def test_the_lookup_panel_says_what_is_wrong_with_garbage(client, cast):
    client.force_login(cast.district_manager)
    text = response_text(
        client.get(reverse("hotline:caller_lookup"), {"number": "abc"}, headers=EN)
    )
    assert "is not a phone number" in text


@pytest.mark.django_db
def test_the_lookup_never_names_a_sibling_units_person(client, cast):
    PersonFactory(
        unit=cast.district_b, surname="乙", given_name="区泄漏", phones=["+39 333 123 4567"]
    )
    client.force_login(cast.district_manager)
    text = response_text(client.get(reverse("hotline:caller_lookup"), {"number": "+393331234567"}))
    assert "区泄漏" not in text


@pytest.mark.django_db
def test_the_console_opens_a_case_from_the_call_in_one_step(client, cast, rome_person):
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:call_console"),
        {
            "number": "00 39 333 123 4567",
            "direction": "in",
            "outcome": "answered",
            "duration_minutes": "4.5",
            "unit": cast.district_a.pk,
            "notes": "",
            "person": str(rome_person.public_id),
            "category": "medicine",
            "priority": "normal",
            "subject": "想咨询意大利就医",
            "description": "",
            "mode": "new_case",
        },
    )
    case = Case.objects.get(subject="想咨询意大利就医")
    call = Call.objects.get(case=case)
    assert response.status_code == 302
    assert str(case.public_id) in response["Location"]
    assert case.requester == rome_person and call.duration_seconds == 270
    assert case.events.filter(kind=EventKind.CALL).exists()


@pytest.mark.django_db
def test_the_console_logs_a_call_on_an_open_case(client, cast, rome_person):
    case = CaseFactory(unit=cast.township_a1, requester=rome_person)
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:call_console"),
        {
            "number": "+39 333 123 4567",
            "direction": "out",
            "outcome": "answered",
            "unit": cast.district_a.pk,
            "on_case": str(case.public_id),
        },
    )
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.case == case and call.unit == cast.township_a1


@pytest.mark.django_db
def test_the_console_refuses_garbage_and_a_missing_subject_saving_nothing(client, cast):
    client.force_login(cast.district_manager)
    url = reverse("hotline:call_console")
    base = {"direction": "in", "outcome": "answered", "unit": cast.district_a.pk}
    bad = client.post(url, {**base, "number": "hello", "mode": "log"}, headers=EN)
    assert bad.status_code == 400 and "is not a phone number" in response_text(bad)
    missing = client.post(
        url,
        {**base, "number": "138 0013 8000", "mode": "new_case", "category": "policy"},
        headers=EN,
    )
    assert missing.status_code == 400 and "Needed to open the case" in response_text(missing)
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_the_console_refuses_a_sibling_units_case_and_unit(client, cast):
    sibling = CaseFactory(unit=cast.district_b)
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:call_console"),
        {
            "number": "138 0013 8000",
            "direction": "in",
            "outcome": "answered",
            "unit": cast.district_b.pk,
            "on_case": str(sibling.public_id),
        },
    )
    assert response.status_code == 400 and not Call.objects.exists()


@pytest.mark.django_db
def test_the_console_is_refused_to_the_read_only_clerk_and_the_volunteer(client, cast):
    for who in (cast.district_clerk, cast.volunteer):
        client.force_login(who)
        assert client.get(reverse("hotline:call_console")).status_code == 403


# --- callbacks ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scheduling_at_3am_is_refused_with_their_time_then_accepted_with_a_reason(
    client, cast, rome_person
):
    case = CaseFactory(
        unit=cast.district_a, requester=rome_person, requester_time_zone="Europe/Rome"
    )
    client.force_login(cast.district_manager)
    url = reverse("hotline:callback_create", args=[case.public_id])
    night = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT03:00")
    refused = client.post(url, {"scheduled_for": night}, headers=EN)
    assert refused.status_code == 400
    assert "That is 03:00 in Rome (UTC+" in response_text(refused)
    accepted = client.post(url, {"scheduled_for": night, "override_reason": "病情紧急"})
    assert accepted.status_code == 302
    assert Callback.objects.get(case=case).override_reason == "病情紧急"


@pytest.mark.django_db
def test_marking_a_callback_done_and_refusing_a_sibling_one(client, cast):
    own = make_callback(cast.district_a)
    sibling = make_callback(cast.district_b)
    client.force_login(cast.district_manager)
    assert client.post(reverse("hotline:callback_done", args=[own.public_id])).status_code == 302
    own.refresh_from_db()
    assert own.done_at is not None
    assert (
        client.post(reverse("hotline:callback_done", args=[sibling.public_id])).status_code == 404
    )


def test_cancelling_a_callback_from_the_page_and_refusing_a_sibling_one(client, cast):
    own = make_callback(cast.district_a)
    sibling = make_callback(cast.district_b)
    client.force_login(cast.district_manager)
    url = reverse("hotline:callback_cancel", args=[own.public_id])
    assert client.post(url, {"reason": "改约"}).status_code == 302
    assert not Callback.objects.filter(pk=own.pk).exists()
    url = reverse("hotline:callback_cancel", args=[sibling.public_id])
    assert client.post(url).status_code == 404
    assert Callback.objects.filter(pk=sibling.pk).exists()


# --- panels ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_case_page_panels_show_local_time_groups_other_cases_and_callbacks(
    rf, cast, rome_person
):
    case = CaseFactory(
        unit=cast.district_a, requester=rome_person, requester_time_zone="Europe/Rome"
    )
    other = CaseFactory(unit=cast.district_a, requester=rome_person, subject="另一件事")
    request = rf.get("/")
    request.user = cast.district_manager
    panels = {p["template"]: p for p in panels_for(request, case)}
    caller = panels["hotline/calls/panel_caller.html"]
    assert caller["clock"].label.startswith("Rome (UTC+")
    assert [m.group.name for m in caller["groups"]] == ["罗马侨胞群"]
    assert caller["other_cases"] == [other]
    assert panels["hotline/calls/panel_callbacks.html"]["can_change"] is True


# --- issue 9, "what staff expect" -----------------------------------------------------------


def test_a_call_wanting_a_callback_without_a_case_offers_to_plan_it(client, cast):
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:call_console"),
        {
            "number": "+39 333 123 4567",
            "direction": "in",
            "outcome": "callback",
            "duration_minutes": "2",
            "unit": cast.district_a.pk,
            "question": "护照过期怎么办",
            "notes": "请明天上午回电",
            "mode": "log",
        },
    )
    call = Call.objects.get()
    assert call.case is None and call.notes == "护照过期怎么办\n\n请明天上午回电"
    plan_url = reverse("hotline:call_callback", args=[call.public_id])
    assert response["Location"] == plan_url
    detail = client.get(reverse("hotline:call_detail", args=[call.public_id])).content.decode()
    assert 'id="call-plan-callback"' in detail
    form = client.get(plan_url).content.decode()
    assert "Europe/Rome" in form or "罗马" in form or "Rome" in form
    # Ten in the morning in Rome, tomorrow: inside their daytime.
    rome = timezone.localtime(timezone.now(), ZoneInfo("Europe/Rome")) + timedelta(days=1)
    when = rome.replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        plan_url, {"subject": "回电：护照", "category": "policy", "scheduled_for": when}
    )
    call.refresh_from_db()
    assert call.case is not None and call.case.subject == "回电：护照"
    callback = Callback.objects.get(case=call.case)
    assert timezone.localtime(callback.scheduled_for, ZoneInfo("Europe/Rome")).hour == 10
    assert response["Location"] == reverse("hotline:case_detail", args=[call.case.public_id])
    detail = client.get(reverse("hotline:call_detail", args=[call.public_id])).content.decode()
    assert 'id="call-plan-callback"' not in detail
    client.force_login(cast.sibling_manager)
    assert client.get(plan_url).status_code == 404


def test_the_console_suggests_answers_with_insert_buttons_for_the_reply_box(client, cast):
    answer_create(
        actor=cast.city_admin,
        unit=cast.city,
        category="policy",
        status=AnswerStatus.PUBLIC,
        title_zh="护照过期如何办理回国证件",
        title_en="An expired passport",
        body_zh="可向中国驻当地使领馆申请旅行证。",
        body_en="Apply for a travel document at the consulate.",
        keywords="护照 过期",
    )
    client.force_login(cast.district_manager)
    console = client.get(reverse("hotline:call_console")).content.decode()
    assert 'name="question"' in console and "console.js" in console
    url = reverse("hotline:answer_suggest")
    fragment = client.get(url, {"question": "我的护照过期了", "insert": "id_notes"}).content
    fragment = fragment.decode()
    assert "护照过期如何办理回国证件" in fragment
    assert (
        'data-insert-into="id_notes" data-insert-text="可向中国驻当地使领馆申请旅行证。"'
        in fragment
    )
    # Only a box id is accepted as the target.
    odd = client.get(url, {"question": "护照", "insert": '"><script>'}).content.decode()
    assert "data-insert-into" not in odd
