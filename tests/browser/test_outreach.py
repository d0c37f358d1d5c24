"""Outreach in a real Chromium: a staff member writes a letter, another approves it, it is sent
by e-mail to a local SMTP server and posted to a group robot (a local fake), the deliveries show
on the letter's page; the recipient opens the H5 link (no login) and "opened" appears.
Screenshots (zh and en) into /tmp/shots_outreach/."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.outreach.models import Delivery, Letter
from qiaolian.outreach.sending import run_letter
from qiaolian.outreach.tests.support import audience, person, robot
from qiaolian.outreach.tests.test_sending import noon_zone

from .conftest import open_page
from .test_flows import log_in, switch

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots_outreach")


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


@pytest.fixture
def servers(settings, live_server):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    mails: list = []
    hooks: list = []

    class Collect(Message):
        def handle_message(self, message):
            mails.append(message)

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            hooks.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = b'{"errcode": 0, "errmsg": "ok"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    smtp = Controller(Collect(), hostname="127.0.0.1", port=8155)
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", 8156), Hook)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    settings.OUTREACH_SMTP_HOST, settings.OUTREACH_SMTP_PORT = "127.0.0.1", 8155
    settings.SITE_URL = live_server.url
    yield mails, hooks
    smtp.stop()
    http.shutdown()
    http.server_close()


def test_compose_approve_send_and_the_recipient_opens(
    page, browser, live_server, console, cast, servers
):
    mails, hooks = servers
    SHOTS.mkdir(exist_ok=True)
    person(
        cast.township_a1,
        surname="王",
        given_name="明",
        gender="m",
        time_zone=noon_zone(),
        emails=["wang.ming@example.it"],
    )
    aud = audience(cast)
    robot(cast.township_a1, "http://127.0.0.1:8156/cgi-bin/webhook/send?key=demo")

    log_in(page, "township_worker")
    page.goto("/outreach/letters/new/")
    page.locator("#id_unit").select_option(str(cast.township_a1.pk), force=True)
    page.select_option("#id_kind", "condolence")
    page.select_option("#id_audience", str(aud.pk))
    page.screenshot(path=SHOTS / "letter-form-zh.png", full_page=True)
    page.check("input[name=channels][value=email]")
    page.check("input[name=channels][value=h5]")
    page.locator("#id_to_groups").check(force=True)
    page.fill("#id_subject_zh", "致{{姓名}}的慰问信")
    page.fill("#id_body_zh", "<p>{{称呼}}，{{问候}}！家乡惦记着您。</p>")
    with page.expect_navigation():
        page.click("#outreach-save")
    expect(page.locator("#letter-status")).to_have_text("草稿")
    expect(page.locator("#letter-approve")).to_have_count(0)  # the author cannot approve
    letter = Letter.objects.get()
    page.screenshot(path=SHOTS / "letter-draft-zh.png", full_page=True)

    approver = open_page(browser, live_server, console)
    log_in(approver, "district_manager")
    approver.goto(f"/outreach/letters/{letter.public_id}/")
    with approver.expect_navigation():
        approver.click("#letter-approve")
    expect(approver.locator("#letter-status")).to_have_text("已批准")
    with approver.expect_navigation():
        approver.click("#letter-send")
    run_letter(letter.pk)  # what the worker runs for the queued task
    approver.reload()
    expect(approver.locator("#count-sent")).to_have_text("3")  # e-mail, H5, the group robot
    expect(approver.locator("#delivery-table")).to_contain_text("王明")
    assert [m["To"] for m in mails] == ["wang.ming@example.it"]
    assert hooks[0]["msgtype"] == "markdown" and "慰问信" in hooks[0]["markdown"]["content"]
    approver.screenshot(path=SHOTS / "letter-sent-zh.png", full_page=True)

    link = Delivery.objects.get(channel="h5").address
    reader = browser.new_context(locale="it-IT").new_page()
    reader.goto(link)
    expect(reader.locator("#public-subject")).to_have_text("致王明的慰问信")
    expect(reader.locator("#public-body")).to_contain_text("王先生")
    reader.screenshot(path=SHOTS / "letter-h5-zh.png", full_page=True)
    reader.context.close()

    approver.reload()
    expect(approver.locator("#count-opened")).to_have_text("1")
    expect(approver.locator("#delivery-table")).to_contain_text("已打开")
    switch(approver, "#language-switch", "en")
    expect(approver.locator("#delivery-table")).to_contain_text("Opened")
    approver.screenshot(path=SHOTS / "letter-sent-en.png", full_page=True)
    for name, url in (("audiences", "audiences/"), ("calls", "calls/"), ("kits", "kits/")):
        approver.goto(f"/outreach/{url}")
        approver.screenshot(path=SHOTS / f"{name}-en.png", full_page=True)
    approver.context.close()


def test_a_family_call_campaign_with_outcomes_and_a_need_made_a_case(page, cast):
    from qiaolian.hotline.models import Case

    SHOTS.mkdir(exist_ok=True)
    for n in range(3):
        person(cast.township_a1, surname="赵", given_name=f"侨{n}", time_zone="Europe/Rome")
    audience(cast)
    log_in(page, "township_worker")
    page.goto("/outreach/calls/new/")
    page.locator("#id_unit").select_option(str(cast.township_a1.pk), force=True)
    page.fill("#id_name", "打一个亲情电话")
    page.locator("#id_audience").select_option(label="全体侨胞", force=True)
    page.locator("#id_callers").select_option(str(cast.township_worker.pk), force=True)
    with page.expect_navigation():
        page.click("#outreach-save")
    expect(page.locator("#caller-progress")).to_contain_text("3")
    page.goto("/outreach/calls/mine/")
    expect(page.locator("#my-call-table")).to_contain_text("罗马")
    with page.expect_navigation():
        page.locator("#my-call-table a").first.click()
    page.select_option("#id_outcome", "reached")
    page.fill("#id_needs", "老人需要防疫物资")
    with page.expect_navigation():
        page.click("#call-save")
    expect(page.locator("#my-call-table")).to_contain_text("已接通")
    page.screenshot(path=SHOTS / "my-calls-zh.png", full_page=True)
    page.goto("/outreach/calls/")
    with page.expect_navigation():
        page.locator("#campaign-table a").first.click()
    with page.expect_navigation():
        page.click(".need-to-case")
    expect(page.locator("#campaign-tasks")).to_contain_text("已转工单")
    case = Case.objects.get()
    assert case.subject == "老人需要防疫物资" and case.requester.surname == "赵"
    page.screenshot(path=SHOTS / "campaign-zh.png", full_page=True)
    switch(page, "#language-switch", "en")
    expect(page.locator("#caller-progress")).to_contain_text("Township A1")
    page.screenshot(path=SHOTS / "campaign-en.png", full_page=True)
