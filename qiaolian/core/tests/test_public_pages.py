"""Anonymous public pages: only published records, a 404 for anything else (even when a
subclass forgets the rule), GET only, and cache headers that never share a logged-in page."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from qiaolian.core.models import Unit
from qiaolian.core.views.public import is_published, published

pytestmark = pytest.mark.urls("qiaolian.core.tests.public_urls")


@pytest.fixture(autouse=True)
def templates(settings, tmp_path):
    folder = tmp_path / "public_test"
    folder.mkdir()
    (folder / "page.html").write_text("<h1>{{ object.name }}</h1>", encoding="utf-8")
    (folder / "list.html").write_text(
        "{% for unit in objects %}<li>{{ unit.name }}</li>{% endfor %}", encoding="utf-8"
    )
    engines = copy.deepcopy(settings.TEMPLATES)
    engines[0]["DIRS"] = [*engines[0].get("DIRS", []), tmp_path]
    settings.TEMPLATES = engines


def test_a_published_record_is_shown_to_anyone_with_public_cache_headers(cast):
    response = Client().get(f"/public-test/units/{cast.district_a.public_id}/")
    assert response.status_code == 200
    assert cast.district_a.name in response.content.decode()
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]


def test_a_logged_in_reader_gets_a_page_no_shared_cache_keeps(cast):
    client = Client()
    client.force_login(cast.district_manager)
    response = client.get(f"/public-test/units/{cast.district_a.public_id}/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_an_unpublished_record_is_a_404(cast):
    # The city is not "published" under this rule: it does not exist for the public.
    assert Client().get(f"/public-test/units/{cast.city.public_id}/").status_code == 404
    nobody = "/public-test/units/00000000-0000-0000-0000-000000000000/"
    assert Client().get(nobody).status_code == 404


def test_a_model_may_opt_in_by_an_is_published_value(cast):
    assert Client().get(f"/public-test/flagged/{cast.district_b.public_id}/").status_code == 200
    assert Client().get(f"/public-test/flagged/{cast.city.public_id}/").status_code == 404


def test_a_view_that_forgets_the_rule_still_refuses_an_unpublished_record(cast):
    assert Client().get(f"/public-test/forgetful/{cast.district_a.public_id}/").status_code == 200
    assert Client().get(f"/public-test/forgetful/{cast.city.public_id}/").status_code == 404


def test_a_model_that_never_said_what_published_means_is_refused(cast):
    with pytest.raises(ImproperlyConfigured, match="no published"):
        Client(raise_request_exception=True).get(
            f"/public-test/not-opted-in/{cast.city.public_id}/"
        )
    with pytest.raises(ImproperlyConfigured):
        published(Unit.objects.all())


def test_the_list_shows_only_published_records(cast):
    page = Client().get("/public-test/units/").content.decode()
    assert cast.district_a.name in page and cast.district_b.name in page
    assert cast.city.name not in page


def test_only_get_and_head_are_answered(cast):
    url = f"/public-test/units/{cast.district_a.public_id}/"
    assert Client().post(url).status_code == 405
    assert Client().head(url).status_code == 200


def test_is_published_reads_the_flag_or_the_queryset_rule(cast):
    from qiaolian.core.tests.public_urls import DistrictsArePublished, flagged_units

    assert is_published(flagged_units().get(pk=cast.district_a.pk))
    assert not is_published(flagged_units().get(pk=cast.city.pk))
    assert is_published(cast.district_a, DistrictsArePublished(model=Unit))
    assert not is_published(cast.city, DistrictsArePublished(model=Unit))
