"""Private links: the token is shown once and only its digest kept; a link expires, can be
revoked, counts its uses, and every resolve spends the address's public-request budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from qiaolian.core import private_links as links
from qiaolian.core.crypto import secret_digest
from qiaolian.core.models import AuditEvent, PrivateLink
from qiaolian.hotline.services import tomb as tomb_services
from qiaolian.hotline.tests.factories import CaseFactory, TombOrderFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DAY = timedelta(days=1)


@pytest.fixture
def budget(settings):
    settings.PUBLIC_LINK_RATE = 3
    cache.clear()
    yield
    cache.clear()


def _link(cast, target=None, *, purpose="tests.page", expires_in=DAY):
    target = target or cast.district_a
    return links.private_link_create(
        actor=cast.district_manager,
        target=target,
        purpose=purpose,
        expires_in=expires_in,
        unit=cast.district_a,
    )


def test_it_returns_the_token_once_and_stores_only_its_digest(cast):
    link, token = _link(cast)
    assert len(token) >= 40
    assert link.digest == secret_digest(token) and token not in link.digest
    assert link.unit == cast.district_a and link.target == cast.district_a
    assert timedelta(hours=23, minutes=59) < link.expires_at - timezone.now() <= DAY
    assert AuditEvent.objects.filter(action="private_link.create").count() == 1


def test_resolving_opens_the_target_and_counts_the_use(cast):
    link, token = _link(cast)
    found = links.private_link_resolve(token, "tests.page")
    assert found == link and found.target == cast.district_a
    links.private_link_resolve(token, "tests.page")
    link.refresh_from_db()
    assert link.use_count == 2 and link.last_used_at is not None


def test_a_token_opens_only_its_own_purpose(cast):
    _unused, token = _link(cast)
    with pytest.raises(links.LinkNotFound):
        links.private_link_resolve(token, "tests.other")
    for wrong in ("", "x" * 43, "x" * 500):
        with pytest.raises(links.LinkNotFound):
            links.private_link_resolve(wrong, "tests.page")


def test_an_expired_link_is_gone_and_can_be_extended(cast):
    link, token = _link(cast, expires_in=timedelta(days=2))
    later = timezone.now() + timedelta(days=3)
    with pytest.raises(links.LinkExpired) as caught:
        links.private_link_resolve(token, "tests.page", now=later)
    assert isinstance(caught.value, links.LinkGone) and caught.value.link == link
    links.private_link_extend(actor=cast.district_manager, link=link, expires_in=timedelta(days=9))
    assert links.private_link_resolve(token, "tests.page", now=later) == link


def test_a_revoked_link_is_gone_and_not_counted(cast):
    link, token = _link(cast)
    links.private_link_revoke(actor=cast.district_manager, link=link)
    with pytest.raises(links.LinkRevoked):
        links.private_link_resolve(token, "tests.page")
    link.refresh_from_db()
    assert link.use_count == 0 and link.revoked_at is not None
    assert links.active_link_for(cast.district_a, "tests.page") is None


def test_a_new_link_replaces_the_live_one(cast):
    _first, first_token = _link(cast)
    second, second_token = _link(cast)
    with pytest.raises(links.LinkRevoked):
        links.private_link_resolve(first_token, "tests.page")
    assert links.private_link_resolve(second_token, "tests.page") == second
    assert links.active_link_for(cast.district_a, "tests.page") == second


def test_only_staff_who_may_change_the_unit_make_or_end_links(cast):
    with pytest.raises(PermissionDenied):
        links.private_link_create(
            actor=cast.sibling_manager,
            target=cast.district_a,
            purpose="tests.page",
            expires_in=DAY,
            unit=cast.district_a,
        )
    link, _token = _link(cast)
    with pytest.raises(PermissionDenied):
        links.private_link_revoke(actor=cast.sibling_manager, link=link)
    with pytest.raises(PermissionDenied):
        links.private_link_extend(actor=cast.district_clerk, link=link, expires_in=DAY)


def test_staff_see_links_of_their_units_only(cast):
    link, _token = _link(cast)
    assert PrivateLink.objects.restrict(cast.district_manager).filter(pk=link.pk).exists()
    assert not PrivateLink.objects.restrict(cast.sibling_manager).filter(pk=link.pk).exists()


def test_the_rate_limit_triggers_per_address(cast, budget):
    _unused, token = _link(cast)
    factory = RequestFactory()
    for _ in range(3):
        links.private_link_resolve(token, "tests.page", request=factory.get("/"))
    with pytest.raises(links.LinkRateLimited):
        links.private_link_resolve(token, "tests.page", request=factory.get("/"))
    # Wrong guesses spend the budget too: that is what the budget is for.
    with pytest.raises(links.LinkRateLimited):
        links.private_link_resolve("guess", "tests.page", request=factory.get("/"))
    other = factory.get("/", REMOTE_ADDR="203.0.113.7")
    assert links.private_link_resolve(token, "tests.page", request=other)


def test_a_request_the_page_already_counted_is_not_counted_twice(cast, budget):
    _unused, token = _link(cast)
    request = RequestFactory().get("/")
    request.public_rate_counted = True  # what PublicRateLimitMixin sets
    for _ in range(5):
        links.private_link_resolve(token, "tests.page", request=request)


# --- the tomb-sweeping proof page, ported onto the kit -----------------------------------------


@pytest.fixture
def shared_order(cast, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    order = TombOrderFactory(case=CaseFactory(unit=cast.district_a, category="tomb_sweeping"))
    tomb_services.order_fulfil(
        actor=cast.district_manager, order=order, files=[SimpleUploadedFile("grave.png", PNG)]
    )
    token = tomb_services.share_create(actor=cast.district_manager, order=order)
    order.refresh_from_db()
    return order, token


def test_the_tomb_link_is_a_private_link_counted_by_page_not_by_file(shared_order):
    order, token = shared_order
    link = order.share_link
    assert link.purpose == tomb_services.LINK_PURPOSE and link.target == order
    client = Client()
    assert client.get(reverse("hotline:tomb_shared", args=[token])).status_code == 200
    proof = order.proofs.get()
    file_url = reverse("hotline:tomb_shared_file", args=[token, proof.public_id])
    response = client.get(file_url)
    assert response.status_code == 200
    # Read the file through: the test client then closes the response itself (a direct
    # close() fires request_finished, which closes the test's PostgreSQL connection).
    b"".join(response.streaming_content)
    link.refresh_from_db()
    assert link.use_count == 1 and link.last_used_at is not None


def test_an_expired_tomb_link_is_410_and_a_revoked_one_404(cast, shared_order):
    order, token = shared_order
    url = reverse("hotline:tomb_shared", args=[token])
    PrivateLink.objects.filter(pk=order.share_link_id).update(expires_at=timezone.now())
    assert Client().get(url).status_code == 410
    tomb_services.share_extend(actor=cast.district_manager, order=order, days=3)
    assert Client().get(url).status_code == 200
    tomb_services.share_revoke(actor=cast.district_manager, order=order)
    assert Client().get(url).status_code == 404


def test_cancelling_the_order_revokes_its_link(cast):
    order = TombOrderFactory(case=CaseFactory(unit=cast.district_a, category="tomb_sweeping"))
    link, token = links.private_link_create(
        actor=cast.district_manager,
        target=order,
        purpose=tomb_services.LINK_PURPOSE,
        expires_in=DAY,
    )
    type(order).objects.filter(pk=order.pk).update(share_link=link)
    order.refresh_from_db()
    tomb_services.order_cancel(actor=cast.district_manager, order=order, reason="家属取消")
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert tomb_services.order_for_token(token) is None


def test_the_tomb_pages_answer_429_over_budget(shared_order, budget):
    _order, token = shared_order
    client = Client()
    url = reverse("hotline:tomb_shared", args=[token])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(url).status_code == 429


# --- links sent before the kit keep working ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_tomb_links_already_sent_working():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("hotline", "0004_attachments_in_private_storage"), ("core", "0004_private_links")]
    executor = MigrationExecutor(connection)
    # Forward to the latest schema again: the service reads today's models, and the tests
    # after this one need every table and column.
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    unit = old.get_model("core", "Unit").objects.create(
        path="0009", depth=1, code="990000", name="旧区侨联", kind="district"
    )
    case = old.get_model("hotline", "Case").objects.create(
        unit=unit, number="T-OLD-1", subject="代为祭扫", category="tomb_sweeping"
    )
    token = "old-token-sent-by-wechat-before-the-kit-existed"
    order = old.get_model("hotline", "TombSweepingOrder").objects.create(
        unit=unit,
        case=case,
        cemetery="老公墓",
        grave_location="A-1",
        service_date=timezone.localdate(),
        status="done",
        share_token_hash=secret_digest(token),
        share_expires_at=timezone.now() + DAY,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    found = tomb_services.order_for_token(token)
    assert found is not None and found.pk == order.pk
