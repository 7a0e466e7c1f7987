"""The chat page (/): questions and answers over socket.io, quick replies, links, reload, restart,
keyboard only, and HTML typed by a person shown as text."""
import re

import requests
from playwright.sync_api import expect

from bot.knowledge import get_right

from tests.browser.pages import ask, bot_says, messages, screenshot, stored_conversation, wait_until

C2S_QUESTION = "Qu'est-ce que la complémentaire santé solidaire ?"
# The answers come from bot/knowledge: the tests look for the cards' own first words.
C2S_ANSWER = get_right("c2s").summary[:60]
CAPITAL_DECES_ANSWER = get_right("capital_deces").summary[:60]


def test_question_quick_reply_reload_and_new_conversation(open_page, servers):
    page = open_page("/")
    expect(page.get_by_role("log")).to_have_count(1)  # there before the first message
    ask(page, C2S_QUESTION)
    expect(page.locator(".cpam-msg--user").first).to_have_text(re.compile(re.escape(C2S_QUESTION)))
    expect(bot_says(page, C2S_ANSWER)).to_be_visible()

    page.get_by_role("group", name="Réponses proposées").get_by_role("button", name="Comment faire la demande").click()
    expect(page.locator(".cpam-msg--user").last).to_contain_text("Comment faire la demande")
    expect(bot_says(page, "cerfa 12504")).to_be_visible()  # the next step, from the card's "apply" lines
    ask(page, "autre sujet")
    expect(bot_says(page, "Sur quel sujet puis-je vous aider")).to_be_visible()
    screenshot(page, "chat")

    shown = messages(page).count()
    session_id = stored_conversation(page)["sessionId"]
    page.reload()
    expect(messages(page)).to_have_count(shown)
    expect(bot_says(page, "Sur quel sujet puis-je vous aider")).to_be_visible()
    assert stored_conversation(page)["sessionId"] == session_id
    # The same conversation goes on after the reload: the server still knows the session.
    page.get_by_role("button", name="Capital décès").click()
    expect(bot_says(page, CAPITAL_DECES_ANSWER)).to_be_visible()

    page.get_by_role("button", name="Nouvelle conversation").click()
    expect(messages(page)).to_have_count(0)
    new_session = stored_conversation(page)["sessionId"]
    assert new_session != session_id
    wait_until(lambda: "restart" in servers.tracker_events(session_id))  # the old tracker was restarted
    ask(page, C2S_QUESTION)
    expect(bot_says(page, C2S_ANSWER)).to_be_visible()
    assert servers.tracker_events(new_session)  # the new conversation has its own tracker


def test_only_official_links_become_links(open_page):
    page = open_page("/")
    ask(page, C2S_QUESTION)
    expect(bot_says(page, C2S_ANSWER)).to_be_visible()
    # the whole card ("Tout savoir") cites an official page and a secondary one
    page.get_by_role("group", name="Réponses proposées").get_by_role("button", name=re.compile("^Tout savoir")).click()
    answer = bot_says(page, "efl.fr").first
    expect(answer).to_be_visible()
    official = answer.locator('a[href^="https://complementaire-sante-solidaire.gouv.fr/"]')
    expect(official).to_have_count(1)
    expect(official).to_have_attribute("rel", "noopener noreferrer")
    expect(official).to_have_attribute("target", "_blank")
    # a secondary source stays plain text
    expect(answer).to_contain_text("https://efl.fr/")
    expect(answer.locator('a[href*="efl.fr"]')).to_have_count(0)


def test_html_typed_by_a_person_runs_nothing(unsafe_page, servers):
    """With the CSP switched off, so that only the widget's escaping stands in the way."""
    page = unsafe_page
    page.goto(servers.web + "/")
    payloads = ['<img src=x onerror="window.__pwned=1">', "<script>window.__pwned=1</script>",
                '<a href="javascript:window.__pwned=1">clic</a> https://ameli.fr.evil.example/x']
    for payload in payloads:
        ask(page, payload)
        expect(page.locator(".cpam-msg--user").filter(has_text=payload)).to_have_count(1)
    expect(page.locator(".cpam-msg--bot")).not_to_have_count(0)
    page.locator(".cpam-msg--user").last.click()  # a click on the shown text does nothing either
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    log = page.get_by_role("log")
    expect(log.locator("img, script, iframe, object, [onerror]")).to_have_count(0)
    expect(log.locator('a[href^="javascript:"], a[href*="evil.example"]')).to_have_count(0)


def test_keyboard_only(open_page):
    page = open_page("/")
    expect(page.get_by_role("log")).to_have_count(1)
    box = page.get_by_role("textbox", name="Votre message")
    for _ in range(10):
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    expect(box).to_be_focused()
    assert box.evaluate("el => getComputedStyle(el).outlineStyle") != "none"  # visible focus
    page.keyboard.type("Quels dépistages pour moi ?")
    page.keyboard.press("Enter")
    expect(bot_says(page, "Quel âge")).to_be_visible()
    page.keyboard.type("52")
    page.keyboard.press("Enter")
    reply = page.get_by_role("button", name="Une femme")
    expect(reply).to_be_visible()
    for _ in range(5):  # Envoyer, then the quick replies, in the order they are read
        page.keyboard.press("Tab")
        if reply.evaluate("el => el === document.activeElement"):
            break
    expect(reply).to_be_focused()
    assert reply.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator(".cpam-msg--user").last).to_have_text(re.compile("Une femme"))
    expect(bot_says(page, "Dépistage du cancer du sein")).to_be_visible()
    expect(box).to_be_focused()  # back in the box for the next question


def test_security_headers_and_exact_cors(servers):
    for path in ("/", "/borne", "/reference", "/static/widget.js", "/static/vendor/socket.io.min.js"):
        response = requests.get(servers.web + path, timeout=10)
        assert response.status_code == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert f"connect-src 'self' {servers.rasa} {servers.rasa.replace('http', 'ws', 1)};" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    polling = f"{servers.rasa}/socket.io/?EIO=4&transport=polling"
    allowed = requests.get(polling, headers={"Origin": servers.web}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == servers.web
    other = requests.get(polling, headers={"Origin": "https://site.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers
