"""The web pages' server side: settings, link allow-list, safe HTML, reference page, headers.
(What the pages do in a browser is tested in tests/browser.)"""
import re
from datetime import date

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.contacts import load_contacts
from bot.knowledge import load_rights
from bot.prevention import load_prevention
from bot.web import WebConfig, setup_web_routes
from bot.web.html import Markup, el, escape
from bot.web.links import domain_of, is_official, official_domains
from bot.web.reference import render_reference


# --- settings ---------------------------------------------------------------------------------


def test_config_defaults_and_environment():
    assert WebConfig.from_env({}) == WebConfig("http://localhost:5005", 120, 30)
    assert WebConfig.from_env({"RASA_PORT": "6005"}).rasa_public_url == "http://localhost:6005"
    config = WebConfig.from_env({"RASA_PUBLIC_URL": "https://rasa.example.fr/", "KIOSK_IDLE_SECONDS": "60",
                                 "KIOSK_WARNING_SECONDS": "25"})
    assert config.rasa_public_url == "https://rasa.example.fr"
    assert config.rasa_socket_origin == "wss://rasa.example.fr"
    assert (config.kiosk_idle_seconds, config.kiosk_warning_seconds) == (60, 25)


@pytest.mark.parametrize("url", ["ftp://rasa.example.fr", "rasa.example.fr", "https://rasa.example.fr/socket.io",
                                 "https://user:pw@rasa.example.fr", "javascript:alert(1)"])
def test_rasa_url_must_be_an_http_origin(url):
    with pytest.raises(ValueError):
        WebConfig(rasa_public_url=url)


def test_the_kiosk_warning_leaves_at_least_20_seconds():
    with pytest.raises(ValueError):
        WebConfig(kiosk_warning_seconds=19)
    with pytest.raises(ValueError):
        WebConfig(kiosk_idle_seconds=0)


# --- links ------------------------------------------------------------------------------------


def test_official_domains_come_from_the_knowledge_and_the_extra_list():
    domains = official_domains()
    assert {"ameli.fr", "service-public.fr", "complementaire-sante-solidaire.gouv.fr", "e-cancer.fr",
            "legifrance.gouv.fr", "vaccination-info-service.fr"} <= set(domains)
    # every page a rights card sends people to is clickable
    for card in load_rights().values():
        assert all(is_official(link.url) for link in card.links), card.id
    # secondary sources and copies of official pages are not
    assert not {"efl.fr", "quechoisir.org", "previssima.fr", "lesislettes.com"} & set(domains)


@pytest.mark.parametrize("url, official", [
    ("https://www.ameli.fr/assure", True),
    ("http://forum-assures.ameli.fr", True),
    ("https://jefaismondepistage.e-cancer.fr/cancers-du-sein", True),
    ("https://ameli.fr.example.com/", False),
    ("https://notameli.fr/", False),
    ("https://efl.fr/chiffres", False),
    ("javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
])
def test_is_official(url, official):
    assert is_official(url) is official


def test_domain_of():
    assert domain_of("https://WWW.Ameli.fr:443/x") == "ameli.fr"
    assert domain_of("mailto:a@ameli.fr") == ""


# --- HTML -------------------------------------------------------------------------------------


def test_text_and_attributes_are_escaped():
    html = el("a", '<img src=x onerror="alert(1)">', href='" onclick="alert(1)', class_="x", hidden=True, title=None)
    assert html == ('<a href="&quot; onclick=&quot;alert(1)" class="x" hidden>'
                    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</a>')
    assert escape(Markup("<b>ok</b>")) == "<b>ok</b>"
    assert isinstance(Markup("<p>") + "<script>", Markup) and Markup("<p>") + "<script>" == "<p>&lt;script&gt;"


# --- reference page ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference():
    return render_reference(today=date(2026, 1, 15))


def test_reference_lists_every_right_offer_and_cpam(reference):
    for card in load_rights().values():
        assert f'id="droit-{card.id}"' in reference
        assert escape(card.label) in reference
    for offer in load_prevention().offers:
        assert f'id="prevention-{offer.id}"' in reference
    for cpam in load_contacts().cpams:
        assert f'id="cpam-{cpam.id}"' in reference
        assert escape(cpam.name) in reference


def test_reference_cites_a_source_for_every_line(reference):
    # every "[n]" citation points to a source listed in the same entry
    entries = re.findall(r'<article id="([^"]+)" class="entry">(.*?)</article>', reference, flags=re.S)
    assert len(entries) > 20
    for entry, body in entries:
        for target in set(re.findall(r'href="#([^"]+)" class="cite"', body)):
            assert f'id="{target}"' in body, (entry, target)


def test_reference_shows_the_figures_with_their_period(reference):
    c2s = load_rights()["c2s"]
    metropole = next(t for t in c2s.figures.ceilings if t.territory == "metropole")
    assert "10 339 €" in reference and metropole.valid_from.strftime("%d/%m/%Y") in reference
    assert "Par personne en plus" in reference
    assert "Catégorie 1" in reference  # invalidité
    assert "vérifié le 24/11/2026" in reference  # the date each source was checked


def test_reference_shows_no_research_note(reference):
    """The convention (CPAM, year, article) may be shown; its extracted file, line numbers and the
    editors' notes never are."""
    import html as html_lib

    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", reference))
    notes = re.compile(r"\d{3}_[0-9a-f]{16}\.txt|\.txt\b|\blignes? \d|\(where\)|\bseed\b|ne pas publier|"
                       r"fichier 0|Note :|non relevée|facts\.md", re.IGNORECASE)
    assert not notes.search(text), notes.search(text)
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", reference)  # nor in an attribute
    for cpam in load_contacts().cpams:
        assert escape(load_contacts().source(cpam.source_id).cited_as) in reference  # "la convention CPAM de Vaucluse, 2023"
    assert "(annexe 7 « Le Centre d'examen de santé (CES) »)" in text  # the article may be shown


def test_reference_never_shows_unverified_contacts(reference):
    hidden = [i for i in load_contacts().all_items() if not i.render]
    assert hidden
    for item in hidden:
        assert escape(item.text) not in reference


# --- routes and headers -----------------------------------------------------------------------


@pytest.fixture
async def client():
    async def ping(request):
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/api/ping", ping)
    setup_web_routes(app, WebConfig(rasa_public_url="http://rasa.test:5005", kiosk_idle_seconds=90))
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_pages_and_static_files_carry_the_security_headers(client):
    for path in ("/", "/borne", "/reference", "/static/widget.js", "/static/base.css"):
        response = await client.get(path)
        assert response.status == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "connect-src 'self' http://rasa.test:5005 ws://rasa.test:5005;" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_the_api_is_left_as_it_was(client):
    response = await client.get("/api/ping")
    assert "Content-Security-Policy" not in response.headers


async def test_pages_get_the_rasa_url_and_delays_from_the_config(client):
    chat = await (await client.get("/")).text()
    assert 'data-rasa-url="http://rasa.test:5005"' in chat
    assert 'lang="fr"' in chat and "<script>" not in chat
    kiosk = await (await client.get("/borne")).text()
    assert 'data-idle-seconds="90"' in kiosk and 'data-warning-seconds="30"' in kiosk
    # each kiosk may set its delays in its URL, never under 20 s to answer the warning
    kiosk = await (await client.get("/borne?inactivite=5&avertissement=20")).text()
    assert 'data-idle-seconds="5"' in kiosk and 'data-warning-seconds="20"' in kiosk
    kiosk = await (await client.get("/borne?inactivite=5&avertissement=3")).text()
    assert 'data-idle-seconds="90"' in kiosk and 'data-warning-seconds="30"' in kiosk


async def test_static_files_stay_inside_their_folder(client):
    for path in ("/static/../__init__.py", "/static/%2e%2e/config.py", "/static/vendor/../../routes.py",
                 "/static/vendor/axe.min.js"):
        assert (await client.get(path)).status == 404, path
