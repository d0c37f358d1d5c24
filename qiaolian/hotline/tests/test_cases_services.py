"""Case services: numbering, opening, optimistic edits, the status flow, assignment, transfer,
comments, watchers, attachments and the confidential notes."""

from __future__ import annotations

import io
import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.scoping import Action
from qiaolian.core.versioning import EditConflict
from qiaolian.hotline.models import (
    Case,
    CaseCounter,
    CaseEvent,
    ConfidentialNote,
    EventKind,
    Status,
)
from qiaolian.hotline.services import cases as services
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # uploaded records go to the private storage
    return tmp_path


def _open(cast, actor=None, unit=None, **kwargs):
    data = {"category": "policy", "subject": "咨询回国落户", "contact_name": "王先生"}
    data.update(kwargs)
    return services.case_open(
        actor=actor or cast.district_manager, unit=unit or cast.district_a, **data
    )


def _audits(action, case):
    return AuditEvent.objects.filter(action=action, object_id=str(case.public_id))


# --- numbering ------------------------------------------------------------------------------


def test_it_issues_consecutive_numbers_of_the_year(cast):
    at = datetime(2026, 3, 1, 10, tzinfo=SHANGHAI)
    first = _open(cast, opened_at=at)
    second = _open(cast, opened_at=at)
    assert first.number == "RX-2026-000001"
    assert second.number == "RX-2026-000002"
    assert CaseCounter.objects.get(year=2026).last == 2


def test_it_starts_each_year_at_one_by_local_time(cast):
    # 23:30 on New Year's Eve in Ningbo is still 2025 there, though 2025-12-31 15:30 UTC.
    eve = datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI)
    new_year = datetime(2026, 1, 1, 0, 10, tzinfo=SHANGHAI)
    assert _open(cast, opened_at=eve).number == "RX-2025-000001"
    assert _open(cast, opened_at=new_year).number == "RX-2026-000001"
    assert _open(cast, opened_at=eve).number == "RX-2025-000002"


def test_it_never_issues_a_number_twice_in_a_long_run(cast):
    numbers = [services.next_number() for _ in range(50)]
    assert len(set(numbers)) == 50
    assert numbers == sorted(numbers)


def test_a_failed_opening_does_not_consume_a_number(cast):
    with pytest.raises(ValidationError):
        _open(cast, subject="长" * 300)  # refused by full_clean, after the number was drawn
    # The counter was bumped inside the failed transaction and rolled back with it.
    case = _open(cast)
    assert case.number.endswith("-000001")


# --- opening ---------------------------------------------------------------------------------


def test_it_opens_a_case_with_its_timeline_and_audit_row(cast):
    case = _open(cast, contact_phone="+39 333 123 4567")
    assert case.status == Status.NEW
    assert case.contact_phone_e164 == "+393331234567"
    assert case.requester_time_zone == "Europe/Rome"  # from the caller's number
    event = CaseEvent.objects.get(case=case)
    assert event.kind == EventKind.CREATED and event.actor == cast.district_manager
    assert _audits("case.create", case).count() == 1


def test_it_opens_an_assigned_case_when_an_assignee_is_given(cast):
    case = _open(cast, assignee=cast.township_worker, unit=cast.township_a1)
    assert case.status == Status.ASSIGNED
    assert list(case.events.values_list("kind", flat=True)) == [EventKind.CREATED, EventKind.ASSIGN]


def test_it_refuses_to_open_a_case_in_a_sibling_unit(cast):
    with pytest.raises(PermissionDenied):
        _open(cast, unit=cast.district_b)
    assert not Case.objects.exists()


def test_it_refuses_a_case_without_requester_or_contact(cast):
    with pytest.raises(ValidationError) as exc:
        _open(cast, contact_name="")
    assert "requester" in exc.value.message_dict


def test_it_refuses_a_requester_outside_the_actors_scope(cast):
    stranger = PersonFactory(unit=cast.district_b)
    with pytest.raises(PermissionDenied):
        _open(cast, requester=stranger)


def test_it_takes_the_requesters_time_zone_from_the_register(cast):
    person = PersonFactory(unit=cast.district_a, time_zone="America/New_York")
    case = _open(cast, requester=person, contact_name="")
    assert case.requester_time_zone == "America/New_York"


# --- edits and conflicts ---------------------------------------------------------------------


def test_it_edits_and_records_what_changed(cast):
    case = _open(cast)
    saved = services.case_update(
        actor=cast.district_manager, case=case, expected_version=case.version, subject="新主题"
    )
    assert saved.subject == "新主题" and saved.version == case.version + 1
    assert _audits("case.update", case).get().changes == {"subject": ["咨询回国落户", "新主题"]}
    assert case.events.filter(kind=EventKind.EDIT).exists()


def test_a_save_on_an_older_version_is_refused_naming_the_field_and_the_other_actor(cast):
    case = _open(cast, unit=cast.township_a1)
    opened_version = case.version
    services.case_update(
        actor=cast.township_worker,
        case=case,
        expected_version=opened_version,
        description="已回电说明。",
    )
    with pytest.raises(EditConflict) as exc:
        services.case_update(
            actor=cast.district_manager,
            case=case,
            expected_version=opened_version,
            subject="我的主题",
        )
    message = exc.value.messages[0]
    assert "description" in message and "township_worker" in message
    assert exc.value.changed["description"][1] == "已回电说明。"
    # Nothing of the refused save was written.
    case.refresh_from_db()
    assert case.subject == "咨询回国落户"
    assert _audits("case.update", case).count() == 1


def test_a_status_change_since_counts_as_a_conflict_too(cast):
    case = _open(cast, assignee=cast.township_worker, unit=cast.township_a1)
    services.case_change_status(actor=cast.township_worker, case=case, status=Status.IN_PROGRESS)
    with pytest.raises(EditConflict) as exc:
        services.case_update(
            actor=cast.district_manager, case=case, expected_version=case.version, subject="x"
        )
    assert "status" in exc.value.changed


def test_a_clerk_cannot_edit(cast):
    case = _open(cast)
    with pytest.raises(PermissionDenied):
        services.case_update(actor=cast.district_clerk, case=case, subject="x")


# --- status flow -----------------------------------------------------------------------------

ALLOWED = {
    ("new", "assigned"),
    ("assigned", "in_progress"),
    ("in_progress", "waiting"),
    ("in_progress", "resolved"),
    ("waiting", "in_progress"),
    ("waiting", "resolved"),
    ("resolved", "closed"),
    ("resolved", "in_progress"),  # reopen
    ("closed", "in_progress"),  # reopen
}
PAIRS = [(a, b) for a, b in itertools.permutations(Status.values, 2)]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_the_status_flow_allows_exactly_the_documented_transitions(cast, old, new):
    case = CaseFactory(unit=cast.district_a, status=old, assignee=cast.township_worker)
    if (old, new) in ALLOWED:
        services.case_change_status(
            actor=cast.district_manager, case=case, status=new, note="已答复来电人"
        )
        case.refresh_from_db()
        assert case.status == new
        event = case.events.get(kind=EventKind.STATUS)
        assert (event.data["from"], event.data["to"]) == (old, new)
    else:
        with pytest.raises(ValidationError) as exc:
            services.case_change_status(
                actor=cast.district_manager, case=case, status=new, note="已答复来电人"
            )
        # The refusal says what the case can become instead.
        assert "cannot become" in exc.value.messages[0]
        case.refresh_from_db()
        assert case.status == old


def test_resolving_needs_the_closing_note_and_puts_it_on_the_timeline(cast):
    # Issue 9, point 12: resolving was one click, with no closing note (办结意见).
    case = CaseFactory(unit=cast.district_a, status=Status.IN_PROGRESS)
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            services.case_change_status(
                actor=cast.district_manager, case=case, status=Status.RESOLVED, note=blank
            )
        assert "note" in exc.value.message_dict
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.resolved_at is None
    services.case_change_status(
        actor=cast.district_manager, case=case, status=Status.RESOLVED, note="已协调落实入学。"
    )
    event = case.events.get(kind=EventKind.STATUS)
    assert (event.data["to"], event.text) == (Status.RESOLVED, "已协调落实入学。")


def test_reopening_clears_the_resolution(cast):
    case = CaseFactory(unit=cast.district_a, status=Status.WAITING, assignee=cast.volunteer)
    services.case_change_status(
        actor=cast.district_manager, case=case, status=Status.RESOLVED, note="已答复来电人"
    )
    case.refresh_from_db()
    assert case.resolved_at is not None
    services.case_change_status(
        actor=cast.district_manager, case=case, status=Status.IN_PROGRESS, note="家属再次来电"
    )
    case.refresh_from_db()
    assert case.resolved_at is None and case.status == Status.IN_PROGRESS
    assert _audits("case.status", case).count() == 2


def test_resolving_sends_the_survey_after_commit(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    from qiaolian.hotline.services import surveys

    sent = []
    monkeypatch.setattr(surveys, "survey_send", lambda case: sent.append(case.pk))
    case = CaseFactory(unit=cast.district_a, status=Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_change_status(
            actor=cast.district_manager, case=case, status=Status.RESOLVED, note="已答复来电人"
        )
        assert sent == []  # not before the commit
    assert sent == [case.pk]


def test_assigned_needs_an_assignee(cast):
    case = CaseFactory(unit=cast.district_a, status=Status.NEW)
    with pytest.raises(ValidationError):
        services.case_change_status(actor=cast.district_manager, case=case, status=Status.ASSIGNED)


# --- assignment --------------------------------------------------------------------------------


def test_it_assigns_to_a_volunteer_of_the_unit_and_moves_a_new_case_on(cast):
    case = _open(cast)
    services.case_assign(actor=cast.district_manager, case=case, assignee=cast.volunteer)
    case.refresh_from_db()
    assert case.assignee == cast.volunteer and case.status == Status.ASSIGNED
    assert _audits("case.assign", case).get().changes["assignee"] == [None, "volunteer"]


def test_it_refuses_an_assignee_who_cannot_see_the_unit(cast):
    case = _open(cast)
    for outsider in (cast.sibling_manager, cast.nobody):
        with pytest.raises(ValidationError) as exc:
            services.case_assign(actor=cast.district_manager, case=case, assignee=outsider)
        assert "assignee" in exc.value.message_dict
    case.refresh_from_db()
    assert case.assignee is None and case.status == Status.NEW


def test_it_refuses_a_portal_user_as_assignee_or_watcher(cast):
    # Issue 10, finding 9: a portal user of the case's unit was taken as an assignee.
    case = _open(cast)
    with pytest.raises(ValidationError) as exc:
        services.case_assign(actor=cast.district_manager, case=case, assignee=cast.portal_user)
    assert "assignee" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.case_watcher_add(actor=cast.district_manager, case=case, user=cast.portal_user)
    case.refresh_from_db()
    assert case.assignee is None and not case.watchers.exists()
    assert cast.portal_user not in services_eligible(case)


def test_a_volunteer_watches_only_the_case_assigned_to_them(cast):
    case = _open(cast, category="medicine")
    with pytest.raises(ValidationError):  # they would not see it
        services.case_watcher_add(actor=cast.district_manager, case=case, user=cast.volunteer)
    services.case_assign(actor=cast.district_manager, case=case, assignee=cast.volunteer)
    services.case_watcher_add(actor=cast.district_manager, case=case, user=cast.volunteer)
    assert list(case.watchers.all()) == [cast.volunteer]


def services_eligible(case):
    from qiaolian.hotline.selectors.cases import eligible_users

    return list(eligible_users(case.unit))


def test_bulk_assign_is_all_or_nothing(cast):
    mine = _open(cast, unit=cast.township_a1)
    other = _open(cast)  # district A: the township worker cannot see it
    with pytest.raises(ValidationError):
        services.case_bulk_assign(
            actor=cast.district_manager, cases=[mine, other], assignee=cast.township_worker
        )
    mine.refresh_from_db()
    assert mine.assignee is None
    assert (
        services.case_bulk_assign(
            actor=cast.district_manager, cases=[mine], assignee=cast.township_worker
        )
        == 1
    )


# --- volunteers --------------------------------------------------------------------------------


def test_a_volunteer_sees_and_answers_only_the_cases_assigned_to_them(cast):
    theirs = _open(cast, assignee=cast.volunteer, category="medicine")
    other = _open(cast, category="medicine")
    assert list(Case.objects.restrict(cast.volunteer, Action.VIEW)) == [theirs]
    services.case_comment(
        actor=cast.volunteer, case=theirs, text="建议就近就医。", to_requester=True
    )
    with pytest.raises(PermissionDenied):
        services.case_comment(actor=cast.volunteer, case=other, text="x")
    with pytest.raises(PermissionDenied):
        services.case_change_status(actor=cast.volunteer, case=other, status=Status.IN_PROGRESS)


def test_a_volunteer_answers_their_case_but_does_not_hand_it_out(cast):
    case = _open(cast, assignee=cast.volunteer, category="medicine")
    services.case_change_status(actor=cast.volunteer, case=case, status=Status.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=cast.volunteer, case=case, assignee=cast.district_manager)
    with pytest.raises(PermissionDenied):
        services.case_transfer(actor=cast.volunteer, case=case, unit=cast.township_a1, reason="x")
    case.refresh_from_db()
    assert case.assignee == cast.volunteer and case.unit == cast.district_a


# --- comments and replies ----------------------------------------------------------------------


def test_a_reply_is_the_first_response_and_a_comment_stays_internal(cast):
    case = _open(cast)
    note = services.case_comment(actor=cast.district_manager, case=case, text="内部：需核实户籍。")
    assert note.internal and note.kind == EventKind.COMMENT
    case.refresh_from_db()
    assert case.first_response_at is None
    reply = services.case_comment(
        actor=cast.district_manager, case=case, text="您好，已收到。", to_requester=True
    )
    assert not reply.internal and reply.kind == EventKind.REPLY
    case.refresh_from_db()
    assert case.first_response_at == reply.at
    assert _audits("case.reply", case).count() == 1


def test_an_empty_comment_is_refused(cast):
    case = _open(cast)
    with pytest.raises(ValidationError):
        services.case_comment(actor=cast.district_manager, case=case, text="   ")


# --- transfer and watchers ---------------------------------------------------------------------


def test_a_transfer_keeps_the_history_and_clears_an_assignee_who_cannot_follow(cast):
    case = _open(cast, assignee=cast.volunteer)
    services.case_comment(actor=cast.district_manager, case=case, text="转户籍地处理")
    services.case_transfer(
        actor=cast.city_admin, case=case, unit=cast.district_b, reason="户籍在乙区"
    )
    case.refresh_from_db()
    assert case.unit == cast.district_b
    assert case.assignee is None and case.status == Status.NEW
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.ASSIGN, EventKind.COMMENT, EventKind.TRANSFER]
    assert _audits("case.transfer", case).get().message == "户籍在乙区"
    # The sibling's manager now sees the case and its whole timeline.
    assert Case.objects.restrict(cast.sibling_manager, Action.VIEW).filter(pk=case.pk).exists()


def test_a_transfer_out_of_the_actors_reach_is_refused(cast):
    case = _open(cast)
    with pytest.raises(PermissionDenied):
        services.case_transfer(
            actor=cast.district_manager, case=case, unit=cast.district_b, reason="x"
        )
    with pytest.raises(ValidationError):
        services.case_transfer(
            actor=cast.district_manager, case=case, unit=cast.township_a1, reason=""
        )
    case.refresh_from_db()
    assert case.unit == cast.district_a


def test_a_transfer_down_the_tree_keeps_an_assignee_who_still_sees_it(cast):
    case = _open(cast, assignee=cast.volunteer)
    services.case_transfer(
        actor=cast.district_manager, case=case, unit=cast.township_a1, reason="街道跟进"
    )
    case.refresh_from_db()
    assert case.assignee == cast.volunteer and case.status == Status.ASSIGNED


def test_watchers_are_added_and_removed(cast):
    case = _open(cast)
    services.case_watcher_add(actor=cast.district_manager, case=case, user=cast.district_clerk)
    assert list(case.watchers.all()) == [cast.district_clerk]
    with pytest.raises(ValidationError):
        services.case_watcher_add(actor=cast.district_manager, case=case, user=cast.sibling_manager)
    services.case_watcher_remove(actor=cast.district_manager, case=case, user=cast.district_clerk)
    assert not case.watchers.exists()


def test_the_quick_contact_is_linked_to_a_person_later(cast):
    case = _open(cast)
    person = PersonFactory(unit=cast.district_a, time_zone="Europe/Madrid")
    services.case_link_requester(
        actor=cast.district_manager, case=case, person=person, expected_version=case.version
    )
    case.refresh_from_db()
    assert case.requester == person and case.contact_name == "王先生"
    assert case.requester_time_zone == "Europe/Madrid"
    with pytest.raises(PermissionDenied):
        services.case_link_requester(
            actor=cast.district_manager, case=case, person=PersonFactory(unit=cast.district_b)
        )


# --- attachments ---------------------------------------------------------------------------------


def test_it_attaches_a_file_recognised_by_its_content(cast, media):
    case = _open(cast)
    upload = SimpleUploadedFile("scan.bin", PNG, content_type="application/octet-stream")
    attachment = services.attachment_add(actor=cast.district_manager, case=case, upload=upload)
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)
    assert case.events.filter(kind=EventKind.ATTACHMENT).exists()


def test_it_refuses_a_file_whose_content_is_not_allowed_whatever_its_name(cast, media):
    case = _open(cast)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable", "application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(actor=cast.district_manager, case=case, upload=fake)
    assert "Allowed" in exc.value.message_dict["file"][0]
    assert not case.attachments.exists()


def test_it_refuses_a_file_over_ten_megabytes(cast, media):
    case = _open(cast)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (10 * 1024 * 1024), "image/png")
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(actor=cast.district_manager, case=case, upload=big)
    assert "10 MB" in exc.value.message_dict["file"][0]


def test_it_recognises_a_word_document(cast, media):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    upload = SimpleUploadedFile("letter.docx", buffer.getvalue())
    attachment = services.attachment_add(
        actor=cast.district_manager, case=_open(cast), upload=upload
    )
    assert attachment.content_type.endswith("wordprocessingml.document")


# --- confidential notes ------------------------------------------------------------------------


def test_the_assignee_writes_and_reads_a_confidential_note_and_each_read_is_audited(cast):
    case = _open(cast, category="medicine", assignee=cast.volunteer)
    services.note_add(actor=cast.volunteer, case=case, text="既往史：高血压。")
    stored = ConfidentialNote.objects.get(case=case)
    assert stored.text == "既往史：高血压。"
    notes = services.note_read(actor=cast.volunteer, case=case)
    assert [n.text for n in notes] == ["既往史：高血压。"]
    services.note_read(actor=cast.district_manager, case=case)  # an admin of the unit
    reads = AuditEvent.objects.filter(action="case.note_read", object_id=str(case.public_id))
    assert sorted(reads.values_list("actor__username", flat=True)) == [
        "district_manager",
        "volunteer",
    ]
    # The timeline says a note was written, never what it says.
    assert case.events.get(kind=EventKind.NOTE).text == ""


@pytest.mark.parametrize("who", ["district_clerk", "township_worker", "sibling_manager"])
def test_confidential_notes_are_refused_to_others(cast, who):
    case = _open(cast, category="legal", assignee=cast.volunteer)
    services.note_add(actor=cast.volunteer, case=case, text="对方律师函。")
    with pytest.raises(PermissionDenied):
        services.note_read(actor=getattr(cast, who), case=case)
    with pytest.raises(PermissionDenied):
        services.note_add(actor=getattr(cast, who), case=case, text="x")
    assert not AuditEvent.objects.filter(action="case.note_read").exists()


def test_confidential_notes_exist_only_on_medical_legal_and_psychology_cases(cast):
    case = _open(cast, category="policy")
    with pytest.raises(ValidationError):
        services.note_add(actor=cast.district_manager, case=case, text="x")
