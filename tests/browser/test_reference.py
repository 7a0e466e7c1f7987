"""The staff reference page (/reference): every right, prevention offer and seed CPAM, searchable,
printable."""
from playwright.sync_api import expect

from bot.contacts import load_contacts
from bot.knowledge import load_rights
from bot.prevention import load_prevention
from tests.browser.pages import screenshot


def entry(page, title):
    return page.locator("article.entry").filter(has=page.get_by_role("heading", name=title, exact=True))


def test_lists_every_right_offer_and_cpam(open_page):
    page = open_page("/reference")
    for card in load_rights().values():
        expect(entry(page, card.label)).to_be_visible()
    for offer in load_prevention().offers:
        expect(entry(page, offer.label)).to_have_count(1)
    for cpam in load_contacts().cpams:
        expect(entry(page, cpam.name)).to_have_count(1)
    screenshot(page, "reference", full_page=False)


def test_search_filters_the_entries(open_page):
    page = open_page("/reference")
    search = page.get_by_role("searchbox", name="Rechercher dans les fiches")
    search.fill("vaucluse")
    result = page.get_by_role("status")
    expect(result).to_contain_text("correspond")
    expect(entry(page, "CPAM de Vaucluse")).to_be_visible()
    expect(entry(page, load_rights()["c2s"].label)).to_be_hidden()
    for visible in page.locator("article.entry:visible").all():
        assert "vaucluse" in visible.inner_text().lower()
    search.fill("mammographie dépistage")  # every word, accents ignored
    expect(entry(page, load_prevention().offer("breast_screening").label)).to_be_visible()
    search.fill("zzzz introuvable")
    expect(result).to_have_text("Aucune fiche ne correspond à votre recherche.")
    expect(page.locator("article.entry:visible")).to_have_count(0)
    search.fill("")
    expect(page.locator("article.entry:visible")).to_have_count(page.locator("article.entry").count())


def test_prints_without_the_search_and_the_menu(open_page):
    page = open_page("/reference")
    page.emulate_media(media="print")
    expect(page.get_by_role("searchbox")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Sommaire")).to_be_hidden()
    expect(entry(page, load_rights()["puma"].label)).to_be_visible()
