"""Every demo role sees in its menu only what it can do: each link it is shown opens (200),
and what a narrowed role cannot complete (creating, importing, a unit's reports and settings)
is not shown at all. A portal user signed in to the staff site gets the page that points to
the portal instead of an empty workbench."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from qiaolian.core import registry
from qiaolian.core.models import User
from qiaolian.core.seed_data import DEMO_USERS

STAFF_ROLES = [username for username, *_rest in DEMO_USERS if username != "portal_demo"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo federation at its tiny size, seeded once for the module and rolled back."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEMO_DATA_ALLOWED=True, SEED_NETWORK_PLAN="tiny", SEED_HOTLINE_PLAN="tiny"
        ),
        transaction.atomic(),
    ):
        call_command("seed", verbosity=0)
        yield
        transaction.set_rollback(True)


def client_for(username: str, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(User.objects.get(username=username))
    return client


def menu(client: Client) -> dict[str, str]:
    """The side menu's links of the workbench: {url: label}."""
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    return {
        str(link["url"]): str(link["label"])
        for section in response.context["nav_sections"]
        for link in section["links"]
    }


def add_items() -> set[str]:
    """The menu links whose job is to create a record."""
    return {
        reverse(item.url_name)
        for section in registry.navigation()
        for item in section.items
        if item.permission.endswith(".add")
    }


@pytest.mark.parametrize("username", STAFF_ROLES)
def test_every_menu_link_opens_for_the_role(demo, db, username):
    client = client_for(username)
    links = menu(client)
    assert links, f"{username} sees no menu"
    for url in links:
        response = client.get(url)
        assert response.status_code == 200, f"{username}: {url} answered {response.status_code}"
    for url in add_items() & set(links):
        # The create page takes the form: a refusal is about the input (400), not the user.
        response = client.post(url, {})
        assert response.status_code not in (403, 404), f"{username}: POST {url} refused"


def test_the_liaison_officer_is_not_offered_what_they_cannot_create(demo, db):
    client = client_for("liaison_demo")
    labels = set(menu(client).values())
    assert not labels & {"导入人员", "来电台"}, labels
    assert {"人员名册", "群组", "工单"} <= labels  # what they work on stays
    response = client.get(reverse("people:person_list"))
    assert response.status_code == 200
    assert reverse("people:person_create") not in response.content.decode()
    for name in ("people:person_create", "people:import_upload", "hotline:call_console"):
        assert client.get(reverse(name)).status_code == 403, name
        assert client.post(reverse(name), {}).status_code == 403, name


def test_the_volunteer_is_not_offered_a_units_settings_or_reports(demo, db):
    client = client_for("volunteer_doctor")
    urls = set(menu(client))
    for name in (
        "core:unit_list",
        "core:role_list",
        "core:dict_list",
        "hotline:sla_breaches",
        "hotline:stats",
        "hotline:call_console",
        "people:import_list",
        "people:duplicate_list",
    ):
        assert reverse(name) not in urls, name
    # What the volunteer works on stays: their cases and callbacks.
    assert reverse("hotline:case_list") in urls
    assert reverse("hotline:callback_list") in urls


def test_the_manager_keeps_every_menu_item(demo, db):
    urls = set(menu(client_for("haishu_manager")))
    for name in ("people:import_list", "hotline:call_console", "core:unit_list", "core:system"):
        assert reverse(name) in urls, name


@pytest.mark.parametrize(
    ("language", "title", "pointer"),
    [
        ("zh-hans", "本系统供侨联工作人员使用", "门户"),
        ("en", "This site is for federation staff", "portal"),
    ],
)
def test_a_portal_user_is_pointed_to_the_portal_in_their_language(
    demo, db, language, title, pointer
):
    client = client_for("portal_demo", language)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 403
    page = response.content.decode()
    assert title in page
    assert pointer in page
    assert 'id="portal-user-notice"' in page
    assert "nav-link" not in page  # no staff menu
    assert client.get(reverse("people:person_list")).status_code == 403
    # Their own pages (exports) too: no staff page with an empty menu.
    exports = client.get(reverse("core:export_list"))
    assert exports.status_code == 403
    assert 'id="portal-user-notice"' in exports.content.decode()


@override_settings(PORTAL_URL="https://portal.example.org/")
def test_the_portal_page_links_to_the_portal_when_it_is_open(demo, db):
    response = client_for("portal_demo").get(reverse("core:dashboard"))
    assert 'href="https://portal.example.org/"' in response.content.decode()
