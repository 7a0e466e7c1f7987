"""Starts the whole assistant once for the browser tests — action server, Rasa server (socket.io,
CORS for the web origin only) and the web process, on free ports with temporary SQLite files — and
drives Debian's chromium with Playwright's Python package (never Playwright's browser download).
Helpers shared by the tests are in pages.py."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.pages import AXE, ANSWER_TIMEOUT_MS
from tests.integration.conftest import _free_port, _wait_until_ready

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "assistant.tar.gz"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

expect.set_options(timeout=ANSWER_TIMEOUT_MS)


@dataclass(frozen=True)
class Servers:
    web: str
    rasa: str
    tracker_db: Path
    logs: List[Path]

    def tracker_events(self, session_id: str) -> List[str]:
        """Type names of the events stored for a conversation (Rasa's SQL tracker store)."""
        with sqlite3.connect(self.tracker_db) as db:
            rows = db.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (session_id,))
            return [row[0] for row in rows]


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Servers:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does it).")
    if not AXE.exists():
        pytest.fail("node_modules is missing: run `npm ci` (make install does it).")
    workdir = tmp_path_factory.mktemp("browser")
    web_port, rasa_port, action_port = _free_port(), _free_port(), _free_port()
    web, rasa = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{rasa_port}"
    tracker_db = workdir / "trackers.db"
    env = dict(
        os.environ,
        TRACKER_STORE_URL=f"sqlite:///{tracker_db}",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        SAISINE_STORE_URL=f"sqlite:///{workdir / 'saisines.db'}",
        OUTBOX_URL=f"sqlite:///{workdir / 'outbox.db'}",
        BACKEND_URL=web,
        WEB_PORT=str(web_port),
        RASA_PUBLIC_URL=rasa,
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    rasa_bin = str(Path(sys.executable).with_name("rasa"))
    commands = {
        "web": [sys.executable, "-m", "bot.backend"],
        "actions": [rasa_bin, "run", "actions", "--actions", "actions", "--port", str(action_port)],
        # --cors: the web origin exactly, no wildcard.
        "rasa": [rasa_bin, "run", "--model", str(MODEL), "--port", str(rasa_port), "--interface", "127.0.0.1",
                 "--credentials", "credentials.yml", "--endpoints", "endpoints.yml", "--cors", web],
    }
    logs = [workdir / f"{name}.log" for name in commands]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
                 for command, log in zip(commands.values(), logs)]
    try:
        _wait_until_ready(f"{web}/health", processes, logs)
        _wait_until_ready(f"http://127.0.0.1:{action_port}/health", processes, logs)
        _wait_until_ready(f"{rasa}/", processes, logs)
        yield Servers(web=web, rasa=rasa, tracker_db=tracker_db, logs=logs)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


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
