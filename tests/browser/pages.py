"""Helpers of the browser tests: the chat widget's parts, screenshots, axe-core."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Dict, List

from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "reports" / "screenshots"
ANSWER_TIMEOUT_MS = 20_000  # a bot answer takes 0.1-1 s; the first one after start-up is slower


def messages(page: Page) -> Locator:
    return page.locator(".cpam-msg")


def bot_says(page: Page, text: str) -> Locator:
    """The bot message(s) containing `text` (for expect(...).to_be_visible())."""
    return page.locator(".cpam-msg--bot").filter(has_text=text)


def ask(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Votre message")
    box.fill(text)
    box.press("Enter")


def stored_conversation(page: Page) -> Dict:
    return page.evaluate("JSON.parse(sessionStorage.getItem('cpam-chat:conversation') || 'null')")


def wait_until(condition, timeout: float = 10.0) -> None:
    """Polls a condition outside the page (the tracker store...) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def run_axe(page: Page) -> List[Dict]:
    """Serious and critical axe-core violations of the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def describe(violations: List[Dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                     + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
                     for v in violations)
