"""The requester's private proof page and its files: no login, the token is the authorisation
(hash and expiry checked on every request), and nothing else of the case leaks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.models import PrivateLink
from qiaolian.hotline.services import tomb as services
from qiaolian.hotline.tests.factories import CaseFactory, TombOrderFactory
from qiaolian.hotline.tests.support_tomb import png_bytes, upload


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # uploaded records go to the private storage
    return tmp_path


@pytest.fixture
def shared(cast, media):
    case = CaseFactory(
        unit=cast.district_a,
        category="tomb_sweeping",
        contact_name="陈秘密",
        contact_phone="+39 333 765 4321",
        subject="为父亲代为祭扫",
    )
    order = TombOrderFactory(case=case, rites="献花、鞠躬", performer=cast.township_worker)
    cast.township_worker.display_name = "李志愿"
    cast.township_worker.save()
    services.order_fulfil(
        actor=cast.district_manager, order=order, files=[upload("grave.png", png_bytes())]
    )
    token = services.share_create(actor=cast.district_manager, order=order)
    order.refresh_from_db()
    return order, token


def test_the_link_shows_the_order_and_its_photo_without_login(shared):
    order, token = shared
    response = Client().get(reverse("hotline:tomb_shared", args=[token]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "宁波福泉山公墓" in page and "献花、鞠躬" in page and "李志愿" in page
    # Issue 9, point 13: the federation's own name, not a generic "侨联 · Overseas Chinese
    # Federation" (the order belongs to 甲区侨联, under 测试市侨联).
    assert '<span class="h2 align-middle" id="public-federation">测试市侨联</span>' in page
    assert "Overseas Chinese Federation" not in page
    proof = order.proofs.get()
    file_url = reverse("hotline:tomb_shared_file", args=[token, proof.public_id])
    assert file_url in page
    # No other data of the case: not the requester's name or phone, nor the case number.
    for secret in ("陈秘密", "765 4321", order.case.number, "为父亲代为祭扫", "township_worker"):
        assert secret not in page
    assert response["Referrer-Policy"] == "same-origin"
    # The media address of the file is never shown: files go through the token check.
    assert proof.file.name not in page


def test_the_photo_is_served_through_the_token_with_its_sniffed_type(shared):
    order, token = shared
    proof = order.proofs.get()
    response = Client().get(reverse("hotline:tomb_shared_file", args=[token, proof.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()


def test_a_wrong_token_is_a_404(shared):
    order, _token = shared
    proof = order.proofs.get()
    client = Client()
    assert client.get(reverse("hotline:tomb_shared", args=["wrong-token"])).status_code == 404
    url = reverse("hotline:tomb_shared_file", args=["wrong-token", proof.public_id])
    assert client.get(url).status_code == 404


def test_an_expired_link_is_refused_with_a_bilingual_410_for_page_and_files(shared):
    order, token = shared
    PrivateLink.objects.filter(pk=order.share_link_id).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = Client()
    response = client.get(reverse("hotline:tomb_shared", args=[token]))
    assert response.status_code == 410
    page = response.content.decode()
    assert "链接已过期" in page and "This link has expired" in page
    assert "宁波福泉山公墓" not in page
    proof = order.proofs.get()
    file_url = reverse("hotline:tomb_shared_file", args=[token, proof.public_id])
    assert client.get(file_url).status_code == 410


def test_a_revoked_link_is_a_404(cast, shared):
    order, token = shared
    services.share_revoke(actor=cast.district_manager, order=order)
    assert Client().get(reverse("hotline:tomb_shared", args=[token])).status_code == 404


def test_a_token_does_not_open_another_orders_file(cast, shared, media):
    _order, token = shared
    other = TombOrderFactory(case=CaseFactory(unit=cast.district_a, category="tomb_sweeping"))
    [proof] = services.order_fulfil(
        actor=cast.district_manager, order=other, files=[upload("x.png", png_bytes())]
    )
    url = reverse("hotline:tomb_shared_file", args=[token, proof.public_id])
    assert Client().get(url).status_code == 404
