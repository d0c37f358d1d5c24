"""Tomb-sweeping services: orders, scheduling, cancelling, fulfilment with proof checked by its
bytes, the private share link (hashed, expiring, revocable) and the seasonal counts."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.versioning import EditConflict
from qiaolian.hotline.models import CaseEvent, EventKind, TombKind, TombProof, TombStatus
from qiaolian.hotline.services import tomb as services
from qiaolian.hotline.tests.factories import CaseFactory, TombOrderFactory
from qiaolian.hotline.tests.support_tomb import HTML, JPEG, MP4, WEBP, ZIP, png_bytes, upload

ORDER = {
    "kind": TombKind.PROXY,
    "cemetery": "宁波福泉山公墓",
    "grave_location": "松园三区12排8号",
    "service_date": date(2026, 4, 4),
    "rites": "献花、擦拭墓碑",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # uploaded records go to the private storage
    return tmp_path


def _case(cast, unit=None, **kwargs):
    return CaseFactory(unit=unit or cast.district_a, category="tomb_sweeping", **kwargs)


def _done(cast, media, **kwargs):
    order = TombOrderFactory(case=_case(cast), **kwargs)
    services.order_fulfil(
        actor=cast.district_manager, order=order, files=[upload("a.png", png_bytes())]
    )
    order.refresh_from_db()
    return order


# --- orders ---------------------------------------------------------------------------------


def test_it_creates_an_order_for_a_tomb_sweeping_case_with_audit_and_timeline(cast):
    case = _case(cast)
    order = services.order_create(actor=cast.district_manager, case=case, **ORDER)
    assert order.unit == cast.district_a and order.status == TombStatus.REQUESTED
    assert AuditEvent.objects.filter(action="tomb.create", object_id=str(order.public_id)).exists()
    # The case's timeline says what happened, with the cemetery.
    event = CaseEvent.objects.get(case=case, kind=EventKind.EDIT)
    assert "宁波福泉山公墓" in event.text and event.actor == cast.district_manager


def test_it_opens_a_case_and_its_order_in_one_step(cast):
    order = services.order_open(
        actor=cast.district_manager,
        unit=cast.township_a1,
        subject="清明代为祭扫",
        contact_name="陈女士",
        contact_phone="+39 333 765 4321",
        **ORDER,
    )
    assert order.case.category == "tomb_sweeping"
    assert order.case.number.startswith("RX-") and order.unit == cast.township_a1


def test_it_leaves_no_case_behind_when_the_order_is_invalid(cast):
    from qiaolian.hotline.models import Case

    with pytest.raises(ValidationError):
        services.order_open(
            actor=cast.district_manager,
            unit=cast.district_a,
            subject="清明代为祭扫",
            contact_name="陈女士",
            **{**ORDER, "cemetery": ""},
        )
    # Nothing half-written: the case opened first was rolled back with the order.
    assert not Case.objects.filter(subject="清明代为祭扫").exists()


def test_it_refuses_an_order_on_a_case_of_another_category(cast):
    case = CaseFactory(unit=cast.district_a, category="policy")
    with pytest.raises(ValidationError, match="proxy tomb-sweeping"):
        services.order_create(actor=cast.district_manager, case=case, **ORDER)


def test_it_refuses_a_second_order_for_the_same_case(cast):
    order = TombOrderFactory(case=_case(cast))
    with pytest.raises(ValidationError, match="already has"):
        services.order_create(actor=cast.district_manager, case=order.case, **ORDER)


def test_it_refuses_an_order_in_a_sibling_unit(cast):
    with pytest.raises(PermissionDenied):
        services.order_create(
            actor=cast.district_manager, case=_case(cast, cast.district_b), **ORDER
        )


def test_it_edits_an_order_and_records_the_changes(cast):
    order = TombOrderFactory(case=_case(cast))
    services.order_update(actor=cast.district_manager, order=order, cemetery="镇海公墓", **{})
    order.refresh_from_db()
    assert order.cemetery == "镇海公墓"
    audit = AuditEvent.objects.get(action="tomb.update", object_id=str(order.public_id))
    assert audit.changes["cemetery"] == ["宁波福泉山公墓", "镇海公墓"]


def test_a_stale_edit_is_refused_naming_what_differs_and_nothing_changes(cast):
    order = TombOrderFactory(case=_case(cast))
    opened = order.version
    # Someone schedules it for another day while the edit form is open.
    services.order_schedule(
        actor=cast.district_manager,
        order=order,
        performer=cast.township_worker,
        service_date=date(2026, 4, 3),
    )
    with pytest.raises(EditConflict) as conflict:
        services.order_update(
            actor=cast.district_manager,
            order=order,
            expected_version=opened,
            cemetery="镇海公墓",
            service_date=order.service_date,
        )
    assert set(conflict.value.fields.values()) == {"cemetery", "service date"}
    order.refresh_from_db()
    assert (order.cemetery, order.service_date) == ("宁波福泉山公墓", date(2026, 4, 3))
    # With the current version the same edit goes through and moves the version on.
    services.order_update(
        actor=cast.district_manager,
        order=order,
        expected_version=order.version,
        cemetery="镇海公墓",
    )
    order.refresh_from_db()
    assert order.cemetery == "镇海公墓" and order.version == opened + 2


def test_it_schedules_with_a_performer_of_the_actors_units(cast):
    order = TombOrderFactory(case=_case(cast))
    services.order_schedule(
        actor=cast.district_manager,
        order=order,
        performer=cast.township_worker,
        service_date=date(2026, 4, 3),
    )
    order.refresh_from_db()
    assert order.status == TombStatus.SCHEDULED and order.performer == cast.township_worker
    assert order.service_date == date(2026, 4, 3)


def test_it_refuses_a_performer_from_a_sibling_unit(cast):
    order = TombOrderFactory(case=_case(cast))
    with pytest.raises(ValidationError) as caught:
        services.order_schedule(
            actor=cast.district_manager, order=order, performer=cast.sibling_manager
        )
    assert "performer" in caught.value.message_dict


def test_it_cancels_with_a_reason_and_not_once_done(cast, media):
    order = TombOrderFactory(case=_case(cast))
    with pytest.raises(ValidationError, match="reason"):
        services.order_cancel(actor=cast.district_manager, order=order, reason=" ")
    services.order_cancel(actor=cast.district_manager, order=order, reason="家属已回国自行祭扫")
    order.refresh_from_db()
    assert order.status == TombStatus.CANCELLED
    done = _done(cast, media)
    with pytest.raises(ValidationError, match="requested or scheduled"):
        services.order_cancel(actor=cast.district_manager, order=done, reason="x")


# --- fulfilment and proof files -------------------------------------------------------------


def test_it_fulfils_with_photos_and_a_video_stored_under_media_root(cast, media):
    order = TombOrderFactory(case=_case(cast))
    files = [
        upload("坟前.png", png_bytes()),
        upload("b.jpg", JPEG),
        upload("c.webp", WEBP),
        upload("d.mp4", MP4, "video/mp4"),
    ]
    proofs = services.order_fulfil(actor=cast.district_manager, order=order, files=files)
    order.refresh_from_db()
    assert order.status == TombStatus.DONE and order.fulfilled_at is not None
    types = [p.content_type for p in proofs]
    assert types == ["image/png", "image/jpeg", "image/webp", "video/mp4"]
    # Stored under MEDIA_ROOT with a random name: the uploaded name is for display only.
    for proof in proofs:
        assert (media / proof.file.name).is_file()
        assert "坟前" not in proof.file.name
    assert proofs[0].name == "坟前.png"
    assert CaseEvent.objects.filter(case=order.case, kind=EventKind.ATTACHMENT).exists()


@pytest.mark.parametrize("content", [ZIP, HTML], ids=["zip", "html"])
def test_it_refuses_a_jpg_that_is_really_something_else(cast, media, content):
    order = TombOrderFactory(case=_case(cast))
    good = upload("good.png", png_bytes())
    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP photo"):
        services.order_fulfil(
            actor=cast.district_manager, order=order, files=[good, upload("grave.jpg", content)]
        )
    # Nothing is kept when one file is bad, not even the good one.
    order.refresh_from_db()
    assert order.status == TombStatus.REQUESTED
    assert not TombProof.objects.exists()
    assert not any(media.rglob("*.*"))


def test_it_refuses_quicktime_and_empty_files(cast, media):
    order = TombOrderFactory(case=_case(cast))
    quicktime = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00" + b"\x00" * 32
    with pytest.raises(ValidationError) as caught:
        services.order_fulfil(
            actor=cast.district_manager,
            order=order,
            files=[upload("v.mp4", quicktime), upload("e.png", b"")],
        )
    messages = " ".join(caught.value.messages)
    assert "“v.mp4” is not" in messages and "“e.png” is empty" in messages


def test_it_refuses_photos_over_the_configured_size(cast, media, settings):
    settings.HOTLINE_PROOF_PHOTO_MAX_BYTES = 100
    order = TombOrderFactory(case=_case(cast))
    big = png_bytes(40, 40) + b"\x00" * 200
    with pytest.raises(ValidationError, match="a photo may be at most 100"):
        services.order_fulfil(
            actor=cast.district_manager, order=order, files=[upload("big.png", big)]
        )


def test_it_asks_for_at_least_one_file(cast, media):
    order = TombOrderFactory(case=_case(cast))
    with pytest.raises(ValidationError, match="at least one"):
        services.order_fulfil(actor=cast.district_manager, order=order, files=[])


def test_the_performer_volunteer_may_fulfil_but_not_schedule(cast, media):
    # The volunteer's grant is narrowed to what is assigned to them: naming them performer is
    # what lets them upload the proof; scheduling stays with staff.
    order = TombOrderFactory(case=_case(cast), performer=cast.volunteer, status="scheduled")
    volunteer = cast.fresh(cast.volunteer)
    services.order_fulfil(actor=volunteer, order=order, files=[upload("a.png", png_bytes())])
    with pytest.raises(PermissionDenied):
        services.order_schedule(actor=volunteer, order=order, performer=cast.volunteer)
    other = TombOrderFactory(case=_case(cast))
    with pytest.raises(PermissionDenied):
        services.order_fulfil(actor=volunteer, order=other, files=[upload("a.png", png_bytes())])


# --- the share link -------------------------------------------------------------------------


def test_it_stores_only_the_hash_of_the_share_token(cast, media):
    order = _done(cast, media)
    token = services.share_create(actor=cast.district_manager, order=order)
    order.refresh_from_db()
    assert len(token) >= 40
    assert order.share_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in order.share_token_hash
    # Default expiry is 30 days.
    left = order.share_expires_at - timezone.now()
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)
    assert services.order_for_token(token) == order


def test_it_refuses_a_link_before_the_service_is_done(cast):
    order = TombOrderFactory(case=_case(cast))
    with pytest.raises(ValidationError, match="once the service is done"):
        services.share_create(actor=cast.district_manager, order=order)


def test_an_expired_link_is_refused_and_can_be_extended(cast, media):
    order = _done(cast, media)
    token = services.share_create(actor=cast.district_manager, order=order, days=7)
    later = timezone.now() + timedelta(days=8)
    with pytest.raises(services.LinkExpired):
        services.order_for_token(token, now=later)
    services.share_extend(actor=cast.district_manager, order=order, days=60)
    assert services.order_for_token(token, now=later) == order


def test_a_new_link_replaces_the_old_one_and_revoking_ends_it(cast, media):
    order = _done(cast, media)
    first = services.share_create(actor=cast.district_manager, order=order)
    second = services.share_create(actor=cast.district_manager, order=order)
    assert services.order_for_token(first) is None
    assert services.order_for_token(second) == order
    services.share_revoke(actor=cast.district_manager, order=order)
    assert services.order_for_token(second) is None
    assert AuditEvent.objects.filter(action="tomb.share_revoke").count() == 1


def test_link_validity_is_bounded(cast, media):
    order = _done(cast, media)
    with pytest.raises(ValidationError):
        services.share_create(actor=cast.district_manager, order=order, days=0)
    with pytest.raises(ValidationError):
        services.share_create(actor=cast.district_manager, order=order, days=400)


def test_a_sibling_manager_cannot_share_a_district_a_order(cast, media):
    order = _done(cast, media)
    with pytest.raises(PermissionDenied):
        services.share_create(actor=cast.sibling_manager, order=order)


# --- seasons --------------------------------------------------------------------------------


def test_qingming_and_dongzhi_dates_come_from_the_solar_terms():
    assert services.solar_term(2026, "清明") == date(2026, 4, 5)
    assert services.solar_term(2024, "清明") == date(2024, 4, 4)
    assert services.solar_term(2026, "冬至") == date(2026, 12, 22)
    start, end = services.season_window(2026, "qingming")
    assert (start, end) == (date(2026, 3, 29), date(2026, 4, 12))
    assert (end - start).days + 1 == 15


def test_seasonal_counts_by_kind_within_scope(cast):
    def order(day, kind=TombKind.PROXY, unit=None, status=TombStatus.REQUESTED):
        return TombOrderFactory(case=_case(cast, unit), service_date=day, kind=kind, status=status)

    order(date(2026, 4, 5))
    order(date(2026, 3, 29), TombKind.CLOUD)
    order(date(2026, 4, 12), status=TombStatus.DONE)
    order(date(2026, 4, 13))  # the day after the season
    order(date(2026, 4, 6), status=TombStatus.CANCELLED)  # cancelled orders do not count
    order(date(2026, 4, 6), unit=cast.district_b)  # outside district A
    order(date(2026, 12, 20), TombKind.CLOUD)
    counts = services.seasonal_counts(cast.district_manager, 2026)
    assert counts["qingming"]["total"] == 3
    assert (counts["qingming"]["proxy"], counts["qingming"]["cloud"]) == (2, 1)
    assert counts["qingming"]["done"] == 1
    assert counts["dongzhi"]["total"] == 1 and counts["dongzhi"]["cloud"] == 1
    # The city sees the sibling district's order too.
    assert services.seasonal_counts(cast.city_admin, 2026)["qingming"]["total"] == 4


# --- done before the planned date (issue 9, point 13) ---------------------------------------


def test_an_order_planned_later_is_done_early_only_with_a_reason(cast, media):
    # An order for a date months away was completed with proof today, without a word.
    case = CaseFactory(unit=cast.district_a, category="tomb_sweeping")
    later = timezone.localdate() + timedelta(days=120)
    order = TombOrderFactory(case=case, service_date=later)
    with pytest.raises(ValidationError) as exc:
        services.order_fulfil(
            actor=cast.district_manager, order=order, files=[upload("a.jpg", JPEG)]
        )
    assert "early_reason" in exc.value.message_dict
    assert later.isoformat() in exc.value.message_dict["early_reason"][0]
    order.refresh_from_db()
    assert order.status != TombStatus.DONE and not order.proofs.exists()
    services.order_fulfil(
        actor=cast.district_manager,
        order=order,
        files=[upload("a.jpg", JPEG)],
        early_reason="家属把日期提前到了今天",
    )
    order.refresh_from_db()
    assert order.status == TombStatus.DONE
    fulfil = AuditEvent.objects.get(action="tomb.fulfil", object_id=str(order.public_id))
    assert "家属把日期提前到了今天" in fulfil.message
    assert "家属把日期提前到了今天" in case.events.order_by("-at", "-pk").first().text


def test_an_order_due_today_or_past_needs_no_reason(cast, media):
    for day in (timezone.localdate(), timezone.localdate() - timedelta(days=3)):
        case = CaseFactory(unit=cast.district_a, category="tomb_sweeping")
        order = TombOrderFactory(case=case, service_date=day)
        services.order_fulfil(
            actor=cast.district_manager, order=order, files=[upload("a.jpg", JPEG)]
        )
        order.refresh_from_db()
        assert order.status == TombStatus.DONE


def test_the_performer_search_finds_visible_accounts_by_name(cast):
    found = list(services.performers_for(actor=cast.district_manager, q="township"))
    assert found == [cast.township_worker]
    assert cast.sibling_manager not in services.performers_for(actor=cast.district_manager)
