"""Starts the whole assistant once for the browser tests (scripts/stack.py: web process, courier,
action server, Rasa with CORS for the web origin only, on free ports and temporary SQLite files) and
drives Debian's chromium with Playwright's Python package (never Playwright's browser download).
Helpers shared by the tests are in pages.py."""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import List

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.pages import AXE, ANSWER_TIMEOUT_MS
from scripts.stack import MODEL, Stack

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

expect.set_options(timeout=ANSWER_TIMEOUT_MS)


@dataclass(frozen=True)
class Servers:
    web: str
    rasa: str
    tracker_db: Path
    saisine_db: Path
    logs: List[Path]

    def tracker_events(self, session_id: str) -> List[str]:
        """Type names of the events stored for a conversation (Rasa's SQL tracker store)."""
        with sqlite3.connect(self.tracker_db) as db:
            rows = db.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (session_id,))
            return [row[0] for row in rows]


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Servers:
    """The whole stack as `make run` starts it (scripts/stack.py), Rasa's --cors set to the web origin."""
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does it).")
    if not AXE.exists():
        pytest.fail("node_modules is missing: run `npm ci` (make install does it).")
    stack = Stack(tmp_path_factory.mktemp("browser"))
    stack.start()
    try:
        yield Servers(web=stack.backend_url, rasa=stack.rasa_url, tracker_db=stack.paths["tracker_db"],
                      saisine_db=stack.paths["saisine_db"], logs=stack.logs)
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install` (scripts/install_chromium.sh) or set CHROMIUM_PATH.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _context(browser: Browser, **options) -> BrowserContext:
    options.setdefault("viewport", {"width": 1280, "height": 900})
    return browser.new_context(locale="fr-FR", **options)


@pytest.fixture
def context(browser) -> BrowserContext:
    """A fresh browser profile (empty storage) per test, with the pages' CSP enforced."""
    context = _context(browser)
    yield context
    context.close()


@pytest.fixture
def open_page(context, servers):
    """open_page(path) -> Page. Fails the test on any script error or console error (a CSP
    violation included) and on any request to a third-party origin."""
    pages: List[Page] = []
    problems: List[str] = []
    allowed = (servers.web, servers.rasa, servers.rasa.replace("http", "ws", 1))

    def _open(path: str, page: Page = None) -> Page:
        page = page or context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("request", lambda r: r.url.startswith(allowed) or problems.append(f"third-party request: {r.url}"))
        page.goto(servers.web + path)
        pages.append(page)
        return page

    yield _open
    assert not problems, "\n".join(problems)


@pytest.fixture
def unsafe_page(browser, servers):
    """A page with the CSP switched off: for axe (injected as an inline script) and to prove that
    escaping alone keeps an HTML payload inert."""
    context = _context(browser, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()
