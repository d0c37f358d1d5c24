"""The leak sweep: every URL of the project is either proven not to leak a sibling unit's
records or exempt with a written reason. A new URL without an entry fails here."""

import json

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from qiaolian.core.services import api_token_create
from qiaolian.core.testing.sweep import (
    Create,
    Detail,
    Exempt,
    Listing,
    Public,
    all_routes,
    collected_sweep,
)

SWEEP = collected_sweep()
ROUTES = all_routes()


def test_it_has_an_entry_for_every_url_pattern():
    missing = sorted({route.name for route in ROUTES} - set(SWEEP))
    assert not missing, f"URL patterns with no leak-sweep entry (add to tests/sweep.py): {missing}"


def test_it_names_no_url_that_does_not_exist():
    stale = sorted(set(SWEEP) - {route.name for route in ROUTES})
    assert not stale, f"Sweep entries for URLs that no longer exist: {stale}"


def test_every_exemption_gives_a_reason():
    for name, entry in SWEEP.items():
        if isinstance(entry, Exempt):
            assert len(entry.reason) > 15, f"{name}: write down why it is exempt"


def _client_for(user, api: bool):
    client = Client()
    if api:
        _token, secret = api_token_create(actor=user, name="sweep")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    else:
        client.force_login(user)
    return client


def _request(client, method: str, url: str, api: bool, payload: dict):
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(
            method, url, data=json.dumps(payload), content_type="application/json"
        )
    return client.generic(method, url, data="")


DETAILS = sorted(name for name, entry in SWEEP.items() if isinstance(entry, Detail))
LISTINGS = sorted(name for name, entry in SWEEP.items() if isinstance(entry, Listing))
PUBLICS = sorted(name for name, entry in SWEEP.items() if isinstance(entry, Public))
CREATES = sorted(name for name, entry in SWEEP.items() if isinstance(entry, Create))
REFUSED = {400, 403, 404, 422}


@pytest.mark.django_db
@pytest.mark.parametrize("name", DETAILS)
def test_it_answers_404_for_a_sibling_units_object(name, cast):
    entry = SWEEP[name]
    api = name.startswith("api:")
    url = reverse(name, kwargs=entry.make(cast))
    # district_manager holds every action in district A, and none in sibling district B.
    payload = entry.payload(cast) if entry.payload else {}
    client = _client_for(cast.district_manager, api)
    for method in entry.methods:
        response = _request(client, method, url, api, payload)
        assert response.status_code == 404, f"{method} {url} gave {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTINGS)
def test_it_lists_nothing_of_a_sibling_unit(name, cast):
    entry = SWEEP[name]
    api = name.startswith("api:")
    kwargs, marker = entry.make(cast)
    url = reverse(name, kwargs=kwargs)
    query = entry.query(marker) if entry.query else {}
    client = _client_for(cast.district_manager, api)
    # The marker is visible to the sibling's own manager: proves the check can fail.
    owner = _client_for(cast.sibling_manager, api)
    assert marker in _body(owner.get(url, query)), f"{url}: the sibling's own view lacks {marker!r}"
    pages = [client.get(url, query), client.get(url, query, headers={"HX-Request": "true"})]
    pages += [client.get(url, {**query, "export": fmt}) for fmt in entry.exports]
    for response in pages:
        assert response.status_code == 200, f"{url} gave {response.status_code}"
        assert marker not in _body(response), f"{url} leaks {marker!r}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLICS)
def test_a_public_page_shows_nothing_unpublished_to_an_anonymous_reader(name, cast):
    entry = SWEEP[name]
    kwargs, hidden, *shown = entry.make(cast)
    url = reverse(name, kwargs=kwargs)
    for response in (Client().get(url), Client().get(url, headers={"HX-Request": "true"})):
        assert response.status_code in entry.statuses, f"{url} gave {response.status_code}"
        body = _body(response)
        assert hidden not in body, f"{url} shows {hidden!r} to anyone"
        for text in shown:
            assert text in body, f"{url} does not show {text!r}: the check proves nothing"


def test_the_sweep_has_public_pages():
    # Guards the test above against passing vacuously.
    assert PUBLICS


@pytest.mark.django_db
@pytest.mark.parametrize("name", CREATES)
def test_it_refuses_to_create_a_record_in_a_sibling_unit(name, cast):
    entry = SWEEP[name]
    api = name.startswith("api:")
    url = reverse(name, kwargs=entry.kwargs(cast) if entry.kwargs else None)
    model = apps.get_model(entry.model)
    data = entry.data(cast)

    def post(user):
        client = _client_for(user, api)
        if api:
            return client.post(url, data=json.dumps(data), content_type="application/json")
        return client.post(url, data)

    before = model._default_manager.count()
    response = post(cast.district_manager)
    assert response.status_code in REFUSED, f"POST {url} gave {response.status_code}"
    assert model._default_manager.count() == before, f"POST {url} wrote a {entry.model}"
    # The same body from the sibling's own manager is written: proves the check can fail.
    accepted = post(cast.sibling_manager)
    assert accepted.status_code < 400, f"the sibling's own POST {url} gave {accepted.status_code}"
    assert model._default_manager.count() == before + 1, f"{url}: the sibling's POST wrote nothing"


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    content = response.content
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(content), ensure_ascii=False)
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        return _xlsx_text(content)
    return content.decode()


def _xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )
