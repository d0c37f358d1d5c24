"""Real-browser fixtures: Playwright's sync API driving Debian's Chromium against `live_server`.

The browser is started once per session; each test gets a fresh context (cookies, storage)
and a page whose console errors, CSP violations and uncaught exceptions fail the test.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread


# One request at a time. On SQLite the live server shares the test's one in-memory connection,
# and two requests at once (a page and its HTMX fragment) misuse it: "bad parameter or other
# API misuse", a 500, a lost session. Django's unthreaded server answers each request with
# `Connection: close`, so a browser's keep-alive cannot hold it.
class SerialWSGIServer(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override  # the thread installs them


LiveServerThread.server_class = SerialWSGIServer

# Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM
# calls where a loop runs. The tests are single-threaded, so the check can be lifted.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get install chromium` (never `playwright install`).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class ConsoleWatch:
    """Errors the page reported: console errors (CSP violations land here) and uncaught
    exceptions. A test that provokes an error status on purpose allows its console line."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [p for p in self.problems if not any(a.search(p) for a in self.allowed)]


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


def open_page(browser, live_server, console: ConsoleWatch, viewport=DESKTOP):
    """A new context and page. The browser asks for Chinese, as the federation's staff do."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=viewport,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: (
            console.problems.append(f"console: {msg.text} ({msg.location.get('url') or page.url})")
            if msg.type == "error"
            else None
        ),
    )
    page.on(
        "pageerror",
        lambda exc: console.problems.append(f"pageerror: {exc} ({page.url})\n{exc.stack or ''}"),
    )
    return page


@pytest.fixture
def page(browser, live_server, console):
    page = open_page(browser, live_server, console)
    yield page
    page.context.close()
    if problems := console.unexpected():
        pytest.fail("The browser reported errors:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def phone_page(browser, live_server, console):
    page = open_page(browser, live_server, console, viewport=PHONE)
    yield page
    page.context.close()
    if problems := console.unexpected():
        pytest.fail("The browser reported errors:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def fast_passwords(settings):
    """The cast's hashes are made and checked dozens of times; the default hasher is slow on
    purpose. The live server runs in this process, so it sees the same setting."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
