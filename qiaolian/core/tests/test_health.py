"""/healthz tells a load balancer whether this process can serve: database, cache, queue."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from qiaolian.core.tasks import echo
from qiaolian.core.testing import workers

HEALTHZ = reverse("healthz")


def break_queue():
    """Make the selected task backend's store fail the way an outage would."""
    if workers.uses_rq():
        from redis.exceptions import ConnectionError as RedisConnectionError

        return mock.patch("redis.Redis.ping", side_effect=RedisConnectionError("refused"))
    return mock.patch(
        "django_tasks_db.models.DBTaskResultQuerySet.ready",
        side_effect=OperationalError("no such table"),
    )


@pytest.mark.django_db
def test_it_reports_every_part_ok_without_a_login(client, settings, task_queue):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["cache"] == {"ok": True}
    assert body["queue"]["ok"] is True
    assert body["queue"]["backend"] == settings.TASKS_BACKEND
    assert body["queue"]["pending"] == 0


@pytest.mark.django_db
def test_it_counts_the_tasks_waiting_for_a_worker(client, task_queue):
    # A growing backlog is the first sign that the workers are down.
    echo.enqueue("waiting")
    echo.enqueue("waiting")
    assert client.get(HEALTHZ).json()["queue"]["pending"] == 2


@pytest.mark.django_db
def test_it_answers_503_naming_the_database_when_the_database_is_down(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed")):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    # The other parts are still checked and reported on their own.
    assert body["cache"] == {"ok": True}


@pytest.mark.django_db
def test_it_answers_503_naming_the_cache_when_the_cache_is_down(client):
    with mock.patch("qiaolian.core.views.system.cache.set", side_effect=ConnectionError):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_it_answers_503_naming_the_queue_when_the_queue_is_down(client):
    with break_queue():
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    body = response.json()
    assert body["queue"]["ok"] is False
    assert body["queue"]["error"] in {"ConnectionError", "OperationalError"}
    assert body["database"]["ok"] is True
