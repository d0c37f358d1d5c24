"""The bell and the notifications page: each user sees, opens and marks read their own
notifications only; opening one goes through the target page's own scoping. Also the system
figures page (administrators only) and the API tokens of a user left without grants."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.core.models import ApiToken, Notification, UnitRole
from qiaolian.core.services import api_token_create, notification_send

pytestmark = pytest.mark.django_db

REAL_SEND = notification_send  # before the fixture below wraps it
KIND = "people.import_finished"  # any declared kind will do


def client_for(user, language="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _committed(django_capture_on_commit_callbacks, monkeypatch):
    """Notifications are written once the write commits; here, as soon as they are sent."""
    from qiaolian.core import services

    real = services.notification_send

    def send_and_commit(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return real(**kwargs)

    monkeypatch.setattr(services, "notification_send", send_and_commit)
    globals()["notification_send"] = send_and_commit
    yield
    globals()["notification_send"] = real


def ring(user, file="名册.xlsx", url="", actor=None):
    notification_send(
        recipients=[user], kind=KIND, params={"file": file, "outcome": "committed"}, url=url,
        actor=actor,
    )  # fmt: skip
    return Notification.objects.filter(recipient=user).latest("id")


def test_it_sends_once_per_recipient_and_never_to_the_actor(cast):
    notification_send(
        recipients=[cast.district_clerk, cast.district_clerk, cast.district_manager, None],
        kind=KIND,
        params={"file": "a.xlsx", "outcome": "committed"},
        actor=cast.district_manager,
    )
    assert Notification.objects.filter(recipient=cast.district_clerk).count() == 1
    assert not Notification.objects.filter(recipient=cast.district_manager).exists()


def test_it_sends_nothing_when_the_write_rolls_back(cast, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        REAL_SEND(recipients=[cast.district_clerk], kind=KIND, params={})
        raise RuntimeError
    assert callbacks == []
    assert not Notification.objects.exists()


def test_it_refuses_an_undeclared_kind(cast):
    with pytest.raises(ValueError):
        notification_send(recipients=[cast.district_clerk], kind="nobody.declared")


def test_a_status_in_the_params_reads_as_its_label_never_the_code(cast):
    note = ring(cast.district_clerk)
    page = client_for(cast.district_clerk).get(reverse("core:notification_list"))
    body = page.content.decode()
    assert "导入文件“名册.xlsx”已处理完毕：" in body
    assert "committed" not in body
    with translation.override("en"):
        assert note.text.startswith("The import “名册.xlsx” is finished: ")
        assert "committed" not in note.text


def test_the_bell_counts_my_unread_notifications_only(cast):
    ring(cast.district_clerk)
    ring(cast.district_clerk)
    ring(cast.sibling_manager)
    first = Notification.objects.filter(recipient=cast.district_clerk).first()
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    page = client_for(cast.district_clerk).get(reverse("core:dashboard"))
    assert page.context["unread_notifications"] == 1
    assert 'id="notification-count">1<' in page.content.decode()


def test_the_page_lists_my_notifications_and_not_another_users(cast):
    ring(cast.district_clerk, file="我的名册.xlsx")
    ring(cast.sibling_manager, file="乙区名册.xlsx")
    body = client_for(cast.district_clerk).get(reverse("core:notification_list")).content
    assert "我的名册.xlsx" in body.decode()
    assert "乙区名册.xlsx" not in body.decode()
    unread = client_for(cast.district_clerk).get(reverse("core:notification_list") + "?show=unread")
    assert "我的名册.xlsx" in unread.content.decode()


def test_opening_marks_read_and_goes_to_the_record_which_checks_scoping_again(cast):
    sibling_unit = reverse("core:unit_detail", args=[cast.district_b.public_id])
    note = ring(cast.district_clerk, url=sibling_unit)
    client = client_for(cast.district_clerk)
    response = client.post(reverse("core:notification_open", args=[note.public_id]))
    assert response.status_code == 302 and response["Location"] == sibling_unit
    note.refresh_from_db()
    assert note.read_at is not None
    # The link does not widen anything: the sibling unit's page is still a 404 for this user.
    assert client.get(sibling_unit).status_code == 404


def test_an_off_site_link_is_not_followed(cast):
    note = ring(cast.district_clerk, url="https://evil.example/")
    response = client_for(cast.district_clerk).post(
        reverse("core:notification_open", args=[note.public_id])
    )
    assert response["Location"] == reverse("core:notification_list")


def test_another_users_notification_cannot_be_opened(cast):
    note = ring(cast.sibling_manager)
    response = client_for(cast.district_clerk).post(
        reverse("core:notification_open", args=[note.public_id])
    )
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_mine(cast):
    ring(cast.district_clerk)
    ring(cast.district_clerk)
    other = ring(cast.sibling_manager)
    client_for(cast.district_clerk).post(reverse("core:notification_read_all"))
    assert not Notification.objects.filter(recipient=cast.district_clerk, read_at=None).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_system_counters_moved_to_a_page_for_administrators(cast):
    dashboard = client_for(cast.district_manager).get(reverse("core:dashboard")).content.decode()
    assert 'id="figure-units"' not in dashboard
    assert 'id="my-work"' in dashboard
    system = client_for(cast.district_manager).get(reverse("core:system"))
    assert system.status_code == 200
    assert 'id="figure-units"' in system.content.decode()
    assert client_for(cast.district_clerk).get(reverse("core:system")).status_code == 403
    assert client_for(cast.volunteer).get(reverse("core:system")).status_code == 403


def test_a_user_whose_grants_were_all_revoked_can_still_revoke_their_token(cast):
    token, _secret = api_token_create(actor=cast.district_clerk, name="脚本")
    UnitRole.objects.filter(user=cast.district_clerk).delete()
    client = client_for(cast.district_clerk)
    listing = client.get(reverse("core:token_list"))
    assert listing.status_code == 200
    assert "脚本" in listing.content.decode()
    assert reverse("core:token_create") not in listing.content.decode()  # nothing to reach
    response = client.post(reverse("core:token_revoke", args=[token.public_id]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Still only their own: another user's token is a 404.
    other, _ = api_token_create(actor=cast.sibling_manager, name="乙区")
    assert client.post(reverse("core:token_revoke", args=[other.public_id])).status_code == 404
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None
