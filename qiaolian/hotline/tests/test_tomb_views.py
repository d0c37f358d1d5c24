"""Tomb-sweeping pages: the list with its season filter and export, creating an order with its
case, fulfilment by upload, the share link shown once, and the case page's panel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.hotline.models import Case, TombStatus, TombSweepingOrder
from qiaolian.hotline.services import tomb as services
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory, TombOrderFactory
from qiaolian.hotline.tests.support_tomb import ZIP, png_bytes, upload

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # uploaded records go to the private storage
    return tmp_path


def _order(cast, unit=None, **kwargs):
    case = CaseFactory(unit=unit or cast.district_a, category="tomb_sweeping")
    return TombOrderFactory(case=case, **kwargs)


def test_the_list_filters_by_season_and_status_and_shows_the_season_counts(client, cast):
    _order(cast, cemetery="清明公墓", service_date=date(2026, 4, 4))
    _order(cast, cemetery="冬至公墓", service_date=date(2026, 12, 21), kind="cloud")
    _order(cast, cemetery="夏天公墓", service_date=date(2026, 7, 1))
    client.force_login(cast.district_manager)
    url = reverse("hotline:tomb_list")
    page = client.get(url, {"season": "qingming", "year": 2026}, **EN).content.decode()
    assert "清明公墓" in page and "冬至公墓" not in page and "夏天公墓" not in page
    assert 'id="season-qingming">1<' in page and 'id="season-dongzhi">1<' in page
    fragment = client.get(url, {"kind": "cloud"}, headers={"HX-Request": "true"}).content.decode()
    assert "冬至公墓" in fragment and "清明公墓" not in fragment and "<html" not in fragment
    done = client.get(url, {"status": TombStatus.DONE}).content.decode()
    assert "清明公墓" not in done


def test_the_export_lists_the_orders_in_csv(client, cast):
    _order(cast, cemetery="导出公墓")
    client.force_login(cast.district_manager)
    response = client.get(reverse("hotline:tomb_list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "导出公墓" in body


def test_the_read_only_clerk_cannot_export(client, cast):
    client.force_login(cast.district_clerk)
    assert client.get(reverse("hotline:tomb_list"), {"export": "csv"}).status_code == 403


def test_a_new_order_opens_its_case_in_one_form(client, cast):
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:tomb_create"),
        {
            "unit": cast.district_a.pk,
            "subject": "清明代为祭扫",
            "channel": "wechat",
            "contact_name": "陈女士",
            "kind": "proxy",
            "cemetery": "宁波福泉山公墓",
            "grave_location": "松园三区",
            "service_date": "2026-04-04",
        },
    )
    order = TombSweepingOrder.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{order.public_id}/")
    assert order.case.category == "tomb_sweeping" and order.case.channel == "wechat"


def test_the_new_order_form_offers_only_the_users_units(client, cast):
    client.force_login(cast.district_manager)
    page = client.get(reverse("hotline:tomb_create")).content.decode()
    assert "District A" in page or "甲区侨联" in page
    assert "乙区侨联" not in page and "District B" not in page


def test_an_order_for_an_existing_case_from_its_panel(client, cast):
    case = CaseFactory(unit=cast.district_a, category="tomb_sweeping")
    client.force_login(cast.district_manager)
    panel = client.get(reverse("hotline:case_detail", args=[case.public_id])).content.decode()
    create_url = reverse("hotline:tomb_create_for_case", args=[case.public_id])
    assert create_url in panel
    response = client.post(
        create_url,
        {
            "kind": "cloud",
            "cemetery": "云上公墓",
            "grave_location": "线上",
            "service_date": "2026-04-05",
        },
    )
    assert response.status_code == 302
    assert case.tomb_order.cemetery == "云上公墓"
    panel = client.get(reverse("hotline:case_detail", args=[case.public_id])).content.decode()
    assert reverse("hotline:tomb_detail", args=[case.tomb_order.public_id]) in panel


def test_fulfil_by_upload_then_share_shows_the_link_once(client, cast, media):
    order = _order(cast)
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:tomb_fulfil", args=[order.public_id]),
        {"proof": [upload("grave.png", png_bytes())]},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == TombStatus.DONE and order.proofs.count() == 1
    detail = reverse("hotline:tomb_detail", args=[order.public_id])
    client.post(reverse("hotline:tomb_share", args=[order.public_id]), {"days": "10"})
    first = client.get(detail).content.decode()
    assert 'id="tomb-link"' in first and "/hotline/s/" in first
    # Shown once: the token is not stored, so the next visit cannot show it.
    second = client.get(detail).content.decode()
    assert 'id="tomb-link"' not in second and "/hotline/s/" not in second
    order.refresh_from_db()
    left = order.share_expires_at - timezone.now()
    assert order.share_token_hash and timedelta(days=9) < left <= timedelta(days=10)


def test_a_disguised_upload_is_refused_with_a_form_error(client, cast, media):
    order = _order(cast)
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("hotline:tomb_fulfil", args=[order.public_id]),
        {"proof": [upload("grave.jpg", ZIP)]},
        **EN,
    )
    assert response.status_code == 400
    assert "is not a JPEG, PNG or WebP photo" in response.content.decode()
    order.refresh_from_db()
    assert order.status == TombStatus.REQUESTED


def test_staff_see_proof_files_through_scoping(client, cast, media):
    order = _order(cast)
    [proof] = services.order_fulfil(
        actor=cast.district_manager, order=order, files=[upload("a.png", png_bytes())]
    )
    client.force_login(cast.district_manager)
    response = client.get(reverse("hotline:tomb_proof_file", args=[proof.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(cast.sibling_manager)
    assert client.get(reverse("hotline:tomb_proof_file", args=[proof.public_id])).status_code == 404


def test_schedule_cancel_and_revoke_through_the_pages(client, cast, media):
    order = _order(cast)
    client.force_login(cast.district_manager)
    client.post(
        reverse("hotline:tomb_schedule", args=[order.public_id]),
        {"performer": cast.township_worker.public_id, "service_date": "2026-04-03"},
    )
    order.refresh_from_db()
    assert order.status == TombStatus.SCHEDULED and order.performer == cast.township_worker
    other = _order(cast)
    client.post(reverse("hotline:tomb_cancel", args=[other.public_id]), {"reason": "家属取消"})
    other.refresh_from_db()
    assert other.status == TombStatus.CANCELLED
    services.order_fulfil(
        actor=cast.district_manager, order=order, files=[upload("a.png", png_bytes())]
    )
    services.share_create(actor=cast.district_manager, order=order)
    client.post(reverse("hotline:tomb_share_revoke", args=[order.public_id]))
    order.refresh_from_db()
    assert order.share_token_hash == ""


def test_the_volunteer_sees_only_orders_they_perform(client, cast):
    mine = _order(cast, cemetery="志愿者的公墓", performer=cast.volunteer)
    _order(cast, cemetery="别人的公墓")
    client.force_login(cast.volunteer)
    page = client.get(reverse("hotline:tomb_list")).content.decode()
    assert "志愿者的公墓" in page and "别人的公墓" not in page
    assert client.get(reverse("hotline:tomb_detail", args=[mine.public_id])).status_code == 200
    assert Case.objects.restrict(cast.volunteer).count() == 0  # the case itself stays hidden


def test_the_edit_form_carries_its_version_and_a_stale_save_is_refused(client, cast):
    order = TombOrderFactory(case=CaseFactory(unit=cast.district_a, category="tomb_sweeping"))
    url = reverse("hotline:tomb_edit", args=[order.public_id])
    client.force_login(cast.district_manager)
    form = client.get(url).content.decode()
    assert f'name="version" value="{order.version}"' in form
    services.order_update(actor=cast.district_manager, order=order, cemetery="镇海公墓")
    data = {
        "kind": order.kind,
        "cemetery": "奉化公墓",
        "grave_location": order.grave_location,
        "service_date": order.service_date.isoformat(),
        "version": order.version,
    }
    response = client.post(url, data)
    assert response.status_code == 400  # the form comes back with the message, as typed
    assert "奉化公墓" in response.content.decode()
    assert "此记录已被他人保存（改动字段：墓园）" in response.content.decode()
    order.refresh_from_db()
    assert order.cemetery == "镇海公墓"


# --- issue 9, point 13 ------------------------------------------------------------------------


def test_a_new_order_is_linked_to_a_person_of_the_register(client, cast):
    person = PersonFactory(unit=cast.district_a, surname="陈", given_name="登记")
    client.force_login(cast.district_manager)
    page = client.get(reverse("hotline:tomb_create")).content.decode()
    assert f'data-remote="{reverse("network:person_options")}"' in page
    client.post(
        reverse("hotline:tomb_create"),
        {
            "unit": cast.district_a.pk,
            "subject": "清明代为祭扫",
            "channel": "wechat",
            "requester": person.public_id,
            "kind": "proxy",
            "cemetery": "宁波福泉山公墓",
            "grave_location": "松园三区",
            "service_date": "2026-04-04",
        },
    )
    assert TombSweepingOrder.objects.get().case.requester == person
    # A person of the sibling district cannot be picked.
    other = PersonFactory(unit=cast.district_b)
    response = client.post(
        reverse("hotline:tomb_create"),
        {
            "unit": cast.district_a.pk,
            "subject": "x",
            "channel": "call",
            "requester": other.public_id,
            "kind": "proxy",
            "cemetery": "c",
            "grave_location": "g",
            "service_date": "2026-04-04",
        },
    )
    assert response.status_code == 400 and TombSweepingOrder.objects.count() == 1


def test_an_order_from_a_quick_contact_is_linked_to_a_person_afterwards(client, cast):
    order = _order(cast)
    person = PersonFactory(unit=cast.district_a)
    client.force_login(cast.district_manager)
    detail = reverse("hotline:tomb_detail", args=[order.public_id])
    assert 'id="tomb-link-requester"' in client.get(detail).content.decode()
    url = reverse("hotline:tomb_link_requester", args=[order.public_id])
    response = client.post(url, {"person": person.public_id})
    assert response["Location"] == detail
    order.case.refresh_from_db()
    assert order.case.requester == person
    assert 'id="tomb-link-requester"' not in client.get(detail).content.decode()
    client.force_login(cast.sibling_manager)
    assert client.post(url, {"person": person.public_id}).status_code == 404


def test_the_performer_picker_searches_remotely_within_scope(client, cast):
    order = _order(cast)
    client.force_login(cast.district_manager)
    page = client.get(reverse("hotline:tomb_schedule", args=[order.public_id])).content.decode()
    options_url = reverse("hotline:performer_options")
    assert f'data-tom-remote="{options_url}"' in page
    assert "township_worker" not in page  # no flat list of every account
    results = client.get(options_url, {"q": "town"}).json()["results"]
    assert [r["value"] for r in results] == [str(cast.township_worker.public_id)]
    assert client.get(options_url, {"q": "sibling"}).json()["results"] == []
    client.force_login(cast.nobody)
    assert client.get(options_url).status_code == 403


def test_the_proof_page_warns_before_the_planned_date_and_asks_for_a_reason(client, cast, media):
    later = timezone.localdate() + timedelta(days=30)
    order = _order(cast, service_date=later)
    client.force_login(cast.district_manager)
    detail = client.get(reverse("hotline:tomb_detail", args=[order.public_id]), **EN)
    assert later.isoformat() in detail.content.decode()
    url = reverse("hotline:tomb_fulfil", args=[order.public_id])
    page = client.get(url, **EN).content.decode()
    assert 'id="tomb-early"' in page and 'name="early_reason"' in page
    response = client.post(url, {"proof": upload("a.png", png_bytes(), "image/png")}, **EN)
    assert response.status_code == 400
    assert "give the reason" in response.content.decode()
    order.refresh_from_db()
    assert order.status != TombStatus.DONE
    client.post(
        url,
        {"proof": upload("a.png", png_bytes(), "image/png"), "early_reason": "家属改期"},
    )
    order.refresh_from_db()
    assert order.status == TombStatus.DONE
