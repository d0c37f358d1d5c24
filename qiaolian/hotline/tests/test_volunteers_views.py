"""Volunteers, shifts and the duty rota pages, with the scoped test mixins; the routing panel."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.testing.factories import UserFactory
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker, response_text
from qiaolian.hotline.models import Shift, Volunteer
from qiaolian.hotline.panels import panels_for
from qiaolian.hotline.tests.factories import CaseFactory, ShiftFactory, VolunteerFactory
from qiaolian.hotline.tests.support_calls import beijing, volunteer_with_grant

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def make_volunteer(unit):
    user = UserFactory(home_unit=unit, display_name=f"志愿者{next_marker('VO')}")
    return VolunteerFactory(unit=unit, user=user, licence_number="ZJ20260001")


class VolunteerListTests(ScopedViewTests.List):
    model = Volunteer
    url_name = "hotline:volunteer_list"
    export_formats = ("csv", "xlsx")

    @classmethod
    def make_object(cls, unit):
        return make_volunteer(unit)

    def marker(self, obj):
        return obj.user.display_name

    def test_the_export_never_carries_the_licence_in_clear(self):
        self.login("district_manager")
        text = response_text(self.client.get(self.url(), {"export": "csv"}))
        self.assertNotIn("ZJ20260001", text)

    def test_a_volunteer_sees_only_their_own_record(self):
        mine = VolunteerFactory(unit=self.cast.district_a, user=self.cast.volunteer)
        self.login("volunteer")
        text = response_text(self.client.get(self.url()))
        self.assertIn(str(mine.user), text)
        self.assertNotIn(self.own_object.user.display_name, text)


class VolunteerDetailTests(ScopedViewTests.Detail):
    model = Volunteer
    url_name = "hotline:volunteer_detail"

    @classmethod
    def make_object(cls, unit):
        return make_volunteer(unit)

    def marker(self, obj):
        return obj.user.display_name

    def test_it_shows_the_licence_masked_and_hours_served(self):
        self.login("district_manager")
        text = response_text(self.client.get(self.url(self.own_object), headers=EN))
        self.assertNotIn("ZJ20260001", text)
        self.assertIn(self.own_object.licence_masked, text)
        self.assertIn("Hours served in", text)


class VolunteerEditTests(ScopedViewTests.Edit):
    model = Volunteer
    url_name = "hotline:volunteer_edit"
    unit_field = "unit"

    @classmethod
    def make_object(cls, unit):
        return make_volunteer(unit)

    def marker(self, obj):
        return obj.user.display_name

    def form_data(self, obj):
        return {
            "unit": obj.unit.pk,
            "profession": "lawyer",
            "licence_number": "",
            "specialties": "劳动法",
            "languages": "中文",
            "time_zone": "Europe/Rome",
            "availability": "",
            "is_active": "on",
        }

    def assert_saved(self, obj, before):
        obj.refresh_from_db()
        self.assertEqual(obj.profession, "lawyer")
        self.assertEqual(obj.licence_number, "ZJ20260001")  # blank keeps the stored number


@pytest.mark.django_db
def test_revealing_the_licence_is_audited_and_refused_to_staff_without_reveal(client, cast):
    volunteer = make_volunteer(cast.township_a1)
    url = reverse("hotline:volunteer_reveal", args=[volunteer.public_id])
    client.force_login(cast.district_manager)
    response = client.post(url)
    assert "ZJ20260001" in response.content.decode()
    assert AuditEvent.objects.filter(action="volunteer.reveal").count() == 1
    client.force_login(cast.township_worker)
    assert client.post(url).status_code == 403  # staff hold REVEAL nowhere


@pytest.mark.django_db
def test_creating_a_volunteer_offers_only_users_of_the_own_subtree(client, cast):
    client.force_login(cast.district_manager)
    text = response_text(client.get(reverse("hotline:volunteer_create")))
    assert "township_worker" in text and "sibling_manager" not in text
    response = client.post(
        reverse("hotline:volunteer_create"),
        {
            "user": cast.township_worker.pk,
            "unit": cast.township_a1.pk,
            "profession": "doctor",
            "licence_number": "110",
            "time_zone": "Asia/Shanghai",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Volunteer.objects.get(user=cast.township_worker).unit == cast.township_a1


# --- shifts and the rota -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shift_form_refuses_an_overlap_with_a_clear_message(client, cast):
    volunteer = make_volunteer(cast.district_a)
    ShiftFactory(
        volunteer=volunteer, starts_at="2026-03-02T08:00+08:00", ends_at="2026-03-02T16:00+08:00"
    )
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:shift_create"),
        {"volunteer": volunteer.pk, "starts_at": "2026-03-02T12:00", "ends_at": "2026-03-02T20:00"},
        headers=EN,
    )
    assert response.status_code == 400
    assert "already has a shift from 2026-03-02 08:00 to 2026-03-02 16:00" in response_text(
        response
    )
    assert Shift.objects.count() == 1


@pytest.mark.django_db
def test_the_shift_form_creates_edits_and_deletes(client, cast):
    volunteer = make_volunteer(cast.district_a)
    client.force_login(cast.district_manager)
    created = client.post(
        reverse("hotline:shift_create"),
        {"volunteer": volunteer.pk, "starts_at": "2026-03-02T08:00", "ends_at": "2026-03-02T16:00"},
    )
    assert created.status_code == 302 and "week=2026-03-02" in created["Location"]
    shift = Shift.objects.get()
    edited = client.post(
        reverse("hotline:shift_edit", args=[shift.public_id]),
        {"volunteer": volunteer.pk, "starts_at": "2026-03-02T08:00", "ends_at": "2026-03-02T18:00"},
    )
    assert edited.status_code == 302
    shift.refresh_from_db()
    assert shift.ends_at.hour == 10  # 18:00 Beijing is 10:00 UTC
    client.post(reverse("hotline:shift_delete", args=[shift.public_id]))
    assert not Shift.objects.exists()


@pytest.mark.django_db
def test_the_rota_shows_shifts_gaps_and_who_is_on_duty_now(client, cast):
    doctor = make_volunteer(cast.district_a)
    ShiftFactory(volunteer=doctor)  # running now
    sibling = make_volunteer(cast.district_b)
    ShiftFactory(volunteer=sibling)
    client.force_login(cast.district_manager)
    response = client.get(reverse("hotline:rota"), headers=EN)
    text = response_text(response)
    assert response.status_code == 200
    assert doctor.user.display_name in text and sibling.user.display_name not in text
    assert "nobody" in text  # the psychologist row is one long gap
    assert "hours without cover" in text


@pytest.mark.django_db
def test_the_volunteer_sees_only_their_own_shifts_on_the_rota(client, cast):
    mine = VolunteerFactory(unit=cast.district_a, user=cast.volunteer)
    other = make_volunteer(cast.district_a)
    ShiftFactory(volunteer=mine)
    ShiftFactory(volunteer=other)
    client.force_login(cast.volunteer)
    text = response_text(client.get(reverse("hotline:rota")))
    assert other.user.display_name not in text


@pytest.mark.django_db
def test_the_rota_converts_shifts_to_the_zone_the_viewer_picks_where_the_date_changes(client, cast):
    # 08:00–12:00 Beijing on Tuesday 3 March is 19:00–23:00 on Monday 2 March in New York.
    doctor = make_volunteer(cast.district_a)
    ShiftFactory(
        volunteer=doctor, starts_at=beijing(2026, 3, 3, 8), ends_at=beijing(2026, 3, 3, 12)
    )
    client.force_login(cast.district_manager)
    url = reverse("hotline:rota")

    beijing_week = client.get(url, {"week": "2026-03-02"}, headers=EN).context
    doctors = next(r for r in beijing_week["rows"] if r["profession"] == "doctor")
    by_day = {c.day: c for c in doctors["cells"]}
    assert beijing_week["tz_name"] == "Asia/Shanghai"  # the federation's, by default
    assert [(i["start"], i["end"]) for i in by_day[date(2026, 3, 3)].shifts] == [("08:00", "12:00")]
    assert by_day[date(2026, 3, 2)].shifts == []

    response = client.get(url, {"week": "2026-03-02", "tz": "America/New_York"}, headers=EN)
    doctors = next(r for r in response.context["rows"] if r["profession"] == "doctor")
    by_day = {c.day: c for c in doctors["cells"]}
    assert [(i["start"], i["end"]) for i in by_day[date(2026, 3, 2)].shifts] == [("19:00", "23:00")]
    assert by_day[date(2026, 3, 3)].shifts == []
    # The gaps are those of the New York day around the shift.
    assert [(g["start"], g["end"]) for g in by_day[date(2026, 3, 2)].gaps] == [
        ("00:00", "19:00"),
        ("23:00", "24:00"),
    ]
    assert "New York (UTC-" in response_text(response)
    assert "tz=America/New_York" in response_text(response)  # the week links keep the zone


@pytest.mark.django_db
def test_on_duty_now_is_the_same_whatever_zone_the_rota_shows(client, cast):
    doctor = make_volunteer(cast.district_a)
    ShiftFactory(volunteer=doctor)  # running now
    client.force_login(cast.district_manager)
    shown = [
        client.get(reverse("hotline:rota"), {"tz": tz}).context["on_duty_now"]
        for tz in ("Asia/Shanghai", "America/New_York", "Pacific/Kiritimati")
    ]
    assert shown == [[doctor]] * 3


@pytest.mark.django_db
def test_the_rota_opens_in_a_volunteers_home_zone(client, cast):
    VolunteerFactory(unit=cast.district_a, user=cast.volunteer, time_zone="Europe/Rome")
    client.force_login(cast.volunteer)
    assert client.get(reverse("hotline:rota")).context["tz_name"] == "Europe/Rome"


@pytest.mark.django_db
def test_an_unknown_zone_is_refused_on_the_form_and_the_week_still_shows(client, cast):
    client.force_login(cast.district_manager)
    response = client.get(
        reverse("hotline:rota"), {"week": "2026-03-04", "tz": "Mars/Base"}, headers=EN
    )
    assert response.status_code == 200
    assert response.context["monday"] == date(2026, 3, 2)
    assert response.context["tz_name"] == "Asia/Shanghai"
    assert "Choose a time zone from the list" in response_text(response)


# --- routing panel -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_routing_panel_puts_the_on_duty_doctor_first(rf, cast):
    on_duty = volunteer_with_grant(cast.district_a, name="值班医生")
    off_duty = volunteer_with_grant(cast.district_a, name="休息医生")
    ShiftFactory(volunteer=on_duty)
    case = CaseFactory(unit=cast.district_a, category="medicine")
    request = rf.get("/")
    request.user = cast.district_manager
    [routing] = [
        p
        for p in panels_for(request, case)
        if p["template"] == "hotline/volunteers/panel_routing.html"
    ]
    assert [s.volunteer for s in routing["suggestions"]] == [on_duty, off_duty]
    # Volunteers do not route cases: the panel is not shown to them.
    case.assignee = cast.volunteer
    case.save()
    request.user = cast.volunteer
    assert all(
        p["template"] != "hotline/volunteers/panel_routing.html" for p in panels_for(request, case)
    )
