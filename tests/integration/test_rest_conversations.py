"""Real conversations through the REST channel, against the running action server and Rasa
server (see conftest.py). They check what a person reads, not the internals."""
from __future__ import annotations

import sqlite3

import pytest

RIGHT_QUESTIONS = [
    ("c'est quoi la complémentaire santé solidaire ?", "Complémentaire santé solidaire"),
    ("je viens d'arriver en france, est-ce que la secu me couvre ? c'est quoi la puma", "PUMa"),
    ("c'est quoi l'aide médicale de l'état", "AME"),
    ("mon frère est arrivé il y a 2 semaines sans papiers et doit être opéré en urgence", "urgent"),
    ("comment demander le capital décès", "capital décès"),
    ("c'est quoi la pension d'invalidité", "invalidité"),
]


@pytest.mark.parametrize("question, expected_topic", RIGHT_QUESTIONS)
def test_each_right_is_answered_with_its_source_and_date(conversation, question, expected_topic):
    answer = conversation.say_text(question)
    assert expected_topic.lower() in answer.lower()
    assert "https://" in answer
    assert "vérifié le" in answer
    assert "Vérifier si j’y ai droit" in answer


def test_the_done_when_question_gets_a_sourced_indicative_c2s_verdict(conversation):
    first = conversation.say_text(
        "j'ai 900 euros par mois, seule, ai-je droit à la complémentaire gratuite ?"
    )
    # Income and household size were in the sentence: they are told back, not asked again.
    assert "J'ai noté : 10 800 € de ressources sur 12 mois ; 1 personne dans le foyer." in first
    assert "RSA" in first
    assert "métropole" in conversation.say_text("non").lower()
    ages_question = conversation.say_text("en métropole")
    assert "âge" in ages_question
    verdict = conversation.say_text("42 ans")
    assert "participation" in verdict.lower()
    assert "10 339" in verdict  # the free C2S ceiling for 1 person, which 10 800 € exceeds
    assert "14" in verdict  # monthly participation at 42
    assert "indicatif" in verdict.lower()
    assert "https://" in verdict and "vérifié le" in verdict


def test_an_rsa_beneficiary_is_never_asked_about_income(conversation):
    conversation.say_text("est-ce que j'ai droit à la c2s ?")
    answer = conversation.say_text("je touche le RSA")
    assert "ressources" not in answer.lower()


def test_a_bad_answer_is_re_asked_in_french_and_nothing_is_lost(conversation):
    conversation.say_text("ai-je droit à la complémentaire santé solidaire ?")
    question = conversation.say_text("aucun des deux")
    assert "personnes" in question
    re_ask = conversation.say_text("-3")
    assert "personnes" in re_ask  # the same question comes back
    next_question = conversation.say_text("deux enfants")
    assert "3 personnes" in next_question
    assert "ressources" in next_question.lower()


def test_a_question_in_the_middle_of_the_form_is_answered_then_the_form_resumes(conversation):
    conversation.say_text("est-ce que j'ai droit à la complémentaire santé solidaire ?")
    switched = conversation.say_text("au fait, c'est quoi l'aide médicale de l'état ?")
    assert "AME" in switched
    assert "RSA" in switched  # the pending question is asked again


def test_stop_ends_the_form_and_offers_to_resume(conversation):
    conversation.say_text("ai-je droit à la pension d'invalidité ?")
    stopped = conversation.say_text("stop, j'arrête")
    assert "Reprendre les questions" in stopped
    resumed = conversation.say_text('/check_eligibility{"right":"invalidite"}')
    assert "?" in resumed


@pytest.mark.parametrize(
    "message",
    ["", "   ", "😀😀😀", "a" * 5000, "<script>alert(1)</script>", "'; DROP TABLE events; --"],
)
def test_odd_messages_get_an_answer_and_break_nothing(conversation, message):
    assert conversation.say_text(message).strip()
    answer = conversation.say_text("bonjour")
    assert "Bonjour" in answer


@pytest.mark.parametrize("message", ["", "   ", "😀😀😀"])
def test_a_message_without_words_asks_for_words(conversation, message):
    assert "Je n’ai pas reçu de mots" in conversation.say_text(message)


def test_an_emoji_in_the_middle_of_the_form_gets_the_question_again(conversation):
    conversation.say_text("ai-je droit à la c2s ?")
    assert "RSA" in conversation.say_text("👍")


def test_a_nir_typed_in_the_form_is_refused_and_explained(conversation):
    number = 1841275123456
    nir = f"{number}{97 - number % 97:02d}"
    conversation.say_text("est-ce que j'ai droit à la complémentaire santé solidaire ?")
    answer = conversation.say_text(nir)
    assert "numéro de sécurité sociale" in answer
    assert "RSA" in answer  # the question is asked again


def test_a_death_story_is_read_and_only_the_missing_facts_are_asked(conversation):
    first = conversation.say_text(
        "mon mari est décédé, il était au chômage, est-ce que j'ai droit à quelque chose ?"
    )
    assert "au chômage indemnisé" in first  # the rule that answers it, first
    assert "Vérifier si j’y ai droit" in first
    check = conversation.say_text('/check_eligibility{"right":"capital_deces"}')
    assert "au chômage indemnisé" in check and "conjoint" in check  # read from the first sentence
    assert "date" in check  # the death date is the first fact still missing


def test_out_of_scope_gets_a_polite_answer_and_the_menu(conversation):
    answer = conversation.say_text("tu connais une bonne recette de crêpes ?")
    assert "Voir les sujets" in answer


def test_conversations_are_kept_in_the_sqlite_tracker_store(assistant, conversation):
    conversation.say_text("bonjour")
    with sqlite3.connect(assistant["tracker_db"]) as database:
        count = database.execute(
            "select count(*) from events where sender_id = ?", (conversation.sender,)
        ).fetchone()[0]
    assert count > 0
