"""A draft edited in Chromium, approved, then scheduled from its page; the deliveries' export
link is there. Screenshots (zh and en) into /tmp/shots_outreach2/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.outreach import services
from qiaolian.outreach.models import Letter
from qiaolian.outreach.tests.support import audience, letter, person

from .test_flows import log_in, switch

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots_outreach2")


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def test_edit_a_draft_then_schedule_it(page, cast):
    SHOTS.mkdir(exist_ok=True)
    person(cast.township_a1, surname="王", given_name="明")
    draft = letter(cast, audience(cast), channels=("h5",))
    log_in(page, "township_worker")
    page.goto(f"/outreach/letters/{draft.public_id}/")
    with page.expect_navigation():
        page.click("#letter-edit")
    page.fill("#id_subject_zh", "致{{姓名}}的新春慰问信")
    page.screenshot(path=SHOTS / "letter-edit-zh.png", full_page=True)
    with page.expect_navigation():
        page.click("#outreach-save")
    expect(page.locator("h2, .page-title").first).to_contain_text("新春慰问信")
    services.letter_approve(actor=cast.district_manager, letter=Letter.objects.get())
    page.reload()
    expect(page.locator("#letter-edit")).to_have_count(0)
    page.fill("#id_scheduled_for", "2031-01-02T09:30")
    with page.expect_navigation():
        page.click("#letter-schedule button")
    expect(page.locator("#letter-status")).to_have_text("已安排")
    expect(page.locator("#letter-scheduled-for")).to_have_text("2031-01-02 09:30")
    page.screenshot(path=SHOTS / "letter-scheduled-zh.png", full_page=True)
    switch(page, "#language-switch", "en")
    expect(page.locator("#letter-status")).to_have_text("Scheduled")
    page.screenshot(path=SHOTS / "letter-scheduled-en.png", full_page=True)
    page.goto(f"/outreach/deliveries/?letter={draft.public_id}")
    expect(page.locator("#delivery-table")).to_contain_text("王明")
    page.screenshot(path=SHOTS / "deliveries-en.png", full_page=True)
