"""The MAS saisine in the pages: typed in the chat widget up to its reference, and started from
the kiosk's "Être accompagné(e)" path with buttons only."""
import re
import sqlite3

from playwright.sync_api import expect

from tests.browser.pages import ask, bot_says, screenshot

REFERENCE = re.compile(r"MAS-\d{4}-[0-9A-Z]{6}")


def quick_reply(page, name):
    page.get_by_role("group", name="Réponses proposées").get_by_role("button", name=name).click()


def test_a_saisine_typed_in_the_chat_widget_gets_its_reference(open_page, servers):
    page = open_page("/")
    ask(page, "le dentiste c'est trop cher, j'y vais plus")
    expect(bot_says(page, "Mission accompagnement santé")).to_be_visible()
    quick_reply(page, "Oui, je veux être contacté(e)")
    expect(bot_says(page, "CNIL")).to_be_visible()  # the notice before any personal question
    quick_reply(page, "Oui, j'accepte")
    expect(bot_says(page, "Depuis quand")).to_be_visible()  # care and cause read from the first message
    quick_reply(page, "Plus d'1 an")
    for question, answer in (("nom de famille", "Dupont"), ("prénom", "Marie"),
                             ("date de naissance", "14/07/1985"), ("téléphone", "06 12 34 56 78")):
        expect(bot_says(page, question).last).to_be_visible()
        ask(page, answer)
    expect(bot_says(page, "adresse e-mail")).to_be_visible()
    quick_reply(page, "Pas d'e-mail")
    expect(bot_says(page, "Voici votre demande")).to_be_visible()
    quick_reply(page, "Confirmer l'envoi")
    done = bot_says(page, "Votre demande est transmise")
    expect(done).to_be_visible()
    reference = REFERENCE.search(done.inner_text()).group(0)
    screenshot(page, "chat-saisine")
    with sqlite3.connect(servers.saisine_db) as db:
        stored = db.execute("select consent_channel from saisines where reference = ?", (reference,)).fetchall()
    assert stored == [("web",)]


def test_the_kiosk_accompaniment_path_asks_consent_first_with_buttons(open_page):
    page = open_page("/borne")
    page.get_by_role("button", name=re.compile("^Être accompagné")).click()
    # "Je voudrais être accompagné(e)": for the person at the kiosk, so no "for whom" question.
    expect(bot_says(page, "CNIL")).to_be_visible()
    quick_reply(page, "Non")
    expect(bot_says(page, "je n’enregistre rien")).to_be_visible()
