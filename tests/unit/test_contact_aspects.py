"""Contact answers by aspect (issue 16): bot.contacts.answer_contact says the number, its cost and
hours, the numbers from abroad and overseas, the compte ameli, the local office, the mediator or the
partner portal directly, short, sourced, in French or English; the lines come from contacts.yml by
their `aspects`, never by their position.

The expected elements are read in the TRAINING part of the answer bank (tests/answer_bank/contacts.yml);
the held-out part is never read here."""
from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

import pytest
import yaml

from bot import contacts
from bot.aspects import CONTACT_ASPECTS, OVERVIEW
from bot.contacts import (
    CONTACTS_FILE, GAP_ITEM, MAX_ASPECT_CHARS, ContactAnswer, answer_contact, find_need, is_partner_message,
    load_contacts, load_contacts_file, resolve_place,
)
from bot.knowledge import KnowledgeError
from scripts.answer_eval import contains, first_match, is_honest_gap

# Items numbered from 51 were added later as a development set for `make answer-eval` (issue 16):
# these unit tests hold the knowledge to the first training set; the later ones are measured end to end.
def in_first_training_set(item) -> bool:
    return int(item["id"].rsplit("-", 1)[1]) < 51


TRAINING_BANK = Path(__file__).resolve().parents[1] / "answer_bank" / "contacts.yml"
ASPECTS = tuple(CONTACT_ASPECTS) + (OVERVIEW,)
TOWNS = (None, "Brest", "Avignon", "Annecy", "Rouen", "Roubaix", "Lot", "974", "Guadeloupe", "Nord")
# French words that an English answer never has (names such as "CPAM de Vaucluse", "rue de savoie"
# or "« Mon agenda »" stay French).
FRENCH = re.compile(r"\b(?:vous|votre|vos|selon|vérifier|est|sont|pour|avec|dans|numéro|horaires|courrier|"
                    r"accueil|rendez-vous|je|sur)\b", re.IGNORECASE)
RESEARCH_NOTES = re.compile(r"\.txt\b|\blignes? \d|\bseed\b|facts\.md|ne pas publier", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _training() -> tuple:
    items = [i for i in yaml.safe_load(TRAINING_BANK.read_text(encoding="utf-8"))["items"] if in_first_training_set(i)]
    assert items and all(item["split"] == "train" and item["subject"] == "contacts" for item in items)
    return tuple(items)


def _expected(aspect: str) -> list:
    """Every element the training bank expects for an aspect (an answer must carry one of them)."""
    return sorted({alt for item in _training() if item["aspect"] == aspect for alt in item["expect"]})


# What an English answer carries for each aspect (the bank's elements are French, except numbers).
ENGLISH_ELEMENT = {
    "phone": ["3646"],
    "phone_cost_hours": ["price of the call"],
    "abroad_overseas": ["+33 1 84 90 36 46", "3646"],
    "online_account": ["compte ameli"],
    "local_office": ["appointment", "By post"],
    "mediator": ["mediator"],
    "partner_portal": ["espace-partenaires.ameli.fr"],
    OVERVIEW: ["3646", "espace-partenaires.ameli.fr"],
}


def _place(town):
    return resolve_place(town) if town else None


def _answers():
    for aspect in ASPECTS:
        for town in TOWNS:
            for partner in (False, True):
                for language in ("fr", "en"):
                    yield aspect, town, partner, language


# --- every aspect, place, asker and language ---------------------------------------------------


@pytest.mark.parametrize("aspect", ASPECTS)
def test_every_answer_is_short_sourced_and_says_the_aspect(aspect):
    expected = _expected(aspect)
    assert expected or aspect == OVERVIEW  # the bank covers every contact aspect
    for town in TOWNS:
        for partner in (False, True):
            for language in ("fr", "en"):
                answer = answer_contact(aspect, None, _place(town), partner, language)
                where = (aspect, town, partner, language, answer.text)
                assert isinstance(answer, ContactAnswer)
                assert 0 < len(answer.text) <= MAX_ASPECT_CHARS, where
                assert answer.sources and all(s.display_url.startswith("https://") for s in answer.sources), where
                assert answer.sources[0].confidence != "derived", where  # the one source line is a real page
                assert "Source :" not in answer.text and not RESEARCH_NOTES.search(answer.text), where
                # 1–3 sentences (a list of numbers is joined with " ; ")
                assert 1 <= len(re.findall(r"[.?!](?:\s|$)", answer.text)) <= 3, where
                if language == "fr":
                    if aspect != OVERVIEW:
                        assert first_match(answer.text, expected), where
                    assert "to be checked" not in answer.text and "according to" not in answer.text, where
                else:
                    assert first_match(answer.text, ENGLISH_ELEMENT[aspect]), where
                    assert not FRENCH.search(answer.text), (FRENCH.search(answer.text), where)


@pytest.mark.parametrize("item", _training(), ids=lambda item: item["id"])
def test_the_training_questions_get_their_element(item):
    """The question's aspect, need, place, asker and language, as the NLU and the params give them."""
    params = item.get("params") or {}
    place = resolve_place(item["text"]) or _place(params.get("town"))
    partner = params.get("asker") == "partner" or is_partner_message(item["text"])
    answer = answer_contact(item["aspect"], find_need(item["text"]), place, partner, params.get("language", "fr"))
    assert len(answer.text) <= MAX_ASPECT_CHARS
    assert first_match(answer.text, item["expect"]), (item["expect"], answer.text)
    for wrong in item.get("expect_not") or []:
        assert not contains(answer.text, wrong), (wrong, answer.text)
    if params.get("language") == "en":
        assert not FRENCH.search(answer.text), answer.text


# --- what each aspect says ------------------------------------------------------------------------


def test_phone_gives_the_number_directly_with_cost_and_hours():
    answer = answer_contact("phone")
    assert answer.text.startswith("Le numéro de l'Assurance Maladie est le 3646 (service gratuit + prix de l'appel)")
    assert "au minimum de 8h30 à 16h" in answer.text
    assert "Pour quel besoin" not in answer.text  # no menu of needs
    assert answer.sources[0].id == "ameli_contact"
    # with a place: its caisse's own page (the convention gives no other number to the public)
    assert "https://www.ameli.fr/finistere" in answer_contact("phone", place=resolve_place("Brest")).text
    # a partner in Vaucluse also gets the CPAM's access-to-rights line; the public never does
    assert "04 90 81 37 80" in answer_contact("phone", place=resolve_place("Avignon"), partner=True).text
    assert "04 90 81 37 80" not in answer_contact("phone", place=resolve_place("Avignon")).text


def test_unofficial_days_and_numbers_are_never_said_as_certain():
    for aspect, town, partner, language in _answers():
        text = answer_contact(aspect, None, _place(town), partner, language).text
        for secondary in ("lundi au vendredi", "Monday to Friday", "0 811 300 974", "0 810 103 646", "0 820 222 555",
                          "+33 811 70 36 46"):
            if secondary in text:
                rest = text[text.index(secondary):]
                # "(à vérifier)" in the same clause (before the next " ; " or the end of the sentence)
                assert re.match(r"(?:(?!; |\. ).)*\((?:à vérifier|to be checked)\)", rest), (secondary, text)
        assert "3422" not in text


def test_abroad_and_overseas_numbers():
    text = answer_contact("abroad_overseas").text
    assert "+33 1 84 90 36 46" in text and "+33 811 70 36 46" in text and "les sources diffèrent" in text
    assert all(n in text for n in ("0 811 300 974", "0 810 103 646", "0 820 222 555"))
    reunion = answer_contact("abroad_overseas", place=resolve_place("La Réunion")).text
    assert reunion.startswith("Le 3646 est accessible partout en France") and "0 811 300 974" in reunion
    assert "0 810 103 646" not in reunion  # another island's number is not said


def test_cost_and_hours():
    text = answer_contact("phone_cost_hours").text
    assert "prix de l'appel" in text and "n'est pas surtaxé" in text and "8h30" in text


def test_online_account_says_what_it_does_and_where():
    text = answer_contact("online_account").text
    assert "compte ameli" in text and "https://www.ameli.fr" in text and "messagerie" in text and "Mon agenda" in text
    lost = answer_contact("online_account", need="carte_vitale").text
    assert "Carte Vitale perdue ou volée" in lost


@pytest.mark.parametrize("town, address, source", [
    ("Brest", "1 rue de savoie, 29 282 Brest", "convention_finistere"),
    ("Roubaix", "6 rue Rémy Cogghe, 59 100 Roubaix", "convention_roubaix_tourcoing"),
    ("Annecy", "2 rue Robert Schuman, 74984 Annecy Cedex 9", "convention_haute_savoie"),
    ("Rouen", "50 avenue de Bretagne, 76039 Rouen Cedex 1", "convention_cpam76"),
])
def test_local_office_of_a_convention_place(town, address, source):
    answer = answer_contact("local_office", place=resolve_place(town))
    assert address in answer.text and not answer.gap
    assert answer.sources[0].id == source
    assert re.search(r"\(selon .*, 20\d\d\)", answer.text)  # the convention and its year


def test_local_office_without_a_place_or_an_address_says_how_and_where_to_look():
    answer = answer_contact("local_office")
    assert "sur rendez-vous" in answer.text and "Mon agenda" in answer.text and "commune" in answer.text
    for town, page in (("Avignon", "https://www.ameli.fr/vaucluse"), ("Lot", "https://www.ameli.fr/lot")):
        answer = answer_contact("local_office", place=resolve_place(town))
        assert answer.gap and is_honest_gap(answer.text), answer.text
        assert page in answer.text and "https://www.ameli.fr/assure/adresses-et-contacts" in answer.text
        assert "sur rendez-vous" in answer.text
    english = answer_contact("local_office", place=resolve_place("Lot"), language="en")
    assert english.gap and is_honest_gap(english.text)


def test_mediator_and_recourse():
    text = answer_contact("mediator").text
    assert "par le compte ameli ou par courrier" in text and "commission de recours amiable" in text and "2 mois" in text
    rouen = answer_contact("mediator", place=resolve_place("Rouen"))
    assert "mediation.cpam-rouen-elbeuf-dieppe@assurance-maladie.fr" in rouen.text
    assert "mediateur.cpam-lehavre@assurance-maladie.fr" in rouen.text
    assert rouen.sources[0].id == "convention_cpam76"
    assert "mediation.cpam-roubaix-tourcoing@assurance-maladie.fr" in answer_contact(
        "mediator", place=resolve_place("Wattrelos")).text


def test_partner_portal():
    text = answer_contact("partner_portal", partner=True).text
    assert "https://espace-partenaires.ameli.fr" in text and "7 j/7" in text
    assert "réservé aux structures partenaires" in answer_contact("partner_portal").text
    rouen = answer_contact("partner_portal", place=resolve_place("Rouen"), partner=True).text
    assert "https://partenaires.cpam76.fr" in rouen
    assert "5 jours en cas d'hospitalisation" in answer_contact("partner_portal", place=resolve_place("Avignon"),
                                                                partner=True).text
    assert "14 jours maximum" in answer_contact("partner_portal", place=resolve_place("Annecy"), partner=True).text
    # a partner service's own e-mail or phone never goes to the public
    for town in TOWNS:
        public = answer_contact("partner_portal", place=_place(town)).text
        assert "@" not in public and not re.search(r"\b0\d(?: \d\d){4}\b", public), public


def test_overview_gives_the_best_channel_for_the_need():
    assert "3646" in answer_contact(OVERVIEW).text
    death = answer_contact(OVERVIEW, need="deces", place=resolve_place("Annecy")).text
    assert "CPAM de la personne décédée" in death and len(death) <= MAX_ASPECT_CHARS
    assert "https://espace-partenaires.ameli.fr" in answer_contact(OVERVIEW, need="c2s_ame", partner=True).text


def test_english_answers_are_english():
    text = answer_contact("phone", language="en").text
    assert text.startswith("The Assurance Maladie phone number is 3646") and "8:30 am" in text
    assert "(to be checked)" in answer_contact("abroad_overseas", language="en").text
    rouen = answer_contact("mediator", place=resolve_place("Rouen"), language="en").text
    assert "according to the convention of the CPAMs of Rouen-Elbeuf-Dieppe and Le Havre, 2023" in rouen


def test_own_scheme_territory_and_bad_arguments():
    answer = answer_contact("phone", place=resolve_place("Nouméa"))
    assert answer.gap and "propre régime" in answer.text
    with pytest.raises(ValueError, match="unknown contact aspect"):
        answer_contact("weather")
    with pytest.raises(ValueError, match="unknown need"):
        answer_contact("phone", need="weather")


# --- the knowledge: lines addressable by aspect, English wordings validated -----------------------


def test_every_contact_aspect_has_its_lines_and_every_said_line_its_english():
    k = load_contacts()
    items = list(k.all_items())
    for aspect in CONTACT_ASPECTS:
        assert any(aspect in i.aspects for i in items), aspect
    assert any(i.id == GAP_ITEM for i in k.national)
    for item in items:
        if item.aspects or item.aspect_only:
            assert item.en, item.id


def test_the_answers_cite_the_pages_of_their_lines():
    """The number from abroad cites ameli's page; the mediator service-public F20849."""
    assert answer_contact("abroad_overseas").sources[0].id == "ameli_engagements"
    assert answer_contact("mediator").sources[0].id == "sp_f20849"
    assert answer_contact("partner_portal", partner=True).sources[0].seed_file  # a convention


def _raw() -> dict:
    return yaml.safe_load(CONTACTS_FILE.read_text(encoding="utf-8"))


def _national(data: dict, item_id: str) -> dict:
    return next(i for i in data["national"] if i["id"] == item_id)


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "contacts.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("mutate, pattern", [
    (lambda d: _national(d, "tel_3646").update(aspects=["weather"]), r"unknown aspect 'weather'"),
    (lambda d: _national(d, "tel_3646").pop("en"), r"needs `en`"),
    (lambda d: _national(d, "tel_3646").update(en="Téléphone : 3646, vous payez l'appel"), r"French word"),
    (lambda d: _national(d, "depuis_etranger").update(en="from abroad, according to service-public.fr"),
     r"'\+33 811 70 36 46' is missing from the English wording"),
    (lambda d: _national(d, "tel_3646").pop("say_en"), r"`say` needs `say_en`"),
    (lambda d: next(s for s in d["sources"] if s["id"] == "convention_vaucluse").pop("convention_en"),
     r"needs `convention_en`"),
])
def test_broken_wordings_are_rejected(tmp_path, mutate, pattern):
    data = copy.deepcopy(_raw())
    mutate(data)
    with pytest.raises(KnowledgeError) as err:
        load_contacts_file(_write(tmp_path, data))
    assert re.search(pattern, str(err.value)), str(err.value)


def test_aspect_only_lines_stay_out_of_the_need_answers():
    k = load_contacts()
    only = {i.id for i in k.national if i.aspect_only}
    assert {"jours_3646", "cout_3646", "dom_3646", GAP_ITEM} <= only
    for need in (None,) + contacts.NEED_IDS:
        for town in TOWNS:
            answer = contacts.contacts_for(need, _place(town))
            assert not {l.item_id for l in answer.lines()} & only


def test_a_local_contact_gets_what_the_answer_leaves_of_the_first_reply_and_never_too_little():
    from bot.contacts import MIN_LOCAL_CHARS, room_after
    from bot.formatting import MAX_FIRST_REPLY

    assert room_after(200) == MAX_FIRST_REPLY - 201
    assert room_after(500) == MIN_LOCAL_CHARS
