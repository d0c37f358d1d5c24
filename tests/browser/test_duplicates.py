"""Merging two duplicates in a real browser: scan, compare field by field, merge, undo."""

import pytest

from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.people.models import Person
from qiaolian.people.search import index_person
from qiaolian.people.tests.factories import PersonFactory

from .screens import shoot
from .test_flows import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def twins(transactional_db, fast_passwords):
    """王伟 entered by staff in Milano, and "Wong Wei" from the portal in Roma with his phone
    typed without the country code: one man, two records."""
    cast = Cast.build()
    kept = PersonFactory(
        unit=cast.district_a,
        surname="王",
        given_name="伟",
        country="IT",
        city="Milano",
        phones=["+39 333 123 4567"],
    )
    other = PersonFactory(
        unit=cast.district_a,
        surname="Wong",
        given_name="Wei",
        country="IT",
        city="Roma",
        occupation="餐馆业主",
        phones=["3331234567", "+39 06 5555 1234"],
    )
    for person in (kept, other):
        index_person(person)
    return cast, kept, other


def test_scan_then_merge_two_duplicates_field_by_field_then_undo(page, twins):
    _cast, kept, other = twins
    log_in(page, "district_manager")
    page.goto("/people/duplicates/")
    assert page.locator("h2.page-title").inner_text().startswith("疑似重复")
    with page.expect_navigation():
        page.click("#duplicate-scan")
    page.wait_for_selector("#duplicate-progress")

    run_queued_tasks()

    # The progress bar polls and reloads the page once the scan is done.
    row = page.locator("#duplicate-table tbody tr", has_text="王伟")
    row.wait_for()
    assert "Wong" in row.inner_text() and "电话号码相同" in row.inner_text()
    shoot(page, "duplicate-list")

    with page.expect_navigation():
        row.get_by_role("link", name="比较并合并").click()
    # Each differing field offers both values; the same country is shown once, unselectable.
    assert page.locator("#merge-row-city input[type=radio]").count() == 2
    assert page.locator("#merge-row-country input").count() == 0
    # The record with the Chinese name is kept by default; its values are preselected.
    assert "保留此记录" in page.locator("#merge-keep-first").inner_text()
    assert page.locator("#merge-row-surname input[value='first']").is_checked()
    # Choosing the other record reloads the page with its values preselected, and back.
    with page.expect_navigation():
        page.click("#merge-keep-second a")
    assert page.locator("#merge-row-surname input[value='second']").is_checked()
    with page.expect_navigation():
        page.click("#merge-keep-first a")
    page.check("#merge-row-city input[value='second']")  # but keep Roma
    shoot(page, "duplicate-merge")
    with page.expect_navigation():
        page.click("#merge-submit")

    assert page.url.endswith(f"/people/{kept.public_id}/")
    assert "已将 WongWei 合并到 王伟" in page.locator(".alert").first.inner_text()
    kept.refresh_from_db()
    assert (kept.full_name, kept.city, kept.occupation) == ("王伟", "Roma", "餐馆业主")
    assert Person.objects.get(pk=other.pk).merged_into_id == kept.pk
    assert kept.contacts.count() == 2  # the same number typed twice is kept once

    page.goto("/people/duplicates/merges/")
    shoot(page, "duplicate-history")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#merge-history button", has_text="撤销合并").click()
    assert "已撤销合并" in page.locator(".alert").first.inner_text()
    kept.refresh_from_db()
    assert kept.city == "Milano"
    assert Person.objects.get(pk=other.pk).merged_into_id is None
