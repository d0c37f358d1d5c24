"""Volunteers and the duty rota: the licence number, shifts that may not overlap, coverage
gaps, who is on duty, routing suggestions and hours served."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.scoping import Action
from qiaolian.core.testing.factories import UserFactory
from qiaolian.hotline.models import Call, Shift, Status, Volunteer
from qiaolian.hotline.selectors import rota
from qiaolian.hotline.services import volunteers as services
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory, VolunteerFactory
from qiaolian.hotline.tests.support_calls import beijing, shift, volunteer_with_grant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- volunteers -----------------------------------------------------------------------------


def test_it_creates_a_volunteer_with_an_encrypted_licence_masked_and_audited(cast):
    user = UserFactory(home_unit=cast.district_a, display_name="李医生")
    volunteer = services.volunteer_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        user=user,
        profession="doctor",
        licence_number="110330100012345",
        languages="中文, Italiano",
        time_zone="Europe/Rome",
    )
    assert volunteer.licence_masked.startswith("11") and "0012345" not in volunteer.licence_masked
    event = AuditEvent.objects.get(action="volunteer.create")
    assert "110330100012345" not in str(event.changes)  # the log never holds it in clear


def test_revealing_the_licence_needs_reveal_and_writes_an_audit_event(cast):
    volunteer = VolunteerFactory(unit=cast.district_a, licence_number="A1234567")
    assert services.reveal_licence(actor=cast.district_manager, volunteer=volunteer) == "A1234567"
    assert (
        AuditEvent.objects.filter(
            action="volunteer.reveal", object_id=str(volunteer.public_id)
        ).count()
        == 1
    )
    with pytest.raises(PermissionDenied):  # staff (township) hold no REVEAL
        services.reveal_licence(actor=cast.township_worker, volunteer=volunteer)


def test_an_edit_with_a_blank_licence_keeps_the_stored_number(cast):
    volunteer = VolunteerFactory(unit=cast.district_a, licence_number="A1234567")
    services.volunteer_update(
        actor=cast.district_manager, volunteer=volunteer, licence_number="", specialties="心内科"
    )
    volunteer.refresh_from_db()
    assert volunteer.licence_number == "A1234567" and volunteer.specialties == "心内科"


def test_it_refuses_a_volunteer_in_the_sibling_unit_and_a_bad_time_zone(cast):
    with pytest.raises(PermissionDenied):
        services.volunteer_create(
            actor=cast.district_manager,
            unit=cast.district_b,
            user=cast.district_clerk,
            profession="lawyer",
        )
    with pytest.raises(ValidationError):
        services.volunteer_create(
            actor=cast.district_manager,
            unit=cast.district_a,
            user=cast.district_clerk,
            profession="lawyer",
            time_zone="Moon/Base",
        )


def test_a_volunteer_sees_only_their_own_record_and_shifts(cast):
    mine = VolunteerFactory(unit=cast.district_a, user=cast.volunteer)
    other = VolunteerFactory(unit=cast.district_a)
    shift(mine, beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 16))
    shift(other, beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 16))
    assert list(Volunteer.objects.restrict(cast.volunteer, Action.VIEW)) == [mine]
    assert [s.volunteer for s in Shift.objects.restrict(cast.volunteer, Action.VIEW)] == [mine]


# --- shifts ---------------------------------------------------------------------------------


def test_it_refuses_a_shift_that_ends_before_it_starts(cast):
    volunteer = VolunteerFactory(unit=cast.district_a)
    with pytest.raises(ValidationError) as caught:
        services.shift_create(
            actor=cast.district_manager,
            volunteer=volunteer,
            starts_at=beijing(2026, 3, 2, 16),
            ends_at=beijing(2026, 3, 2, 16),
        )
    assert "ends_at" in caught.value.message_dict


def test_it_refuses_overlapping_shifts_of_one_volunteer_naming_the_other_shift(cast):
    volunteer = VolunteerFactory(unit=cast.district_a)
    services.shift_create(
        actor=cast.district_manager,
        volunteer=volunteer,
        starts_at=beijing(2026, 3, 2, 8),
        ends_at=beijing(2026, 3, 2, 16),
    )
    with pytest.raises(ValidationError) as caught:
        services.shift_create(
            actor=cast.district_manager,
            volunteer=volunteer,
            starts_at=beijing(2026, 3, 2, 15),
            ends_at=beijing(2026, 3, 2, 23),
        )
    assert "2026-03-02 08:00" in caught.value.message_dict["starts_at"][0]
    # Back to back is fine, and so is another volunteer at the same time.
    services.shift_create(
        actor=cast.district_manager,
        volunteer=volunteer,
        starts_at=beijing(2026, 3, 2, 16),
        ends_at=beijing(2026, 3, 3, 0),
    )
    services.shift_create(
        actor=cast.district_manager,
        volunteer=VolunteerFactory(unit=cast.district_a),
        starts_at=beijing(2026, 3, 2, 15),
        ends_at=beijing(2026, 3, 2, 23),
    )
    assert Shift.objects.count() == 3


def test_moving_a_shift_onto_another_is_refused_but_editing_itself_is_not(cast):
    volunteer = VolunteerFactory(unit=cast.district_a)
    shift(volunteer, beijing(2026, 3, 2, 0), beijing(2026, 3, 2, 8))
    second = shift(volunteer, beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 16))
    services.shift_update(
        actor=cast.district_manager, shift=second, ends_at=beijing(2026, 3, 2, 18)
    )
    with pytest.raises(ValidationError):
        services.shift_update(
            actor=cast.district_manager, shift=second, starts_at=beijing(2026, 3, 2, 7)
        )


def test_shift_delete_is_audited_and_refused_outside_scope(cast):
    own = shift(
        VolunteerFactory(unit=cast.district_a), beijing(2026, 3, 2, 0), beijing(2026, 3, 2, 8)
    )
    services.shift_delete(actor=cast.district_manager, shift=own)
    assert not Shift.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.filter(action="shift.delete").exists()
    sibling = shift(
        VolunteerFactory(unit=cast.district_b), beijing(2026, 3, 2, 0), beijing(2026, 3, 2, 8)
    )
    with pytest.raises(PermissionDenied):
        services.shift_delete(actor=cast.district_manager, shift=sibling)


# --- coverage and duty ----------------------------------------------------------------------


def test_coverage_gaps_are_the_parts_of_the_day_nobody_of_a_profession_covers(cast):
    doctor_1 = VolunteerFactory(unit=cast.district_a, profession="doctor")
    doctor_2 = VolunteerFactory(unit=cast.district_a, profession="doctor")
    lawyer = VolunteerFactory(unit=cast.township_a1, profession="lawyer")
    shift(doctor_1, beijing(2026, 3, 1, 20), beijing(2026, 3, 2, 8))  # starts the day before
    shift(doctor_2, beijing(2026, 3, 2, 7), beijing(2026, 3, 2, 15))  # overlaps the first
    shift(doctor_2, beijing(2026, 3, 2, 18), beijing(2026, 3, 3, 2))  # runs into the next day
    shift(lawyer, beijing(2026, 3, 2, 0), beijing(2026, 3, 3, 0))
    sibling = VolunteerFactory(unit=cast.district_b, profession="doctor")
    shift(sibling, beijing(2026, 3, 2, 15), beijing(2026, 3, 2, 18))  # must not fill A's gap

    gaps = rota.coverage_gaps(cast.district_manager, cast.district_a, date(2026, 3, 2))

    assert gaps["doctor"] == [(beijing(2026, 3, 2, 15), beijing(2026, 3, 2, 18))]
    assert gaps["lawyer"] == []
    assert gaps["psychologist"] == [(beijing(2026, 3, 2, 0), beijing(2026, 3, 3, 0))]


def test_on_duty_lists_active_volunteers_with_a_running_shift(cast):
    at = beijing(2026, 3, 2, 12)
    doctor = VolunteerFactory(unit=cast.district_a, profession="doctor")
    lawyer = VolunteerFactory(unit=cast.district_a, profession="lawyer")
    off = VolunteerFactory(unit=cast.district_a, profession="doctor")
    retired = VolunteerFactory(unit=cast.district_a, profession="doctor", is_active=False)
    shift(doctor, beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 16))
    shift(lawyer, beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 16))
    shift(off, beijing(2026, 3, 2, 16), beijing(2026, 3, 2, 23))
    shift(retired, beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 16))
    assert set(services.on_duty(cast.district_manager, at)) == {doctor, lawyer}
    assert list(services.on_duty(cast.district_manager, at, "doctor")) == [doctor]


# --- routing --------------------------------------------------------------------------------


def test_suggestions_rank_on_duty_then_language_then_fewest_open_cases(cast):
    at = beijing(2026, 3, 2, 12)
    requester = PersonFactory(unit=cast.district_a, languages="Italiano, English")  # 2nd generation
    case = CaseFactory(unit=cast.township_a1, category="medicine", requester=requester)
    busy_italian = volunteer_with_grant(cast.district_a, languages="Italian, 中文", name="忙医生")
    free_chinese = volunteer_with_grant(cast.district_a, languages="中文", name="闲医生")
    free_italian = volunteer_with_grant(cast.district_a, languages="意大利语", name="意语医生")
    off_duty = volunteer_with_grant(cast.district_a, languages="Italiano", name="下班医生")
    lawyer = volunteer_with_grant(cast.district_a, profession="lawyer", name="律师")
    for volunteer in (busy_italian, free_chinese, free_italian, lawyer):
        shift(volunteer, beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 20))
    shift(off_duty, beijing(2026, 3, 2, 20), beijing(2026, 3, 3, 4))
    for _n in range(2):
        CaseFactory(unit=cast.district_a, assignee=busy_italian.user, status=Status.ASSIGNED)
    CaseFactory(unit=cast.district_a, assignee=free_italian.user, status=Status.RESOLVED)

    suggestions = services.suggest_assignees(cast.district_manager, case, at)

    names = [s.volunteer for s in suggestions]
    # On duty and speaking Italian, fewest open cases first; then the on-duty doctor without
    # Italian (language outweighs workload); the off-duty doctor last; never the lawyer.
    assert names == [free_italian, busy_italian, free_chinese, off_duty]
    top = suggestions[0]
    assert top.on_duty and top.profession_match and top.language_match and top.open_cases == 0
    assert "On duty until 20:00" in top.reasons
    assert "2 open cases" in suggestions[1].reasons
    assert "Not on duty now" in suggestions[-1].reasons


def test_suggestions_leave_out_volunteers_who_cannot_see_the_case_or_are_out_of_scope(cast):
    at = beijing(2026, 3, 2, 12)
    case = CaseFactory(unit=cast.district_a, category="legal")
    below = volunteer_with_grant(cast.township_a1, profession="lawyer", name="街道律师")
    sibling = volunteer_with_grant(cast.district_b, profession="lawyer", name="乙区律师")
    for volunteer in (below, sibling):
        shift(volunteer, beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 20))
    # The township lawyer's grant does not cover a district case; the sibling is not visible.
    assert services.suggest_assignees(cast.district_manager, case, at) == []


def test_a_category_without_a_profession_offers_anyone_on_duty(cast):
    at = beijing(2026, 3, 2, 12)
    case = CaseFactory(unit=cast.district_a, category="policy")
    cadre = volunteer_with_grant(cast.district_a, profession="cadre", name="干部")
    shift(cadre, beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 20))
    [only] = services.suggest_assignees(cast.district_manager, case, at)
    assert only.volunteer == cadre and only.language_match is None


def test_language_codes_understand_chinese_and_english_names():
    assert services.language_codes("中文, Italiano") == {"zh", "it"}
    assert services.language_codes("Mandarin/意大利语、English") == {"zh", "it", "en"}


# --- hours served ---------------------------------------------------------------------------


def test_hours_served_counts_shifts_calls_outside_shifts_and_resolved_cases(cast):
    volunteer = VolunteerFactory(unit=cast.district_a)
    start, end = beijing(2026, 3, 1), beijing(2026, 4, 1)
    shift(volunteer, beijing(2026, 2, 28, 20), beijing(2026, 3, 1, 4))  # 4 h inside March
    shift(volunteer, beijing(2026, 3, 10, 8), beijing(2026, 3, 10, 16))  # 8 h
    shift(volunteer, beijing(2026, 4, 1, 0), beijing(2026, 4, 1, 8))  # April: not counted
    Call.objects.create(  # during a shift: already counted in the shift's hours
        unit=cast.district_a,
        number="1",
        started_at=beijing(2026, 3, 10, 9),
        duration_seconds=1800,
        taken_by=volunteer.user,
    )
    Call.objects.create(  # off shift: 30 minutes counted
        unit=cast.district_a,
        number="1",
        started_at=beijing(2026, 3, 12, 21),
        duration_seconds=1800,
        taken_by=volunteer.user,
    )
    CaseFactory(
        unit=cast.district_a,
        assignee=volunteer.user,
        status=Status.RESOLVED,
        resolved_at=beijing(2026, 3, 20, 10),
    )
    CaseFactory(  # resolved in February: not this month
        unit=cast.district_a,
        assignee=volunteer.user,
        status=Status.RESOLVED,
        resolved_at=beijing(2026, 2, 20, 10),
    )
    hours = services.hours_served(volunteer, start, end)
    assert hours.shift_hours == 12.0
    assert hours.call_hours == 0.5
    assert hours.resolved_cases == 1 and hours.case_hours == 0.5
    assert hours.total == 13.0


def test_month_bounds_are_beijing_midnights():
    start, end = services.month_bounds(date(2026, 12, 15))
    assert (start, end) == (beijing(2026, 12, 1), beijing(2027, 1, 1))
    assert end - start == timedelta(days=31)
