"""The staff's everyday flows in a real Chromium: log in, languages, the unit switcher, the unit
tree and its forms, the audit logs, the account lockout and the 404 of a sibling's unit.

Each flow saves full-page screenshots under docs/screenshots/ (`<flow>-zh.png`, `<flow>-en.png`).
Expected UI text is looked up through gettext, so the assertions follow the translation catalogue
instead of copying it."""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.utils import translation
from playwright.sync_api import expect

from qiaolian.core import services
from qiaolian.core.models import LoginEvent, Role, Unit, UnitKind, UnitRole
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UnitFactory

from .screens import shoot

pytestmark = pytest.mark.browser

# A form with errors is answered 400 on purpose (generic.ScopedFormView); Chromium logs that.
INVALID_FORM_400 = r"status of 400 \(Bad Request\) \(.*/units/"

# Django's own Chinese catalogue: the required-field error must reach the user in Chinese.
REQUIRED_ZH = "这个字段是必填项。"

# True once ECharts has painted something on the chart's canvas.
CHART_DRAWN = """selector => {
  const canvas = document.querySelector(selector + " canvas");
  if (!canvas || !canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
}"""
CHART_ANIMATION_MS = 1100  # ECharts' default entry animation is one second


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def en(text: str) -> str:
    with translation.override("en"):
        return translation.gettext(text)


@dataclass
class World:
    cast: Cast
    community_a1: Unit
    township_b1: Unit


@pytest.fixture
def world(transactional_db, fast_passwords) -> World:
    """The documented cast, two more units, and district_manager also working for district B
    (read-only there), so the header switcher offers two units."""
    cast = Cast.build()
    community_a1 = UnitFactory(
        parent=cast.township_a1,
        code="DA1C",
        name="甲一社区侨联",
        name_en="Community A1-C",
        kind=UnitKind.COMMUNITY,
    )
    township_b1 = UnitFactory(
        parent=cast.district_b,
        code="DB1",
        name="乙一街道侨联",
        name_en="Township B1",
        kind=UnitKind.TOWNSHIP,
    )
    UnitRole.objects.create(
        user=cast.district_manager, unit=cast.district_b, role=Role.objects.get(code="readonly")
    )
    return World(cast=cast, community_a1=community_a1, township_b1=township_b1)


def log_in(page, username: str, password: str = Cast.password) -> None:
    page.goto("/account/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # Wait for the answer to load: the login page is Chinese too, so a check of the next page
    # could pass on this one, and its selects are only wired once the page has loaded.
    with page.expect_navigation():
        page.click("#login-submit")


def expect_charts_drawn(page) -> None:
    for chart in ("#chart-audit", "#chart-kinds"):
        page.wait_for_function(CHART_DRAWN, arg=chart)


def shoot_dashboard(page, name: str = "dashboard") -> None:
    expect_charts_drawn(page)
    page.wait_for_timeout(CHART_ANIMATION_MS)
    shoot(page, name)


def figure(page, name: str):
    return page.locator(f"#figure-{name}")


def unit_rows(page):
    return page.locator("#unit-table tbody tr")


def nav(page, label: str) -> None:
    with page.expect_navigation():
        page.locator(".navbar-vertical .nav-link", has_text=label).click()


def switch(page, select: str, value: str) -> None:
    """Pick in a header switcher; the select submits its form on change."""
    with page.expect_navigation():
        page.select_option(select, value)


# (1) -------------------------------------------------------------------------------------------
def test_login_in_chinese_then_dashboard_figures_and_charts(page, world):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h2")).to_have_text(zh("Log in to your account"))
    shoot(page, "login")

    log_in(page, "city_admin")
    expect(page.locator(".page-title")).to_have_text(zh("My work"))
    expect(page.locator(".page-pretitle")).to_have_text(zh("All my units"))
    expect(page.locator("#language-switch")).to_have_value("zh-hans")
    # The system counters are on the administrators' system page.
    nav(page, zh("System figures"))
    expect(figure(page, "units")).to_have_text("6")  # the cast's four units and two more
    expect(figure(page, "users")).to_have_text("8")
    expect(figure(page, "logins")).to_have_text("1")  # this very login
    expect(page.locator(".subheader").first).to_have_text(zh("Active units"))
    shoot_dashboard(page, "system")


def test_dashboard_on_a_phone(phone_page, world):
    page = phone_page
    log_in(page, "city_admin")
    page.goto("/system/")
    expect(figure(page, "units")).to_have_text("6")
    # The sidebar folds into the toggler; the page must not scroll sideways.
    expect(page.locator(".navbar-toggler")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot_dashboard(page, "system-phone")


# (2) -------------------------------------------------------------------------------------------
def test_language_switcher_to_english_and_back(page, world, console):
    console.allow(r"status of 404")  # the 404 page is visited on purpose
    console.allow(INVALID_FORM_400)
    cast = world.cast
    # A few writes, so the English operation log has rows to show.
    services.unit_update(
        actor=cast.city_admin, unit=cast.district_b, name_en="District B (Yinzhou)"
    )
    services.unit_create(
        actor=cast.city_admin,
        parent=world.township_b1,
        code="DB1V",
        name="乙一村侨联",
        name_en="Village B1-V",
        kind=UnitKind.VILLAGE,
    )
    log_in(page, "city_admin")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    switch(page, "#language-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".page-title")).to_have_text("My work")
    expect(page.locator(".navbar-vertical")).to_contain_text("Operation log")
    expect(page.locator("label[for=unit-switch]")).to_have_text("Working unit")
    nav(page, "System figures")
    shoot_dashboard(page, "system")

    # The same pages the Chinese flows shoot, in English.
    nav(page, en("Units"))
    expect(page.locator(".page-title")).to_have_text("Unit tree")
    expect(unit_rows(page)).to_have_count(7)
    shoot(page, "unit-tree")
    # Units go by their English names when reading English, with the official Chinese name
    # beside them.
    expect(unit_rows(page).nth(1)).to_contain_text(
        f"{cast.district_a.name_en} {cast.district_a.name}"
    )
    page.locator("#unit-table a", has_text=cast.district_a.name_en).click()
    expect(page.locator(".page-title")).to_contain_text(cast.district_a.name_en)
    expect(page.locator("#children")).to_contain_text(cast.township_a1.name_en)
    shoot(page, "unit-detail")
    page.click("#unit-add-child")
    page.fill("#id_code", "DA9")
    page.click("#unit-save")
    expect(page.locator(".invalid-feedback")).to_have_text("This field is required.")
    shoot(page, "unit-form-error")
    nav(page, en("Operation log"))
    expect(page.locator("#audit-table thead")).to_contain_text("Operation")
    expect(page.locator("#audit-table tbody tr")).to_have_count(2)
    expect(page.locator("#audit-table tbody")).to_contain_text("Success")
    shoot(page, "audit-log")
    nav(page, en("Login log"))
    expect(page.locator("#login-table tbody")).to_contain_text("Logged in")
    shoot(page, "login-log")
    response = page.goto(f"/units/{uuid.uuid4()}/")
    assert response.status == 404
    expect(page.locator("body")).to_contain_text("Page not found")
    shoot(page, "404", lang="en")

    # Back to Chinese with the header switcher.
    page.goto("/")
    switch(page, "#language-switch", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".page-title")).to_have_text(zh("My work"))

    # The login page has its own switcher; its English face is shot here.
    page.click("#user-menu")
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    page.locator("#language-switcher button", has_text="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h2")).to_have_text("Log in to your account")
    shoot(page, "login")
    page.locator("#language-switcher button", has_text="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


# (3) -------------------------------------------------------------------------------------------
def test_unit_switcher_narrows_dashboard_and_unit_list(page, world):
    cast = world.cast
    log_in(page, "district_manager")
    page.goto("/system/")
    switcher = page.locator("#unit-switch")
    expect(switcher.locator("option")).to_have_text(
        [zh("All my units"), cast.district_a.name, cast.district_b.name]
    )
    expect(figure(page, "units")).to_have_text("5")  # district A's three, district B's two

    switch(page, "#unit-switch", str(cast.district_b.public_id))
    expect(page.locator(".page-pretitle")).to_have_text(cast.district_b.name)
    expect(figure(page, "units")).to_have_text("2")

    nav(page, zh("Units"))
    expect(unit_rows(page)).to_have_text(
        [re.compile(cast.district_b.name), re.compile(world.township_b1.name)]
    )

    # Switching on the unit list stays on it, narrowed to the other unit.
    switch(page, "#unit-switch", str(cast.district_a.public_id))
    expect(page).to_have_url(re.compile(r"/units/$"))
    expect(unit_rows(page)).to_have_count(3)
    expect(page.locator("#unit-table")).not_to_contain_text(cast.district_b.name)

    switch(page, "#unit-switch", "")
    expect(unit_rows(page)).to_have_count(5)
    expect(page.locator("#unit-table")).not_to_contain_text(cast.city.name)


# (4) -------------------------------------------------------------------------------------------
def test_unit_tree_add_a_sub_unit_with_a_form_error_then_rename_it(page, world, console):
    console.allow(INVALID_FORM_400)
    cast = world.cast
    log_in(page, "city_admin")
    nav(page, zh("Units"))
    expect(page.locator(".page-title")).to_have_text(zh("Unit tree"))
    expect(unit_rows(page)).to_have_count(6)
    expect(unit_rows(page).first).to_contain_text(cast.city.name)
    shoot(page, "unit-tree")

    page.locator("#unit-table a", has_text=cast.district_a.name).click()
    expect(page.locator(".page-title")).to_contain_text(cast.district_a.name)
    expect(page.locator(".breadcrumb")).to_contain_text(cast.city.name)
    expect(page.locator("#children")).to_contain_text(cast.township_a1.name)
    shoot(page, "unit-detail")

    page.click("#unit-add-child")
    expect(page.locator(".page-title")).to_have_text(zh("New unit"))
    expect(page.locator("#id_parent option:checked")).to_contain_text(cast.district_a.name)
    page.fill("#id_code", "DA2")
    page.select_option("#id_kind", UnitKind.TOWNSHIP.value)
    page.click("#unit-save")  # no name
    expect(page.locator("#id_name")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(".invalid-feedback")).to_have_text(REQUIRED_ZH)
    expect(page.locator("#id_code")).to_have_value("DA2")  # what was typed is kept
    shoot(page, "unit-form-error")

    page.fill("#id_name", "甲二街道侨联")
    page.fill("#id_name_en", "Township A2")
    page.click("#unit-save")
    expect(page.locator(".alert-success")).to_contain_text(zh("Unit created."))
    expect(page.locator(".page-title")).to_contain_text("甲二街道侨联")
    expect(page.locator(".breadcrumb")).to_contain_text(cast.district_a.name)

    page.click("#unit-edit")
    expect(page.locator("#id_name")).to_have_value("甲二街道侨联")
    page.fill("#id_name", "甲二街道归侨侨眷联合会")
    page.click("#unit-save")
    expect(page.locator(".alert-success")).to_contain_text(zh("Unit saved."))
    expect(page.locator(".page-title")).to_contain_text("甲二街道归侨侨眷联合会")
    created = Unit.objects.get(code="DA2")
    assert created.name == "甲二街道归侨侨眷联合会"
    assert Unit.objects.get_parent(created) == cast.district_a


# (5) -------------------------------------------------------------------------------------------
def test_operation_log_and_login_log_show_what_was_just_done(page, world):
    cast = world.cast
    log_in(page, "city_admin", "wrong-password")
    expect(page.locator(".alert-danger")).to_be_visible()
    log_in(page, "city_admin")
    expect(page.locator(".page-title")).to_have_text(zh("My work"))

    # Two writes through the forms: a rename of district B's English name, and a new sub-unit.
    page.goto(f"/units/{cast.district_b.public_id}/edit/")
    page.fill("#id_name_en", "District B (Yinzhou)")
    page.click("#unit-save")
    expect(page.locator(".alert-success")).to_be_visible()
    page.click("#unit-add-child")
    page.fill("#id_code", "DB2")
    page.fill("#id_name", "乙二街道侨联")
    page.select_option("#id_kind", UnitKind.TOWNSHIP.value)
    page.click("#unit-save")
    expect(page.locator(".alert-success")).to_be_visible()

    nav(page, zh("Operation log"))
    rows = page.locator("#audit-table tbody tr")
    expect(rows).to_have_count(2)
    # Operations and fields by their names, never their codes (issue 9, point 5).
    expect(rows.first).to_contain_text(zh("Unit created"))  # newest first
    expect(rows.first).to_contain_text("乙二街道侨联")
    expect(rows.nth(1)).to_contain_text(zh("Unit changed"))
    expect(rows.nth(1)).to_contain_text("District B → District B (Yinzhou)")
    expect(rows.nth(1)).to_contain_text("city_admin")
    expect(page.locator("#audit-table")).not_to_contain_text("unit.update")
    shoot(page, "audit-log")

    page.select_option("#id_action", "unit.update", force=True)
    page.locator(".filter-form button[type=submit]").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(zh("Unit changed"))
    expect(page).to_have_url(re.compile(r"action=unit\.update"))

    nav(page, zh("Login log"))
    logins = page.locator("#login-table tbody tr")
    expect(logins).to_have_count(2)
    expect(logins.first).to_contain_text(zh("Logged in"))
    expect(logins.nth(1)).to_contain_text(zh("Wrong credentials"))
    shoot(page, "login-log")
    page.select_option("#id_outcome", LoginEvent.Outcome.FAILURE.value)
    page.locator(".filter-form button[type=submit]").click()
    expect(logins).to_have_count(1)
    expect(logins.first).to_contain_text(zh("Wrong credentials"))


# (6) -------------------------------------------------------------------------------------------
def test_five_wrong_passwords_lock_the_account(page, world, console):
    console.allow(r"status of 429")  # axes answers a lockout with 429 Too Many Requests
    for attempt in range(1, 5):
        log_in(page, "district_clerk", f"wrong-{attempt}")
        expect(page.locator(".alert-danger")).to_contain_text(
            zh(
                "The login name or password is wrong. After 5 failed attempts the account is "
                "locked for 30 minutes."
            )
        )
    log_in(page, "district_clerk", "wrong-5")
    locked = page.locator("#locked-message")
    expect(locked).to_contain_text(zh("Account locked"))
    expect(locked).to_contain_text(
        zh(
            "Too many failed login attempts: this account is locked for 30 minutes. Wait, or ask "
            "your unit administrator to unlock it."
        )
    )
    shoot(page, "lockout")

    log_in(page, "district_clerk")  # the right password does not open a locked account
    expect(page.locator("#locked-message")).to_be_visible()
    assert LoginEvent.objects.filter(
        username="district_clerk", outcome=LoginEvent.Outcome.LOCKED
    ).exists()
    assert not LoginEvent.objects.filter(
        username="district_clerk", outcome=LoginEvent.Outcome.SUCCESS
    ).exists()


# (7) -------------------------------------------------------------------------------------------
def test_a_sibling_districts_unit_is_a_404(page, world, console):
    console.allow(r"status of 404")
    cast = world.cast
    log_in(page, "sibling_manager")
    response = page.goto(f"/units/{cast.district_b.public_id}/")
    assert response.status == 200  # their own district opens

    for unit in (cast.district_a, cast.township_a1):
        response = page.goto(f"/units/{unit.public_id}/")
        assert response.status == 404
        expect(page.locator(".empty-title").first).to_have_text("页面不存在")
        expect(page.locator("body")).not_to_contain_text(unit.name)
    shoot(page, "404")
