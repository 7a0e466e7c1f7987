"""The MAS saisine through the real stack: REST channel → Rasa → action server → outbox →
backend (aiohttp + SQLite), with the courier process retrying when the backend is down."""
from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest

from tests.integration.conftest import Conversation

VALID_NIR = "2 84 05 75 116 234 42"  # structure and key valid (stdnum.fr.nir)
REFERENCE = re.compile(r"MAS-\d{4}-[0-9A-Z]{6}")
DELIVERY_TIMEOUT_SECONDS = 90


def rows(database: Path, query: str, *args) -> list:
    with sqlite3.connect(database) as connection:
        return connection.execute(query, args).fetchall()


def everything_stored(database: Path) -> str:
    """Every text value of every table, to search for data that must not be there."""
    with sqlite3.connect(database) as connection:
        tables = [t for (t,) in connection.execute("select name from sqlite_master where type='table'")]
        return "\n".join(
            " ".join(str(value) for value in row)
            for table in tables for row in connection.execute(f"select * from {table}")
        )


def answer_all(conversation: Conversation, answers: list) -> str:
    reply = ""
    for answer in answers:
        reply = conversation.say_text(answer)
    return reply


def wait_for(predicate, timeout: float = DELIVERY_TIMEOUT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


PERSON_ANSWERS = ["oui", "oui", "le dentiste", "plus d'un an", "Dupont", "Marie", "14 juillet 1985",
                  "06 12 34 56 78", "pas d'e-mail"]


def test_from_giving_up_care_to_a_reference_stored_with_its_consent(conversation, assistant):
    offer = conversation.say_text("je n'arrive plus à me soigner, c'est trop cher")
    assert "Mission accompagnement santé" in offer and "Souhaitez-vous qu'un conseiller vous contacte" in offer

    notice = conversation.say_text("oui")
    for required in ("18 mois", "droit d'accès", "effacement", "CNIL", "retirer votre accord", "J'accepte"):
        assert required in notice
    assert "Nom" not in notice  # nothing personal is asked before the explicit yes

    summary = answer_all(conversation, PERSON_ANSWERS[1:])
    assert "• Nom : Dupont" in summary and "• Téléphone : 06 12 34 56 78" in summary
    assert "Confirmer l'envoi" in summary

    done = conversation.say_text("confirmer l'envoi")
    reference = REFERENCE.search(done).group(0)
    assert "transmise" in done and "appellera" in done

    stored = rows(assistant["saisine_db"], "select status, consent_text_version, consent_channel from saisines where reference = ?", reference)
    assert stored == [("received", "annexe4-2025-v1", "rest")]


def test_a_nir_typed_in_the_form_is_refused_and_stored_nowhere(conversation, assistant):
    conversation.say_text("je voudrais être accompagnée pour mes soins")
    answer_all(conversation, ["oui", "difficultés d'accès aux droits"])
    refused = conversation.say_text(f"mon numéro de sécu c'est le {VALID_NIR}")
    assert "numéro de sécurité sociale" in refused
    reply = answer_all(conversation, ["Leroy", "Paul", "02/03/1971", "0612345678", "non"])
    reference = REFERENCE.search(conversation.say_text("confirmer l'envoi")).group(0)
    assert reply

    digits = re.sub(r"\D", "", VALID_NIR)
    for store in ("tracker_db", "saisine_db", "outbox_db"):
        content = everything_stored(assistant[store])
        assert VALID_NIR not in content and digits not in content, store
    assert "[NIR retir" in everything_stored(assistant["tracker_db"])  # JSON escapes the é
    assert rows(assistant["saisine_db"], "select count(*) from saisines where reference = ?", reference) == [(1,)]


def test_a_partner_refers_someone(assistant):
    partner = Conversation(assistant["url"])
    consent = partner.say_text("je suis assistante sociale au CCAS, je veux faire une saisine MAS pour une dame")
    assert "Confirmez-vous que la personne a reçu ces informations" in consent
    summary = answer_all(partner, [
        "oui", "situation sociale complexe", "Benali", "Samira", "1er janvier 1958", "06 98 76 54 32",
        "pas d'e-mail", "Claire Martin", "CCAS de Wattrelos", "claire.martin@ccas-wattrelos.fr",
        "03 20 00 00 00", "dossier de complémentaire santé solidaire",
    ])
    assert "• Votre structure : CCAS de Wattrelos" in summary
    assert "• Démarches déjà engagées : Dossier de Complémentaire santé solidaire" in summary
    reference = REFERENCE.search(partner.say_text("confirmer l'envoi")).group(0)
    assert rows(assistant["saisine_db"], "select consent_by from saisines where reference = ?", reference) == [
        ("partner_confirms_person_consented",)]


def test_refused_consent_stores_nothing_and_gives_the_other_contacts(conversation, assistant):
    before = rows(assistant["saisine_db"], "select count(*) from saisines")
    conversation.say_text("je veux être contacté par un conseiller de la mission accompagnement santé")
    reply = conversation.say_text("non")
    assert "je n’enregistre rien" in reply and "3646" in reply
    assert rows(assistant["saisine_db"], "select count(*) from saisines") == before


def test_a_child_under_15_needs_a_parent_s_consent(conversation):
    conversation.say_text("je voudrais être accompagné pour mes soins")
    asked = answer_all(conversation, ["oui", "fragilité face au numérique", "Petit", "Lucas", "12/05/2015"])
    assert "autorité parentale" in asked
    ended = conversation.say_text("non")
    assert "je n’enregistre rien" in ended


def test_correcting_one_field_then_cancelling_erases_the_draft(conversation, assistant):
    conversation.say_text("je voudrais être accompagné pour mes soins")
    answer_all(conversation, ["oui", "situation sociale complexe", "Morel", "Jean", "5 avril 1990",
                              "06 11 22 33 44", "pas d'e-mail"])
    which = conversation.say_text("corriger une information")
    assert "Quelle information" in which and "Téléphone" in which
    conversation.say_text("téléphone")
    summary = conversation.say_text("07 81 22 33 44")
    assert "• Téléphone : 07 81 22 33 44" in summary and "06 11 22 33 44" not in summary
    cancelled = conversation.say_text("annuler la demande")
    assert "annulée" in cancelled
    assert "Morel" not in everything_stored(assistant["outbox_db"])
    assert "Morel" not in everything_stored(assistant["saisine_db"])


@pytest.mark.parametrize("surname", ["Barre", "Brisebarre", "Stoppani"])
def test_a_surname_that_looks_like_stop_is_kept_and_the_form_goes_on(conversation, surname):
    conversation.say_text("je voudrais être accompagné pour mes soins")
    answer_all(conversation, ["oui", "situation sociale complexe"])
    asks_first_name = conversation.say_text(surname)
    assert "annulée" not in asks_first_name and "prénom" in asks_first_name
    summary = answer_all(conversation, ["Jeanne", "5 avril 1990", "06 11 22 33 44", "pas d'e-mail"])
    assert f"• Nom : {surname}" in summary


def test_stop_at_the_name_question_still_cancels(conversation):
    conversation.say_text("je voudrais être accompagné pour mes soins")
    answer_all(conversation, ["oui", "situation sociale complexe"])
    assert "annulée" in conversation.say_text("stop, j'arrête")


def test_saisines_confirmed_while_the_backend_is_down_arrive_exactly_once(assistant):
    backend = assistant["processes"]["backend"]
    backend.stop()
    references = []
    try:
        for name in ("Alpha", "Bravo", "Charlie"):
            person = Conversation(assistant["url"])
            person.say_text("je voudrais être accompagné pour mes soins")
            answer_all(person, ["oui", "fragilité face au numérique", name, "Test", "1/1/1980",
                                "06 12 34 56 78", "pas d'e-mail"])
            done = person.say_text("confirmer l'envoi")
            assert "enregistrée" in done and "transmise automatiquement" in done
            references.append(REFERENCE.search(done).group(0))
    finally:
        backend.start()
        backend.wait_ready()

    def all_delivered() -> bool:
        statuses = rows(assistant["outbox_db"], "select status from saisine_outbox where reference in (?, ?, ?)", *references)
        return len(statuses) == 3 and all(s == ("delivered",) for s in statuses)

    assert wait_for(all_delivered), "the courier did not deliver the saisines"
    for reference in references:
        assert rows(assistant["saisine_db"], "select count(*) from saisines where reference = ?", reference) == [(1,)]


def test_the_person_withdraws_with_the_reference(assistant):
    person = Conversation(assistant["url"])
    person.say_text("le dentiste c'est trop cher, j'y vais plus")
    answer_all(person, PERSON_ANSWERS[:1] + PERSON_ANSWERS[1:])
    reference = REFERENCE.search(person.say_text("confirmer l'envoi")).group(0)

    other_session = Conversation(assistant["url"])  # the reference is enough, even later
    withdrawn = other_session.say_text(f"je retire mon consentement {reference.lower()}")
    assert "retiré" in withdrawn and "effacée" in withdrawn
    status, payload = rows(assistant["saisine_db"], "select status, payload from saisines where reference = ?", reference)[0]
    assert status == "withdrawn" and payload is None
