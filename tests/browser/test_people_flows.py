"""The register's everyday flows in a real Chromium, in Chinese: importing a sheet with a bad row
and a duplicate, searching by pinyin initials and phone digits, the liaison grid's figures
and world map, and the city's list with its capped pager and searched unit filter (in both
languages)."""

import re
from unittest import mock

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from qiaolian.core.pagination import BoundedPaginator
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.network.models import StewardRole
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory, StewardFactory
from qiaolian.people.models import Person
from qiaolian.people.search import reindex_people
from qiaolian.people.tests.factories import PersonFactory
from qiaolian.people.views.people import PersonListView

from .screens import shoot
from .test_flows import CHART_ANIMATION_MS, CHART_DRAWN, en, log_in, switch

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def write_sheet(path, rows) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机", "居住国家"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


# (1) -------------------------------------------------------------------------------------------
def test_import_with_a_bad_row_and_a_duplicate_then_commit_and_error_sheet(page, cast, tmp_path):
    existing = PersonFactory(
        unit=cast.district_a, surname="张", given_name="伟", phones=["+39 333 123 4567"]
    )
    sheet = tmp_path / "名单.xlsx"
    write_sheet(
        sheet,
        [
            ["李娜", "+39 333 765 4321", "意大利"],  # row 2: good
            ["周杰", "12345", "意大利"],  # row 3: not a phone number
            ["张伟", "+39 333 123 4567", "意大利"],  # row 4: the same phone as `existing`
        ],
    )
    log_in(page, "district_manager")
    page.goto("/people/imports/new/")
    page.set_input_files("#import-upload-form input[type=file]", str(sheet))
    with page.expect_navigation():
        page.click("#import-upload")

    # The mapping page guessed every column from its Chinese header.
    expect(page.locator("#mapping-table")).to_contain_text("手机")
    expect(page.locator("#mapping-table select").nth(1)).to_have_value("phone")
    page.check("#import-mapping-form input[name=on_duplicate][value=skip]")
    with page.expect_navigation():
        page.click("#import-check")
    page.wait_for_selector("#import-progress")

    run_queued_tasks()
    # The progress bar polls and reloads the page once the check is done.
    page.wait_for_selector("#import-plan")
    expect(page.locator("#count-create")).to_have_text("1")
    expect(page.locator("#count-error")).to_have_text("1")
    rows = page.locator("#import-rows")
    expect(rows).to_contain_text("第 3 行 手机：“12345”")
    expect(rows).to_contain_text("的有效电话号码")
    expect(rows.locator("tr", has_text="电话号码相同")).to_contain_text(existing.full_name)
    shoot(page, "import-preview")

    page.check("#import-commit-form input[name=on_duplicate][value=skip]")
    with page.expect_navigation():
        page.click("#import-commit")
    run_queued_tasks()
    page.wait_for_selector("#import-result")
    expect(page.locator("#count-created")).to_have_text("1")
    expect(page.locator("#count-failed")).to_have_text("1")
    assert Person.objects.filter(source="import", surname="李", given_name="娜").exists()

    with page.expect_download() as download_info:
        page.click("#import-error-sheet")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert download.path().stat().st_size > 0


# (2) -------------------------------------------------------------------------------------------
def test_search_by_pinyin_initials_and_by_phone_digits(page, cast):
    PersonFactory(
        unit=cast.district_a,
        surname="欧阳",
        given_name="娜娜",
        country="ES",
        phones=["+34 612 345 678"],
    )
    PersonFactory(unit=cast.district_a, surname="李", given_name="强", phones=["+39 06 5555 1234"])
    reindex_people()
    log_in(page, "district_manager")
    page.goto("/people/search/")
    hits = page.locator("#search-people .search-hit")

    page.fill("#search-q", "oynn")
    expect(hits.first).to_contain_text("欧阳娜娜")
    expect(page.locator("#search-people")).not_to_contain_text("李强")

    page.fill("#search-q", "5555")
    expect(hits.first).to_contain_text("李强")
    expect(page.locator("#search-people")).not_to_contain_text("欧阳娜娜")
    shoot(page, "search")


# (3) -------------------------------------------------------------------------------------------
def test_grid_coverage_figures_and_world_map(page, cast):
    unit = cast.district_a
    people = [PersonFactory(unit=unit, country=country) for country in ("IT", "IT", "ES", "FR")]
    first = GroupFactory(unit=unit, name="米兰侨胞群")
    second = GroupFactory(unit=unit, name="马德里侨胞群")
    for group, person in ((first, people[0]), (first, people[1]), (second, people[2])):
        MembershipFactory(group=group, person=person)
    StewardFactory(group=first, person=people[0], role=StewardRole.DOCTOR)

    log_in(page, "district_manager")
    page.goto("/grid/")
    expect(page.locator("#figure-groups")).to_have_text("2")
    expect(page.locator("#figure-people-in-groups")).to_have_text("3")
    expect(page.locator("#figure-doctors")).to_have_text("1")
    expect(page.locator("#figure-ungrouped")).to_have_text("1")  # the one in France
    expect(page.locator("#figure-no-doctor")).to_have_text("1")
    # The only branch opens by itself and loads its groups with their stewards.
    expect(page.locator("#grid-tree")).to_contain_text("米兰侨胞群")
    expect(page.locator("#grid-tree")).to_contain_text("马德里侨胞群")
    page.wait_for_function(CHART_DRAWN, arg="#grid-map")
    page.wait_for_timeout(CHART_ANIMATION_MS)
    shoot(page, "grid")


# (4) -------------------------------------------------------------------------------------------
def test_city_list_pages_without_a_total_and_filters_by_a_searched_unit(page, cast):
    """The city administrator's list: more people than the pager counts, so it says "more
    than …" and pages by next; the unit filter is searched, not rendered whole. The pager's
    count limit is lowered to 40 here (it is 10,000), so 45 people stand for a million."""
    for n in range(40):
        PersonFactory(unit=cast.district_b, surname="乙", given_name=f"区{n:02d}", country="IT")
    for n in range(5):
        PersonFactory(unit=cast.township_a1, surname="甲", given_name=f"一{n}", country="ES")
    with (
        mock.patch.object(BoundedPaginator, "count_limit", 40),
        mock.patch.object(PersonListView, "paginate_by", 10),
    ):
        log_in(page, "city_admin")
        page.goto("/people/")
        pager = page.locator("#pager-capped")
        expect(pager).to_contain_text("第 1–10 条，共 40+ 条")
        expect(pager).to_contain_text("第 1 页")
        shoot(page, "people-list")
        # The unit filter lists no unit until the reader types part of a name.
        expect(page.locator("#id_unit option")).to_have_count(1)
        page.locator("#id_unit-ts-control").fill("甲一")
        page.locator(".ts-dropdown .option", has_text="甲一街道侨联 (DA1)").click()
        rows = page.locator("#person-table tbody tr")
        expect(rows).to_have_count(5)
        expect(page.locator("#rows")).to_contain_text("5 条记录")
        expect(page.locator("#person-table")).not_to_contain_text("乙区")
        page.locator("#id_unit-ts-control").blur()
        shoot(page, "people-list-unit-filter")

        # The unit search may still be loading options: let it finish before the language
        # switch, so no request of the old page overlaps the next one.
        page.wait_for_load_state("networkidle")
        switch(page, "#language-switch", "en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto("/people/")
        expect(page.locator("#pager-capped")).to_contain_text("1–10 of 40+")
        page.locator("#pager-capped a", has_text=en("Next")).click()
        expect(page.locator("#pager-capped")).to_contain_text("11–20 of 40+")
        expect(page.locator("#pager-capped")).to_contain_text("Page 2")
        shoot(page, "people-list")


# (issue 9.7) -----------------------------------------------------------------------------------
def test_the_person_form_in_groups_shows_an_error_summary_linking_to_each_field(
    page, cast, console
):
    """A bad phone and a bad ID number on the 24-field person form: the summary at the top
    names both and links to each field, in Chinese and then in English."""
    console.allow(r"status of 400 \(Bad Request\) \(.*/people/new/")  # invalid: 400, on purpose
    log_in(page, "district_manager")

    def submit_bad_values():
        page.goto("/people/new/")
        page.fill("#id_surname", "张三")
        page.fill("#id_phones", "12345")
        page.fill("#id_id_number", "12345")
        with page.expect_navigation():
            page.click("#person-save")

    submit_bad_values()
    for legend in ("基本信息", "联系方式", "海外情况", "证件", "同意"):
        expect(page.locator("#person-form legend", has_text=legend)).to_be_visible()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("请更正下面 3 处错误")
    expect(summary).to_contain_text("“12345”不是中国的有效电话号码")
    expect(summary).to_contain_text("身份证号码为 18 位")
    shoot(page, "person-form-errors")
    summary.locator("a[href='#id_phones']").click()
    expect(page).to_have_url(re.compile(r"#id_phones$"))

    switch(page, "#language-switch", "en")
    submit_bad_values()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Please correct these 3 fields below.")
    expect(summary).to_contain_text("is not a valid phone number in China")
    expect(page.locator("#person-form legend", has_text="Documents")).to_be_visible()
    shoot(page, "person-form-errors")
