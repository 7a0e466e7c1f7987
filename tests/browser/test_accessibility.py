"""Accessibility (RGAA / WCAG 2.1 AA): axe-core on the three pages, the live region, text at 200 %."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ask, bot_says, describe, run_axe, screenshot


def test_chat_page_axe(unsafe_page, servers):
    page = unsafe_page
    page.goto(servers.web + "/")
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")  # live, and empty, before the first message
    expect(log.locator(".cpam-msg")).to_have_count(0)
    assert page.evaluate("document.documentElement.lang") == "fr"
    ask(page, "Quels dépistages pour moi ?")
    expect(bot_says(page, "Quel âge")).to_be_visible()
    page.locator(".cpam-msg").first.evaluate("el => { el.dataset.seen = 'yes'; }")
    ask(page, "52 ans")
    expect(page.get_by_role("button", name="Une femme")).to_be_visible()
    # Messages are only ever appended, never re-rendered: the live region announces each one once.
    expect(page.locator(".cpam-msg").first).to_have_attribute("data-seen", "yes")
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_kiosk_axe(unsafe_page, servers):
    page = unsafe_page
    page.goto(servers.web + "/borne")
    violations = run_axe(page)
    assert not violations, "home screen:\n" + describe(violations)
    page.get_by_role("button", name=re.compile("^Prévention")).click()
    expect(page.get_by_role("group", name="Clavier numérique")).to_be_visible()
    violations = run_axe(page)
    assert not violations, "conversation with keypad:\n" + describe(violations)


def test_reference_axe(unsafe_page, servers):
    page = unsafe_page
    page.goto(servers.web + "/reference")
    violations = run_axe(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("path", ["/", "/borne", "/reference"])
def test_text_resizes_to_200_percent(open_page, context, path):
    page = open_page(path)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    # nothing cut off and no horizontal scrolling: the layout reflows
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{path}: {overflow}px of horizontal scroll at 200 %"
    for control in page.locator("button:visible, input:visible, a:visible").all()[:40]:
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1281, control.evaluate("el => el.outerHTML")
    if path == "/":
        screenshot(page, "chat-200-percent", full_page=False)
