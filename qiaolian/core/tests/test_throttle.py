"""The request budget of the pages opened by private link (no login)."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.urls import reverse

from qiaolian.hotline.services import surveys
from qiaolian.hotline.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(settings):
    settings.PUBLIC_LINK_RATE = 3
    cache.clear()
    caches["shared"].clear()
    yield
    cache.clear()
    caches["shared"].clear()


def test_an_address_over_budget_gets_a_bilingual_429_and_others_are_served(cast, client, budget):
    case = CaseFactory(unit=cast.district_a, status="resolved")
    token = surveys.survey_send(case)
    url = reverse("hotline:survey_answer", args=[token])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    text = refused.content.decode()
    assert "访问过于频繁" in text and "Too many requests" in text
    # The budget is per address and shared by every private-link page.
    proof = reverse("hotline:tomb_shared", args=["x" * 43])
    assert client.get(proof).status_code == 429
    assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 200


def test_a_budget_of_zero_switches_the_limit_off(cast, client, settings):
    settings.PUBLIC_LINK_RATE = 0
    url = reverse("hotline:tomb_shared", args=["y" * 43])
    assert {client.get(url).status_code for _ in range(5)} == {404}


def test_the_budget_is_shared_by_every_web_process(cast, client, budget):
    # Issue 10, finding 10: without Redis the count lived in each process's memory, so N
    # processes allowed N times the budget. It lives in Redis or in a database table now.
    backend = django_settings.CACHES["shared"]["BACKEND"]
    assert backend.endswith(("db.DatabaseCache", "redis.RedisCache"))
    url = reverse("hotline:tomb_shared", args=["z" * 43])
    local_memory = django_settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    for _ in range(3):
        client.get(url)
        if local_memory:
            cache.clear()  # another process: its own (empty) memory, the same shared count
    assert client.get(url).status_code == 429
