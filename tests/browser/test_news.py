"""The news in a real Chromium: a writer writes an article, another person approves it, an
anonymous reader opens it on a phone, the view count rises once for two loads, the share QR
code is the page's address, related articles show, a draft is a 404. Screenshots of the
public pages (zh and en, phone and desktop) and of the staff pages go to /tmp/shots_news/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qiaolian.core.pdf import qr_svg
from qiaolian.core.testing.cast import Cast
from qiaolian.news.models import Article, Status
from qiaolian.news.tests.factories import ArticleFactory, CategoryFactory

from .conftest import DESKTOP, open_page
from .test_flows import log_in

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots_news")
PHONE_360 = {"width": 360, "height": 740}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def newsroom(transactional_db, fast_passwords):
    cast = Cast.build()
    china = CategoryFactory(slug="china", name="中国新闻", name_en="China news", order=1)
    ArticleFactory(
        unit=cast.city,
        category=china,
        title="海外侨团热线服务一周年",
        tags=["为侨服务"],
        summary="热线开通一年来的服务情况。",
    )
    draft = ArticleFactory(
        unit=cast.city, category=china, title="尚未发布的草稿", status=Status.DRAFT
    )
    return cast, china, draft


def test_write_approve_read_on_a_phone(browser, live_server, console, newsroom):
    _cast, china, draft = newsroom
    # --- the writer (a township worker) writes and sends for review --------------------------
    staff = open_page(browser, live_server, console, viewport=DESKTOP)
    log_in(staff, "township_worker")
    staff.goto("/news/staff/articles/new/")
    staff.select_option("#id_category", str(china.pk))
    staff.fill("#id_title", "街道侨联走访归侨老人")
    staff.fill("#id_source", "甲一街道侨联")
    staff.fill("#id_author_name", "李明")
    staff.fill("#id_summary", "重阳节前，街道侨联走访辖区归侨老人。")
    staff.fill("#id_body", "<p>重阳节前夕，街道侨联工作人员走访了辖区内的归侨老人，送上慰问。</p>")
    staff.fill("#id_tags", "为侨服务")
    shot(staff, "staff-article-form-zh")
    with staff.expect_navigation():
        staff.click("#article-save")
    expect(staff.locator("#article-submit")).to_be_visible()
    with staff.expect_navigation():
        staff.click("#article-submit")
    expect(staff.locator("#own-review")).to_be_visible()
    expect(staff.locator("#article-approve")).to_have_count(0)
    staff.context.close()

    # --- another person (the district manager) approves ----------------------------------------
    approver = open_page(browser, live_server, console, viewport=DESKTOP)
    log_in(approver, "district_manager")
    article = Article.objects.get(title="街道侨联走访归侨老人")
    approver.goto(f"/news/staff/articles/{article.public_id}/")
    shot(approver, "staff-article-review-zh")
    with approver.expect_navigation():
        approver.click("#article-approve")
    approver.check("#id_show_on_city_site")  # the district shows its township's news
    with approver.expect_navigation():
        approver.click("#approve-save")
    expect(approver.locator("#article-status")).to_have_text("已发布")
    approver.goto("/news/staff/articles/")
    shot(approver, "staff-article-list-zh")
    approver.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    approver.goto(f"/news/staff/articles/{article.public_id}/")
    expect(approver.locator("#article-status")).to_have_text("Published")
    shot(approver, "staff-article-detail-en")
    approver.goto("/news/staff/articles/")
    shot(approver, "staff-article-list-en")
    approver.context.close()

    # --- an anonymous reader on a 360 px phone ------------------------------------------------
    reader = open_page(browser, live_server, console, viewport=PHONE_360)
    reader.goto("/news/")
    shot(reader, "public-index-phone-zh")
    with reader.expect_navigation():
        reader.click("text=街道侨联走访归侨老人")
    expect(reader.locator("#article-title")).to_have_text("街道侨联走访归侨老人")
    expect(reader.locator(".crumbs")).to_contain_text("首页")
    expect(reader.locator(".crumbs")).to_contain_text("查看详情")
    expect(reader.locator("#views")).to_have_text("1")
    reader.reload()
    expect(reader.locator("#views")).to_have_text("1")  # the same visitor again: not counted
    expect(reader.locator("#related")).to_contain_text("海外侨团热线服务一周年")
    reader.click("#share summary")
    # The code's modules are exactly those of the page's address encoded (segno is
    # deterministic): the QR code is the page's URL.
    url = reader.url
    drawn = reader.locator("#share-qr svg path").get_attribute("d")
    assert drawn == re.search(r' d="([^"]+)"', qr_svg(url, scale=4)).group(1)
    assert reader.locator("#share-link").input_value() == url
    width = reader.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px phone"
    shot(reader, "public-article-phone-zh")
    reader.goto(url + "?lang=en")
    expect(reader.locator(".crumbs")).to_contain_text("View details")
    shot(reader, "public-article-phone-en")
    reader.goto("/news/?lang=en")
    shot(reader, "public-index-phone-en")
    # a draft is a 404 by id
    console.allow(r"404 \(Not Found\)")
    response = reader.goto(f"/news/china/{draft.pk}/")
    assert response.status == 404
    reader.context.close()

    # --- desktop, both languages --------------------------------------------------------------
    desk = open_page(browser, live_server, console, viewport=DESKTOP)
    desk.goto(url)
    desk.click("#share summary")
    shot(desk, "public-article-desktop-zh")
    desk.goto(url + "?lang=en")
    desk.click("#share summary")
    shot(desk, "public-article-desktop-en")
    desk.goto("/news/china/")
    shot(desk, "public-category-desktop-zh")
    desk.context.close()
    if problems := console.unexpected():
        pytest.fail("The browser reported errors:\n" + "\n".join(problems), pytrace=False)
