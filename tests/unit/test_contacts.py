"""Contacts: places, needs, partner mode, sourced answers, and the contacts/communes data."""
import copy
import csv
import functools
import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot import contacts
from bot.contacts import (
    COMMUNES_FILE,
    COMMUNES_SOURCE_FILE,
    CONTACTS_FILE,
    NEED_IDS,
    contacts_for,
    contacts_from_text,
    find_need,
    is_partner_message,
    load_contacts,
    load_contacts_file,
    local_services,
    needs_named,
    render_contacts,
    resolve_place,
)
from bot.knowledge import KnowledgeError

from tests.unit.shared_folder import FACTS, SEEDS_DIR, require_shared

TODAY = date(2026, 11, 24)
CHECKED = {TODAY, date(2026, 12, 7)}  # the pages read for the answers by aspect (issue 16) were read on 7/12
PHONE = re.compile(r"(?<![\d/])(?:\+33\s?|0\s?)[1-9](?:[\s.]?\d{2}){4}(?!\d)|(?<!\d)\d{2}\s\d{2}(?!\s?\d)|\b3[46]\s?\d{2}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- places -----------------------------------------------------------------------------------

SEED_PLACES = {
    # cpam id: (département number, name, postcode, town, town)
    "finistere": ("29", "Finistère", "29200", "Brest", "Quimper"),
    "vaucluse": ("84", "Vaucluse", "84000", "Avignon", "Carpentras"),
    "haute_savoie": ("74", "Haute-Savoie", "74000", "Annecy", "Thonon-les-Bains"),
    "cpam76": ("76", "Seine-Maritime", "76000", "Rouen", "Le Havre"),
}


@pytest.mark.parametrize("cpam_id", sorted(SEED_PLACES))
def test_every_whole_departement_seed_cpam_resolves_from_number_name_postcode_and_towns(cpam_id):
    number, name, postcode, town1, town2 = SEED_PLACES[cpam_id]
    for text in (number, name, postcode, town1, town2, f"j'habite à {town1}", f"dans le {number}"):
        place = resolve_place(text)
        assert place is not None, text
        assert place.departement == number and place.cpam_id == cpam_id, text
        assert place.understood.startswith("J'ai compris"), text
    assert resolve_place(town1).commune == town1
    assert resolve_place(postcode).postal_code == postcode


def test_roubaix_tourcoing_resolves_from_its_towns_and_postcode_but_the_nord_is_shared():
    for text in ("Roubaix", "Tourcoing", "Wattrelos", "59100", "59150", "j'habite à Wattrelos"):
        place = resolve_place(text)
        assert place.departement == "59" and place.cpam_id == "roubaix_tourcoing", text
    for text in ("59", "Nord", "dans le Nord"):
        place = resolve_place(text)
        assert place.departement == "59" and place.departement_name == "Nord"
        assert place.cpam_id is None and place.possible_cpams == ("roubaix_tourcoing",), text
    lille = resolve_place("Lille")
    assert lille.departement == "59" and lille.cpam_id is None and lille.possible_cpams == ()


@pytest.mark.parametrize("text, dept, commune, cpam", [
    ("j'habite à Wattrelos", "59", "Wattrelos", "roubaix_tourcoing"),
    ("Annecy", "74", "Annecy", "haute_savoie"),
    ("à Brest", "29", "Brest", "finistere"),
    ("Quimper", "29", "Quimper", "finistere"),
    ("je vis à Avignon", "84", "Avignon", "vaucluse"),
    ("Saint-Pierre-lès-Elbeuf", "76", "Saint-Pierre-lès-Elbeuf", "cpam76"),
    ("st pierre les elbeuf", "76", "Saint-Pierre-lès-Elbeuf", "cpam76"),
    ("ST-PIERRE-LES-ELBEUF", "76", "Saint-Pierre-lès-Elbeuf", "cpam76"),
    ("j'habite au Havre", "76", "Le Havre", "cpam76"),
    ("haute savoie", "74", None, "haute_savoie"),
    ("HAUTE-SAVOIE", "74", None, "haute_savoie"),
    ("finistere", "29", None, "finistere"),
    ("2A", "2A", None, None),
    ("974", "974", None, None),
    ("je suis au CCAS de Wattrelos, une dame renonce à ses soins dentaires", "59", "Wattrelos", "roubaix_tourcoing"),
])
def test_places_in_free_text(text, dept, commune, cpam):
    place = resolve_place(text)
    assert place is not None
    assert (place.departement, place.commune, place.cpam_id) == (dept, commune, cpam)


def test_longest_name_wins():
    assert resolve_place("Saint-Pierre-lès-Elbeuf").commune == "Saint-Pierre-lès-Elbeuf"  # not Elbeuf
    assert resolve_place("Haute-Savoie").departement == "74"  # not Savoie (73)
    assert resolve_place("j'habite à Annecy en Haute-Savoie").commune == "Annecy"


def test_same_name_in_several_departements_gives_candidates_to_ask():
    place = resolve_place("Saint-Pierre")
    assert place.ambiguous and place.needs_question
    assert place.departement is None and place.cpam_id is None
    assert len(place.candidates) >= 9 and {c.departement for c in place.candidates} >= {"974", "972", "15"}
    assert "Plusieurs communes" in place.understood
    answer = contacts_for(None, place)
    assert answer.question and "Laquelle" in answer.question
    # a département given with the town settles it
    for text in ("Saint-Pierre 974", "Saint-Pierre, La Réunion", "Saint-Pierre (974)"):
        settled = resolve_place(text)
        assert settled.commune == "Saint-Pierre" and settled.departement == "974", text


def test_words_that_are_also_towns_are_not_places():
    for text in ("j'ai 29 ans", "14000 par an", "aucun", "mon père est mort", "la réunion de demain",
                 "vaccins pour la crèche", "on a eu des jumeaux", "je dois aller à l'hôpital", "bonjour", "",
                 "un lot de documents", "c'est trop cher", None, 42):
        assert resolve_place(text) is None, text


@pytest.mark.parametrize("text, dept", [
    ("j'habite dans le 93 mai je sais pas où aller", "93"),  # "mai" for "mais"
    ("département 59 juin", "59"),
    ("dans le 974 mai bon", "974"),
    ("dans le 2A mars", "2A"),
    ("département 13 mai", "13"),  # after "département", even a code that could be a day
])
def test_departement_code_before_a_month_name(text, dept):
    place = resolve_place(text)
    assert place is not None and place.departement == dept, text


@pytest.mark.parametrize("text", ["le 12 mai", "à partir du 12 mai", "dans le 13 juin", "depuis le 01 avril",
                                  "le 93 mai"])
def test_dates_are_not_departements(text):
    # "le 93 mai" has no trigger: a bare number is not a place in a sentence
    assert resolve_place(text) is None, text


def test_departement_name_beats_a_namesake_village():
    assert resolve_place("à Vaucluse").departement == "84"  # not Vaucluse (Doubs)
    assert resolve_place("à la Réunion").departement == "974"  # not La Réunion (Lot-et-Garonne)
    assert resolve_place("dans la Vienne").departement == "86"
    assert resolve_place("j'habite à Vienne").departement == "38"  # the town


# --- needs and partner mode -------------------------------------------------------------------


@pytest.mark.parametrize("text, need", [
    ("une question sur mes remboursements", "dossier"),
    ("je n'ai pas reçu mon paiement", "dossier"),
    ("je voudrais faire une demande de C2S", "c2s_ame"),
    ("aide médicale de l'état pour un sans papiers", "c2s_ame"),
    ("mon père est décédé", "deces"),
    ("capital décès", "deces"),
    ("pension d'invalidité", "invalidite"),
    ("j'ai eu un accident du travail", "at_mp"),
    ("maladie professionnelle reconnue", "at_mp"),
    ("je veux faire une réclamation", "reclamation"),
    ("saisir le médiateur", "reclamation"),
    ("contester une décision devant la CRA", "reclamation"),
    ("une dame renonce à ses soins dentaires", "renoncement"),
    ("il n'a pas les moyens de se soigner", "renoncement"),
    ("l'examen de prévention en santé", "prevention"),
    ("un bilan de santé gratuit", "prevention"),
    ("qui est le délégué à la protection des données ?", "donnees"),
    ("RGPD", "donnees"),
    ("j'ai perdu ma carte vitale", "carte_vitale"),
    ("je voudrais un rendez-vous", "rendez_vous"),
    ("un rendez-vous pour ma C2S", "c2s_ame"),  # the topic beats the generic need
    ("une aide pour payer mes lunettes", "aide_financiere"),
    ("le forfait journalier de l'hôpital", "aide_financiere"),
    ("je suis enceinte, la CPAM m'accompagne ?", "accompagnement"),
    ("je veux m'opposer à Mon Espace Santé", "en_ligne"),
    ("combien de comptes gestionnaires a-t-on droit ?", "espace_partenaires"),
    ("je signale par l'espace partenaires une dame qui renonce à ses soins", "renoncement"),
    ("bonjour", None),
])
def test_find_need(text, need):
    assert find_need(text) == need


def test_needs_cover_the_required_topics_with_french_labels():
    assert set(NEED_IDS) >= {"dossier", "c2s_ame", "deces", "invalidite", "at_mp", "reclamation", "renoncement",
                             "prevention", "donnees", "carte_vitale", "rendez_vous"}
    for need in contacts.NEEDS:
        assert need.label and need.keywords


@pytest.mark.parametrize("text", [
    "je suis assistante sociale au CCAS", "travailleur social", "je travaille au CCAS de Wattrelos",
    "en tant que partenaire", "conseillère en économie sociale et familiale", "pour un usager",
    "je suis au CCAS de Wattrelos, une dame renonce à ses soins dentaires, je fais comment ?",
    "une personne que j'accompagne n'a plus de droits", "je suis l'assistante sociale de madame",
    "coordinatrice de CPTS", "je suis infirmière, une patiente ne se soigne plus, je vous la signale comment ?",
])
def test_partner_messages(text):
    assert is_partner_message(text)


@pytest.mark.parametrize("text", [
    "mon assistante sociale m'a dit d'appeler", "j'ai vu l'assistante sociale", "je suis allée au CCAS hier",
    "je suis suivie par le CCAS", "mon père est décédé, j'habite Annecy, qui contacter ?",
    "on était pacsés, j'ai droit à quelque chose en tant que partenaire ?", "je suis infirmière et en arrêt maladie",
    "", None,
])
def test_not_partner_messages(text):
    assert not is_partner_message(text)


# --- the two "done when" conversations --------------------------------------------------------


def test_ccas_wattrelos_renoncement_gets_the_partner_route_of_roubaix_tourcoing():
    text = "je suis au CCAS de Wattrelos, une dame renonce à ses soins dentaires, je fais comment ?"
    answer = contacts_from_text(text)
    assert answer.partner and answer.need_id == "renoncement" and answer.cpam_id == "roubaix_tourcoing"
    first = render_contacts(answer)
    assert len(first) <= contacts.MAX_NEED_CHARS and "https://espace-partenaires.ameli.fr" in first
    out = render_contacts(answer, full=True)  # "more details": every line
    assert "Espace Partenaires" in out and "saisine Mission accompagnement santé" in out
    assert "https://espace-partenaires.ameli.fr" in out
    assert "consentement" in out
    assert "jamais par son NIR" in out and "aucune donnée de santé" in out
    assert "Source : convention CPAM de Roubaix-Tourcoing – CCAS de Wattrelos (2023) (vérifié le 24/11/2026)" in out
    assert any(l.seed_file == "004_5b9dc41b8a6eec73.txt" for l in answer.local)


def test_death_in_annecy_gets_capital_deces_route_with_haute_savoie_and_national_channels():
    text = "mon père est décédé, j'habite Annecy, qui contacter ?"
    answer = contacts_from_text(text)
    assert not answer.partner and answer.need_id == "deces" and answer.cpam_id == "haute_savoie"
    out = render_contacts(answer)
    assert len(out) <= contacts.MAX_NEED_CHARS
    assert "capital décès" in out and "CPAM de la personne décédée" in out and "S3180" in out
    assert "CPAM de Haute-Savoie" in out and "74984 Annecy Cedex 9" in out
    assert "3646" in out
    assert "Source : convention CPAM de Haute-Savoie – CPTS Arve et Montagne (2025) (vérifié le 24/11/2026)" in out
    assert "Compte ameli" in render_contacts(answer, full=True)
    for shown in (out, render_contacts(answer, full=True)):
        assert "NIR" not in shown  # partner rules are not for the person


# --- answers ----------------------------------------------------------------------------------


def _national_values():
    return {v for item in load_contacts().national for v in item.values}


@pytest.mark.parametrize("text", ["Lot", "46", "j'habite à Cahors", "Lille"])
@pytest.mark.parametrize("need", [None, "reclamation", "deces", "c2s_ame", "renoncement"])
@pytest.mark.parametrize("partner", [False, True])
def test_outside_the_seeds_only_national_channels_and_the_caisse_page(text, need, partner):
    place = resolve_place(text)
    answer = contacts_for(need, place, partner)
    assert answer.cpam_id is None and answer.local == ()
    assert any(l.item_id == "tel_3646" for l in answer.national)
    assert answer.caisse_page is not None
    first, out = render_contacts(answer), render_contacts(answer, full=True)
    assert len(first) <= contacts.MAX_NEED_CHARS
    if place.departement == "46":
        # the person's first reply gives the caisse's page; a partner's gives the Espace Partenaires first
        assert "https://www.ameli.fr/lot" in (out if partner else first) and "lien déduit" in out
    allowed = _national_values()
    for shown in (first, out):
        for email in EMAIL.findall(shown):
            assert email in allowed, email  # no e-mail outside the national channels (there is none)
        assert "@" not in shown
        for phone in PHONE.findall(shown):
            assert any(_squash(phone) in _squash(v) for v in allowed), phone


def test_partner_answers_always_carry_the_nir_rule():
    places = [None, resolve_place("Wattrelos"), resolve_place("Annecy"), resolve_place("Lot"), resolve_place("Rouen"),
              resolve_place("Brest"), resolve_place("Avignon")]
    for need in (None,) + NEED_IDS:
        for place in places:
            out = render_contacts(contacts_for(need, place, partner=True), full=True)
            assert "jamais par son NIR" in out and "aucune donnée de santé" in out, (need, place)
            public = contacts_for(need, place, partner=False)
            assert "NIR" not in render_contacts(public) and "NIR" not in render_contacts(public, full=True)


@pytest.mark.parametrize("text, need, expected", [
    ("Avignon", "c2s_ame", ["5 jours en cas d'hospitalisation", "15 jours"]),
    ("Annecy", "c2s_ame", ["14 jours maximum", "30 jours calendaires"]),
    ("Annecy", "renoncement", ["48 heures"]),
    ("Roubaix", "c2s_ame", ["31 jours calendaires", "seuil d'alerte à 30 jours"]),
    ("Roubaix", "deces", ["certificat médical, un bulletin d'hospitalisation", "Dossier complet"]),
])
def test_partner_answers_give_the_cpam_delays_complete_and_urgent_files(text, need, expected):
    out = render_contacts(contacts_for(need, resolve_place(text), partner=True), full=True)
    for piece in expected:
        assert piece in out, piece
    assert "Délais, selon la convention" in out


def test_partner_motifs_come_from_the_espace_partenaires_table():
    out = render_contacts(contacts_for("deces", resolve_place("Rouen"), partner=True))
    assert "« Demander un rendez-vous pour un assuré » › « capital décès »" in out
    assert "peuvent varier d'une caisse à l'autre" not in out  # Rouen's own table
    quimper = contacts_for("c2s_ame", resolve_place("Quimper"), partner=True)
    out = render_contacts(quimper, full=True)
    assert "« étude de C2S »" in out and "peuvent varier d'une caisse à l'autre" in out
    # another CPAM's table never comes without its caveat: not in the short first reply
    assert "« étude de C2S »" not in render_contacts(quimper)


def test_seine_maritime_gives_both_caisses():
    answer = contacts_for("reclamation", resolve_place("Dieppe"))
    assert "mediation.cpam-rouen-elbeuf-dieppe@assurance-maladie.fr" in render_contacts(answer)
    out = render_contacts(answer, full=True)
    assert "mediation.cpam-rouen-elbeuf-dieppe@assurance-maladie.fr" in out
    assert "mediateur.cpam-lehavre@assurance-maladie.fr" in out
    assert "ne dit pas quelles communes" in out
    assert {l.caisse for l in answer.local if l.caisse} == {"Rouen-Elbeuf-Dieppe", "Le Havre"}


def test_partner_only_contacts_are_not_given_to_the_public():
    public = contacts_for("renoncement", resolve_place("Avignon"))
    partner = render_contacts(contacts_for("renoncement", resolve_place("Avignon"), partner=True), full=True)
    assert "mas84.cpam-vaucluse@assurance-maladie.fr" in partner
    for out in (render_contacts(public), render_contacts(public, full=True)):
        assert "mas84.cpam-vaucluse@assurance-maladie.fr" not in out
        assert "Mission accompagnement santé" in out


def test_unverified_numbers_are_never_shown_as_certain():
    places = [None, resolve_place("974"), resolve_place("Avignon"), resolve_place("Lot")]
    for need in (None,) + NEED_IDS:
        for place in places:
            for partner in (False, True):
                answer = contacts_for(need, place, partner)
                for out in (render_contacts(answer), render_contacts(answer, full=True)):
                    assert "3422" not in out and "34 22" not in out
    reunion = render_contacts(contacts_for(None, resolve_place("974")))
    assert "0 811 300 974 (à vérifier)" in reunion
    assert "0 811 300 974" not in render_contacts(contacts_for(None, resolve_place("Lot")))


@pytest.mark.parametrize("partner", [False, True])
def test_the_first_reply_to_every_need_is_short_and_the_rest_reachable(partner):
    places = [None] + [resolve_place(t) for t in ("Brest", "Avignon", "Annecy", "Rouen", "Roubaix", "Lot", "974", "Nord",
                                                  "Saint-Pierre")]
    for need in (None,) + NEED_IDS:
        for place in places:
            answer = contacts_for(need, place, partner)
            first, full = render_contacts(answer), render_contacts(answer, full=True)
            assert len(first) <= contacts.MAX_NEED_CHARS, (need, place and place.label, len(first), first)
            sources = [l for l in first.splitlines() if l.startswith("Source : ")]
            # one source line, last; none only when the reply is a question (which commune?)
            assert len(sources) == 1 or (not sources and answer.question), first
            assert not sources or first.splitlines()[-1] == sources[0], first
            # everything the first reply says is in the full answer (nothing said only in the short one)
            for line in first.splitlines()[1:len(first.splitlines()) - len(sources)]:
                for piece in line.lstrip("- ").rstrip(".").split(" ; "):
                    assert piece in full, (piece, full)
            assert contacts.is_shortened(answer) == (first != full)


def test_own_scheme_territory():
    answer = contacts_for(None, resolve_place("Nouméa"))
    assert answer.own_scheme and "propre régime" in render_contacts(answer)


def test_unknown_need_is_refused():
    with pytest.raises(ValueError, match="unknown need"):
        contacts_for("weather", None)


def test_source_lines_are_dated_and_short():
    out = render_contacts(contacts_for("prevention", resolve_place("Carpentras")))
    lines = [l for l in out.splitlines() if l.startswith("Source : ")]
    assert 1 <= len(lines) <= contacts.MAX_SOURCE_LINES
    assert re.match(r"Source : convention .*\(\d{4}\) \(vérifié le 24/11/2026\)$", lines[0])
    assert all(re.search(r"\(vérifié le \d\d/\d\d/20\d\d\)$", l) for l in lines)


def test_local_blocks_say_which_convention_and_which_year():
    out = render_contacts(contacts_for("prevention", resolve_place("Avignon")))
    assert "Selon la convention CPAM de Vaucluse, 2023 :" in out
    out = render_contacts(contacts_for("c2s_ame", resolve_place("Brest")))
    assert "Selon l'offre partenariale de la CPAM du Finistère, 2020 :" in out
    out = render_contacts(contacts_for("c2s_ame", resolve_place("Annecy"), partner=True), full=True)
    assert "Délais, selon la convention CPAM de Haute-Savoie, 2025 :" in out
    # a national line read in one CPAM's convention says which one
    out = render_contacts(contacts_for("renoncement", None), full=True)
    assert "aussi aux personnes qui ont l'AME (selon la convention CPAM de Roubaix-Tourcoing, 2023)" in out


def test_the_public_gets_the_local_delays_too():
    out = render_contacts(contacts_for("c2s_ame", resolve_place("Avignon")), full=True)
    assert "5 jours en cas d'hospitalisation" in out and "15 jours" in out
    out = render_contacts(contacts_for("c2s_ame", resolve_place("Roubaix")), full=True)
    assert "31 jours calendaires" in out


def test_no_stored_motif_is_left_out():
    """Every motif of the Espace Partenaires table shows in the partner answer for each of its needs."""
    k = load_contacts()
    for motif in k.motifs:
        for need in motif.needs:
            out = render_contacts(contacts_for(need, resolve_place("Rouen"), partner=True), full=True)
            assert f"« {motif.motif} »" in out, (motif.id, need)
    out = render_contacts(contacts_for("c2s_ame", resolve_place("Rouen"), partner=True), full=True)
    assert "« Demander un rendez-vous pour un assuré » › « AME », « C2S »" in out
    assert "« attestation de droits »" in out


def test_partner_account_rules_of_the_espace_partenaires():
    out = render_contacts(contacts_from_text("je suis au CCAS, combien de comptes gestionnaires dans l'espace partenaires ?"),
                          full=True)
    assert "jusqu'à 2 de 1 à 10 membres" in out and "gratuit" in out and "perdu" in out
    assert "NIR" in out  # the partner rules still come


@pytest.mark.parametrize("text, topic, expected", [
    ("J'habite à Avignon, comment je m'inscris au centre d'examens de santé ?", "prevention",
     ["Pour Avignon (Vaucluse, 84), selon la convention CPAM de Vaucluse, 2023 :", "inscription.ces84@assurance-maladie.fr",
      "04 86 19 93 20", "Doctolib"]),
    ("J'habite à Annecy, comment je m'inscris au centre d'examens de santé ?", "prevention",
     ["selon la convention CPAM de Haute-Savoie, 2025", "04 57 09 50 29", "ces.cpam-haute-savoie@assurance-maladie.fr"]),
    ("J'habite à Roubaix, comment je m'inscris au centre d'examens de santé ?", "prevention",
     ["selon la convention CPAM de Roubaix-Tourcoing, 2023", "CES Roubaix 03 20 99 30 70"]),
    ("J'habite à Rouen, à qui écrire pour ma pension d'invalidité ?", "invalidite",
     ["sriferent.cpam-rouen-elbeuf-dieppe@assurance-maladie.fr (à vérifier)", "messagerie de votre compte ameli"]),
    ("J'habite au Havre, comment saisir le médiateur ?", "reclamation", ["mediateur.cpam-lehavre@assurance-maladie.fr"]),
    ("j'ai l'AME, la MAS peut-elle m'aider ?", "c2s_ame", ["aussi aux personnes qui ont l'AME", "3646"]),
    ("j'habite à Quimper, je n'ai pas de quoi payer mes lunettes, une aide financière ?", "c2s_ame",
     ["Aides financières exceptionnelles", "lunettes"]),
])
def test_a_question_on_a_topic_gets_the_local_service_of_its_place(text, topic, expected):
    out = local_services(text, topic)
    assert out is not None, text
    for piece in expected:
        assert piece in out, (piece, out)


@pytest.mark.parametrize("text, topic", [
    ("ai-je droit à la C2S ?", "c2s_ame"),  # no place, no other service named
    ("j'habite à Cahors, ai-je droit à la C2S ?", "c2s_ame"),  # no convention there
    ("j'habite à Saint-Pierre, ai-je droit à la C2S ?", "c2s_ame"),  # which Saint-Pierre? the contact flow asks
    ("j'habite à Avignon, le vaccin contre la grippe ?", None),
])
def test_no_local_block_when_nothing_local_is_known(text, topic):
    assert local_services(text, topic) is None


def test_needs_named_lists_every_need_best_first():
    assert needs_named("j'ai l'AME, la MAS peut-elle m'aider ?") == ("c2s_ame", "renoncement")
    assert needs_named("") == ()


# Editors' research notes never reach a person or a partner: file names, line numbers, notes.
RESEARCH_NOTES = re.compile(r"\d{3}_[0-9a-f]{16}\.txt|\.txt\b|\blignes? \d|\(where\)|\bseed\b|ne pas publier|fichier 0|"
                            r"Note :|non relevée|facts\.md", re.IGNORECASE)


def test_no_research_note_in_any_contact_answer():
    places = [None] + [resolve_place(t) for t in ("Brest", "Avignon", "Annecy", "Rouen", "Roubaix", "Lot", "974", "Nord")]
    for need in (None,) + NEED_IDS:
        for place in places:
            for partner in (False, True):
                answer = contacts_for(need, place, partner)
                for out in (render_contacts(answer), render_contacts(answer, full=True)):
                    assert not RESEARCH_NOTES.search(out), (need, place and place.label, partner, RESEARCH_NOTES.search(out))
    for text in ("J'habite à Avignon, comment je m'inscris au centre d'examens de santé ?",
                 "J'habite à Rouen, à qui écrire pour ma pension d'invalidité ?"):
        assert not RESEARCH_NOTES.search(local_services(text, find_need(text)))


# --- the knowledge file -----------------------------------------------------------------------


def test_no_contact_lacks_a_source():
    k = load_contacts()
    cited = list(k.all_items()) + list(k.motifs)
    assert len(cited) > 60
    for item in cited:
        source = k.source(item.source_id)
        assert source.url.startswith("https://") and source.checked in CHECKED
        if source.seed_file:
            assert item.seed_file == source.seed_file and item.place, getattr(item, "id", item)
            assert not SEEDS_DIR.is_dir() or (SEEDS_DIR / item.seed_file).exists()
    for cpam in k.cpams:
        source = k.source(cpam.source_id)
        assert source.seed_file and source.confidence == "official"
        assert source.url == cpam.ameli_url


def test_every_value_is_copied_from_its_source():
    """Phones, e-mails, addresses and URLs of the conventions occur in the seed file they cite."""
    require_shared()
    k = load_contacts()
    facts = _squash(FACTS.read_text(encoding="utf-8"))
    for item in k.all_items():
        source = k.source(item.source_id)
        for value in item.values:
            if source.seed_file:
                seed = _squash((SEEDS_DIR / source.seed_file).read_text(encoding="utf-8"))
                needle = _squash(value)
                if needle.startswith("https://"):
                    needle = needle[len("https://"):].removeprefix("www.")
                assert needle in seed, (item.id, value)
            elif not value.startswith("https://"):
                assert _squash(value) in facts, (item.id, value)


def test_no_phone_or_email_hides_in_a_text_without_being_a_value():
    k = load_contacts()
    national = " ".join(v for i in k.national for v in i.values)  # "3646" may be named anywhere
    for item in k.all_items():
        values = _squash(" ".join(item.values) + " " + national)
        for email in EMAIL.findall(item.text):
            assert email in values, (item.id, email)
        for phone in PHONE.findall(item.text):
            assert _squash(phone) in values, (item.id, phone)


def test_named_staff_are_left_out():
    raw = CONTACTS_FILE.read_text(encoding="utf-8")
    for personal in ("sylvie.virot", "alexandre.lefort", "martine.leroy", "emmanuelle.pust", "aldjia.laamari",
                     "07 64 44 33 85", "06 14 10 01 30", "pierrotin.fr", "outlook.fr"):
        assert personal not in raw


def test_not_found_facts_are_marked():
    k = load_contacts()
    by_id = {i.id: i for i in k.national}
    assert k.source(by_id["mon_espace_sante_3422"].source_id).confidence == "not_found"
    assert not by_id["mon_espace_sante_3422"].render
    assert k.source(by_id["forum_horaires"].source_id).confidence == "not_found"
    for dom in ("dom_reunion", "dom_guadeloupe", "dom_martinique"):
        assert k.source(by_id[dom].source_id).confidence == "secondary"


# --- broken contacts files --------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _raw_contacts() -> dict:
    return yaml.load(CONTACTS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _broken(tmp_path: Path, mutate) -> Path:
    data = copy.deepcopy(_raw_contacts())
    mutate(data)
    path = tmp_path / "contacts.yml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True), encoding="utf-8")
    return path


def test_the_real_file_loads():
    assert load_contacts_file(CONTACTS_FILE).cpams


@pytest.mark.parametrize("mutate, pattern", [
    (lambda d: d["cpams"][0]["items"][0].update(source_id="nowhere"), r"cpams\[0\]\.items\[0\].*unknown source_id 'nowhere'"),
    (lambda d: d["national"][0].update(source_id="ghost"), r"national\[0\].*ghost"),
    (lambda d: d["cpams"][1]["items"][0].update(seed_file="000_1e62a3a5c6a2baa9.txt"), r"cpams\[1\]\.items\[0\]: seed_file must be '001_"),
    (lambda d: d["cpams"][2]["items"][0].pop("place"), r"cpams\[2\]\.items\[0\]: 'place'"),
    (lambda d: d["cpams"][2]["items"][0].update(place="annexe 2, lignes 12-14"), r"editor's note in a shown text"),
    (lambda d: d["national"][0].update(text="Voir le fichier 001_0df64a3406572078.txt"), r"editor's note"),
    (lambda d: d["sources"][-1].pop("convention_year"), r"needs `convention` and `convention_year`"),
    (lambda d: d["motifs"].append(dict(d["motifs"][0])), r"duplicate item ids: contact_evolutions"),
    (lambda d: d["partner_rules"][0].pop("source_id"), r"partner_rules\.0\.source_id"),
    (lambda d: d["cpams"][0]["items"][0].update(colour="blue"), r"colour"),
    (lambda d: d["cpams"][4]["items"][2].update(values=["mediation@cpam-roubaix-tourcoing"]), r"values.*not an e-mail"),
    (lambda d: d["national"][0].update(needs=["weather"]), r"national\.0\.needs.*unknown need 'weather'"),
    (lambda d: d["sources"][0].update(url="http://www.ameli.fr"), r"sources\.0\.url.*https"),
    (lambda d: d["sources"][0].update(confidence="sure"), r"confidence"),
    (lambda d: d["sources"].append(dict(d["sources"][0])), r"duplicate source ids: ameli_contact"),
    (lambda d: d["cpams"][1].update(departements=["29"]), r"29 given to several CPAMs"),
    (lambda d: d.update(partner_rules=[r for r in d["partner_rules"] if r["id"] != "regle_nir"]), r"missing rule\(s\) regle_nir"),
])
def test_broken_contacts_file_is_rejected_with_a_clear_error(tmp_path, mutate, pattern):
    path = _broken(tmp_path, mutate)
    with pytest.raises(KnowledgeError) as err:
        load_contacts_file(path)
    msg = str(err.value)
    assert str(path) in msg and "invalid contacts file" in msg
    assert re.search(pattern, msg), msg


def test_unreadable_contacts_file(tmp_path):
    path = tmp_path / "contacts.yml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="must be a YAML mapping"):
        load_contacts_file(path)


# --- the communes reference -------------------------------------------------------------------


def test_communes_reference_is_small_complete_and_traced():
    assert COMMUNES_FILE.stat().st_size < 3_000_000
    meta = yaml.safe_load(COMMUNES_SOURCE_FILE.read_text(encoding="utf-8"))
    assert meta["package"] == "@etalab/decoupage-administratif" and meta["version"]
    assert "Licence Ouverte" in meta["licence"] and meta["generated"]
    assert meta["csv_sha256"] == hashlib.sha256(COMMUNES_FILE.read_bytes()).hexdigest()
    with COMMUNES_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["insee_code", "name", "departement", "postal_codes"]
    assert len(rows) - 1 == meta["rows"] > 34000
    codes = {d["code"] for d in meta["departements"]}
    assert {"29", "2A", "74", "76", "84", "59", "974", "976"} <= codes
    assert all(r[2] in codes for r in rows[1:])


def test_every_commune_name_is_found_by_its_own_name():
    ref = contacts._reference()
    assert all(c in ref.by_key[contacts._key(c.name)] for c in ref.communes.values())
    assert contacts.communes_named("SAINT-PIERRE-LES-ELBEUF")[0].insee_code == "76640"
    assert [c.insee_code for c in contacts.communes_named("Wattrelos")] == ["59650"]


def test_contacts_module_does_not_import_rasa():
    source = Path(contacts.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(?:from|import)\s+rasa", source, re.MULTILINE)


# --- the actions: a question routed to a right or to prevention still gets its local service ----


def _run_action(action, text: str, intent: str) -> list:
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    tracker = Tracker("test", {}, {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
                      [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return [m.get("text") or "" for m in dispatcher.messages]


@pytest.mark.parametrize("module, action, text, intent, expected", [
    ("actions.prevention", "ActionAnswerPrevention", "J'habite à Avignon, comment je m'inscris au centre d'examens de santé ?",
     "ask_prevention", "inscription.ces84@assurance-maladie.fr"),
    ("actions.rights", "ActionAnswerRight", "J'habite à Rouen, à qui écrire pour ma pension d'invalidité ?",
     "ask_invalidite", "sriferent.cpam-rouen-elbeuf-dieppe@assurance-maladie.fr"),
    ("actions.rights", "ActionAnswerRight", "j'ai l'AME, la MAS peut-elle m'aider ?", "ask_ame",
     "aussi aux personnes qui ont l'AME"),
])
def test_the_first_reply_to_a_topic_question_carries_the_local_service(module, action, text, intent, expected):
    import importlib

    messages = _run_action(getattr(importlib.import_module(module), action)(), text, intent)
    assert len(messages) == 2 and expected in messages[1], messages


def test_a_topic_question_without_place_or_service_gets_only_its_answer():
    from actions.rights import ActionAnswerRight

    assert len(_run_action(ActionAnswerRight(), "c'est quoi l'AME ?", "ask_ame")) == 1


def test_partner_only_needs_are_offered_to_partners_only():
    from actions.contacts import need_buttons

    public = {b["payload"] for b in need_buttons()}
    partner = {b["payload"] for b in need_buttons(partner=True)}
    assert not any("espace_partenaires" in p or "partenariat" in p for p in public)
    assert any("espace_partenaires" in p for p in partner) and public < partner
