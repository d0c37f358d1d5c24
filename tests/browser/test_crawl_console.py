"""The browser half of the language crawl (issue 9, points 5, 9 and 15): every menu page of the
demo roles loads in Chromium without a console error in either language; the pickers are opaque
and let go of the chosen item while the user types; a phone folds the filters.

The text of the pages is checked by tests/test_crawl_language.py with the test client (fast);
this file only needs a browser for what a browser adds: scripts and styles. Screenshots:
crawl-case-timeline, crawl-operation-log, crawl-picker, crawl-filters-phone (zh and en)."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import expect

from qiaolian.core import audit, seed_data
from qiaolian.core.models import User
from qiaolian.hotline.models import Case, CaseEvent

from .screens import shoot

pytestmark = pytest.mark.browser

TRANSPARENT = "rgba(0, 0, 0, 0)"


def zh(text: str, context: str | None = None) -> str:
    with translation.override("zh-hans"):
        if context:
            return translation.pgettext(context, text)
        return translation.gettext(text)


@pytest.fixture
def seeded(transactional_db, fast_passwords):
    with override_settings(
        SEED_NETWORK_PLAN="tiny", SEED_HOTLINE_PLAN="tiny", DEMO_DATA_ALLOWED=True
    ):
        call_command("seed", verbosity=0)
    yield


def log_in(page, username: str, language: str) -> None:
    """A fresh session as a demo user, reading `language` (the language cookie)."""
    page.context.clear_cookies()
    page.goto("/account/login/")
    origin = page.url.split("/account/")[0] + "/"  # the cookie's path is "/", not the page's
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": origin}]
    )
    page.goto("/account/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", seed_data.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")


def menu_paths(page) -> list[str]:
    hrefs = page.locator(".navbar-vertical .nav-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return [href for href in hrefs if href and href.startswith("/")]


def test_every_menu_page_loads_without_console_errors(page, seeded):
    """The `page` fixture fails the test on any console error or uncaught exception."""
    for username, languages in (
        ("city_admin", ("zh-hans", "en")),
        ("volunteer_doctor", ("zh-hans",)),
        ("liaison_demo", ("en",)),
    ):
        for language in languages:
            log_in(page, username, language)
            paths = menu_paths(page)
            assert len(paths) > 1, f"{username} has no menu"
            for path in paths:
                response = page.goto(path)
                assert response is not None and response.status < 400, (path, response)
                expect(page.locator("html")).to_have_attribute("lang", language)
                page.wait_for_load_state("load")

    # The case page's timeline and the operation log, in words, in both languages.
    case = (
        Case.objects.filter(events__kind="status", assignee__username="volunteer_doctor")
        .distinct()
        .first()
        or Case.objects.filter(events__kind="status").first()
    )
    assert case is not None
    event = CaseEvent.objects.filter(case=case, kind="status").first()
    # Two rows such as the services and the SLA sweep write, for the operation log's picture.
    admin = User.objects.get(username="city_admin")
    audit.record(
        actor=admin,
        action="case.status",
        obj=case,
        changes={
            "status": ["assigned", "in_progress"],
            "resolution_due": [None, "2026-03-01T08:30:00.123456+00:00"],
        },
    )
    audit.record(actor=None, action="case.sla_breach", obj=case, message=case.number)
    for language in ("zh-hans", "en"):
        log_in(page, "city_admin", language)
        page.goto(f"/hotline/cases/{case.public_id}/")
        timeline = page.locator("#case-timeline")
        expect(timeline.locator(".event-status").first).to_be_visible()
        assert not re.search(r"[a-z]+_[a-z]+|→ [a-z]", timeline.inner_text())
        if language == "zh-hans":
            labels = dict(Case._meta.get_field("status").flatchoices)
            with translation.override("zh-hans"):
                expected = f"{labels[event.data['from']]} → {labels[event.data['to']]}"
            expect(timeline).to_contain_text(expected)
            expect(page.locator("#comment-save")).to_contain_text(
                zh("Send", "post a comment or reply")
            )
        shoot(page, "crawl-case-timeline")
        page.goto("/audit/operations/")
        table = page.locator("#audit-table")
        expect(table).to_be_visible()
        assert not re.search(r"\b[a-z]+\.[a-z_]+\b|∅|\+00:00", table.inner_text())
        shoot(page, "crawl-operation-log")


def test_a_picker_is_opaque_and_lets_go_of_its_item_while_typing(page, seeded):
    log_in(page, "city_admin", "zh-hans")
    page.goto("/audit/operations/")
    control = page.locator("#id_action-ts-control")
    box = control.locator("xpath=..")  # the picker's box (.ts-control)
    box.click()
    dropdown = page.locator(".ts-dropdown").first
    expect(dropdown).to_be_visible()
    # Tabler names Bootstrap's variables --tblr-*: the dropdown was transparent.
    background = dropdown.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != TRANSPARENT, background
    item = box.locator(".item")
    expect(item).to_be_visible()  # "全部操作", the empty choice with words
    page.keyboard.type("工单")
    expect(item).to_be_hidden()  # the query does not run on after the chosen item
    expect(page.locator(".ts-dropdown .option", has_text=zh("Case assigned"))).to_be_visible()
    shoot(page, "crawl-picker")

    # Django's "---------" (here "- 请选择 -") is no choice: it is the placeholder, never an item
    # in the box.
    page.keyboard.press("Escape")
    page.goto("/hotline/volunteers/new/")
    user_control = page.locator("#id_user-ts-control")
    expect(user_control).to_have_attribute("placeholder", "输入以搜索…")
    wrapper = user_control.locator("xpath=..")
    expect(wrapper.locator(".item")).to_have_count(0)
    expect(wrapper).not_to_contain_text("---------")
    expect(wrapper).not_to_contain_text("- 请选择 -")


def test_a_phone_folds_the_filters_behind_one_button(phone_page, seeded):
    page = phone_page
    log_in(page, "city_admin", "zh-hans")
    page.goto("/hotline/calls/")
    fields = page.locator("#filter-fields")
    expect(fields).to_be_hidden()
    toggle = page.locator("#filter-toggle")
    expect(toggle).to_contain_text(zh("Filters", "toggle"))
    # The records start within the first screen.
    top = page.locator("#rows").evaluate("el => el.getBoundingClientRect().top")
    assert top < 844 * 0.6, top
    shoot(page, "crawl-filters-phone")
    toggle.click()
    expect(fields).to_be_visible()
