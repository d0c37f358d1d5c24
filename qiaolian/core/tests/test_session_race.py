"""Overlapping requests from one session (issue 10, finding 11): every request may save the
session (SessionLimitsMiddleware's last_seen, the unit switch, a message), and two saves of one
session can cross. None of them may log the user out."""

import threading
import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.db import connection
from django.test import Client
from django.urls import reverse

from qiaolian.core.sessions import SessionStore
from qiaolian.core.testing.cast import Cast

REQUESTS = 20


@pytest.mark.django_db
def test_two_crossing_saves_keep_both_changes():
    # The interleaving that lost a change: both copies loaded, one saves, the other (stale)
    # saves after it.
    first = SessionStore()
    first.update({"_auth_user_id": "7", "last_seen": 1})
    first.create()
    switcher = SessionStore(first.session_key)
    refresher = SessionStore(first.session_key)
    switcher._session_cache = switcher.load()
    refresher._session_cache = refresher.load()

    switcher["active_unit"] = "u-1"
    switcher.save()
    refresher["last_seen"] = 2
    refresher.pop("missing", None)
    refresher.save()

    stored = SessionStore(first.session_key).load()
    assert stored == {"_auth_user_id": "7", "last_seen": 2, "active_unit": "u-1"}


@pytest.mark.django_db
def test_a_stale_save_does_not_bring_back_a_deleted_session():
    first = SessionStore()
    first["_auth_user_id"] = "7"
    first.create()
    stale = SessionStore(first.session_key)
    stale._session_cache = stale.load()
    SessionStore(first.session_key).delete()  # logout or deactivation elsewhere

    stale["last_seen"] = 2
    with pytest.raises(UpdateError):
        stale.save()
    assert not SessionStore().exists(first.session_key)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks whole tables across threads",
)
@pytest.mark.django_db(transaction=True)
def test_twenty_overlapping_requests_of_one_session_leave_it_logged_in():
    # Committed data (transaction=True): each thread's client opens its own connection.
    cast = Cast.build()
    user = cast.district_manager
    first = Client()
    first.force_login(user)
    cookie = first.cookies[settings.SESSION_COOKIE_NAME].value
    # last_seen two minutes old: every request of the burst writes it again.
    session = SessionStore(session_key=cookie)
    session["last_seen"] = int(time.time()) - 120
    session.save()

    pages = [reverse("core:dashboard"), reverse("core:notification_list")]
    unit = str(cast.district_a.public_id)
    start = threading.Barrier(REQUESTS)
    answers: list[int | str] = [0] * REQUESTS

    def fire(i: int) -> None:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        start.wait()
        try:
            if i % 5 == 0:  # changes the session itself
                response = client.post(reverse("core:switch_unit"), {"unit": unit})
            elif i % 5 == 1:  # the language switch (a cookie, and a redirect)
                response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
            else:
                response = client.get(pages[i % 2])
            answers[i] = response.status_code
        except Exception as error:
            answers[i] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # No request was sent to the login page, and none failed.
    assert all(answer in (200, 302) for answer in answers), answers
    after = Client()
    after.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = after.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    stored = SessionStore(session_key=cookie).load()
    assert stored["_auth_user_id"] == str(user.pk)
    assert stored["active_unit"] == unit
    assert stored["last_seen"] >= int(time.time()) - 60
