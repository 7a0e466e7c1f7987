"""The reception kiosk (/borne): a path with buttons only, read aloud, print, and the idle reset
that leaves nothing of the previous person."""
import re

from playwright.sync_api import expect

from tests.browser.pages import bot_says, messages, screenshot, stored_conversation, wait_until

# Short delays for the tests, set in the kiosk's URL as a kiosk would be; the warning keeps its
# 20 s minimum (WCAG 2.2.1).
IDLE_URL = "/borne?inactivite=3&avertissement=20"
WARNING_MS = 20_000


def press_keys(page, *keys):
    keypad = page.get_by_role("group", name="Clavier numérique")
    for key in keys:
        keypad.get_by_role("button", name=key, exact=True).click()


def test_prevention_path_with_buttons_only(open_page):
    page = open_page("/borne")
    screenshot(page, "kiosk-home", full_page=False)
    expect(page.locator("body")).to_have_attribute("data-state", "home")
    page.get_by_role("button", name=re.compile("^Prévention")).click()
    expect(bot_says(page, "Quel âge")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-state", "conversation")
    press_keys(page, "5", "2", "Valider")
    expect(page.locator(".cpam-msg--user").last).to_have_text(re.compile("52"))
    page.get_by_role("button", name="Une femme").click()
    answer = bot_says(page, "Dépistage du cancer du sein")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("Dépistage du cancer colorectal")
    expect(page.get_by_role("group", name="Clavier numérique")).to_be_hidden()  # choices offered instead
    # no link leaves the kiosk: addresses are shown as text, to read or print
    expect(page.get_by_role("log").locator("a")).to_have_count(0)
    expect(page.get_by_role("button", name="Imprimer")).to_be_enabled()
    screenshot(page, "kiosk-answer", full_page=False)


def test_read_aloud_and_print_the_last_answer(context, open_page):
    context.add_init_script("""
        window.__spoken = [];
        window.__printed = 0;
        window.print = () => { window.__printed += 1; };
        const synth = { speaking: false, speak: (u) => window.__spoken.push({text: u.text, lang: u.lang}),
                        cancel: () => {} };
        Object.defineProperty(window, "speechSynthesis", { value: synth });
    """)
    page = open_page("/borne")
    page.get_by_role("button", name=re.compile("^Trouver le bon contact")).click()
    expect(bot_says(page, "Pour quel besoin")).to_be_visible()
    page.get_by_role("button", name="Une carte Vitale perdue ou volée").click()
    expect(bot_says(page, "déclarez-la")).to_be_visible()
    page.wait_for_timeout(500)  # the whole answer (it may come in several messages)

    page.get_by_role("button", name="Lire à voix haute").click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "fr-FR"
    assert "Vitale" in spoken[0]["text"] and "http" not in spoken[0]["text"] and "Source :" not in spoken[0]["text"]
    assert "Pour quel besoin" not in spoken[0]["text"]  # only the last answer

    page.get_by_role("button", name="Imprimer").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    expect(page.locator(".cpam-msg.is-last-answer").first).to_be_visible()
    expect(bot_says(page, "Pour quel besoin")).to_be_hidden()  # earlier messages are not printed
    expect(page.get_by_role("button", name="Terminer et tout effacer")).to_be_hidden()
    screenshot(page, "kiosk-print")


def test_idle_warning_can_be_extended_then_wipes_everything(open_page, servers):
    page = open_page(IDLE_URL)
    page.get_by_role("button", name=re.compile("^Trouver le bon contact")).click()
    expect(bot_says(page, "Pour quel besoin")).to_be_visible()
    session_id = stored_conversation(page)["sessionId"]

    dialog = page.get_by_role("dialog", name="Êtes-vous toujours là ?")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog.get_by_role("button", name="Continuer")).to_be_focused()
    screenshot(page, "kiosk-idle-warning", full_page=False)
    dialog.get_by_role("button", name="Continuer").click()
    expect(dialog).to_be_hidden()
    expect(bot_says(page, "Pour quel besoin")).to_be_visible()  # nothing lost

    expect(dialog).to_be_visible(timeout=10_000)  # idle again
    expect(page.locator("body")).to_have_attribute("data-state", "home", timeout=WARNING_MS + 5_000)
    expect(dialog).to_be_hidden()
    expect(messages(page)).to_have_count(0)
    expect(page.get_by_role("heading", name="Bonjour, que souhaitez-vous faire ?")).to_be_focused()
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("sessionStorage.length") == 0
    wait_until(lambda: "restart" in servers.tracker_events(session_id))  # tracker restarted

    # the next person starts a conversation of their own
    page.get_by_role("button", name=re.compile("^Mes droits")).click()
    expect(bot_says(page, "Pour quel droit")).to_be_visible()
    assert stored_conversation(page)["sessionId"] != session_id
