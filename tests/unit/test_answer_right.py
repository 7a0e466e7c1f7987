"""The answer to one aspect of a right, for the person's parameters (bot.answers.answer_right)."""
from __future__ import annotations

from datetime import date

import pytest

from bot.answers import MAX_FIRST_REPLY, answer_right
from bot.aspects import RIGHT_ASPECTS
from bot.knowledge import load_rights
from bot.question_params import read_params

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize("right", sorted(load_rights()))
@pytest.mark.parametrize("aspect", sorted(RIGHT_ASPECTS))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_aspect_of_every_right_is_a_short_sourced_answer_or_an_honest_gap(right, aspect, language):
    answer = answer_right(right, aspect, on=TODAY, language=language)
    text = answer.text()
    assert len(text) <= MAX_FIRST_REPLY
    if answer.gap:
        assert ("Je n'ai pas cette information" in text or "I don't have" in text) and "3646" in text
    else:
        assert text.splitlines()[-1].startswith("Source" if language == "fr" else "Source:")


@pytest.mark.parametrize("question, right, aspect, expected", [
    ("combien ça coûte à 62 ans la css avec participation ?", "c2s", "cost", "25 € par mois à 62 ans"),
    ("on est 3 a la reunion, c quoi le plafond pour la css gratuite ?", "c2s", "ceiling", "3 personnes en outre-mer"),
    ("on est 3 a la reunion, c quoi le plafond pour la css gratuite ?", "c2s", "ceiling", "calcul à partir"),
    ("Jusqu'à quel revenu la C2S pour une personne seule ?", "c2s", "ceiling", "pas encore intégré"),
    ("mon mari est décédé le 12 juin 2025, le capital décès c'est combien ?", "capital_deces", "cost", "3 977 €"),
    ("plafond de l'AME pour 2 personnes", "ame", "ceiling", "2 personnes"),
])
def test_the_figure_is_computed_for_the_person_and_said_with_its_standing(question, right, aspect, expected):
    answer = answer_right(right, aspect, read_params(question, TODAY), on=TODAY, question=question)
    assert expected in answer.text()


def test_the_line_sharing_the_questions_distinctive_words_comes_first():
    question = "mon pere etait a la retraite depuis 5 ans, il est decede, on a droit au capital deces ?"
    answer = answer_right("capital_deces", "who", on=TODAY, question=question)
    assert "retraité" in answer.sentences[0]


def test_an_unsure_aspect_still_finds_the_line_that_answers():
    # the NLU hesitates between two aspects: the lines of both are candidates
    answer = answer_right("c2s", "covered", on=TODAY, question="combien de temps pour avoir une réponse pour la css ?",
                          ranking=[("covered", 0.3), ("delay", 0.28)])
    assert "2 mois" in answer.text()


def test_an_aspect_without_a_line_is_an_honest_gap_naming_the_official_page():
    answer = answer_right("invalidite", "documents", on=TODAY)
    assert answer.gap and answer.source is None
    assert "https://" in answer.text() and "3646" in answer.text()


def test_english_questions_get_the_english_wordings():
    answer = answer_right("c2s", "delay", on=TODAY, language="en")
    assert "2 months" in answer.text() and answer.text().splitlines()[-1].startswith("Source:")


def test_the_end_of_an_invalidity_pension_is_the_legal_retirement_age_of_the_persons_year_of_birth():
    question = "je suis né en 1964 et en invalidité, elle s'arrete a quel age ma pension ?"
    answer = answer_right("invalidite", "renewal", read_params(question, TODAY), on=TODAY, question=question)
    assert answer.sentences[0].startswith("Né(e) en 1964") and "62 ans et 9 mois" in answer.sentences[0]
    question = "née en 1965, ma pension d'invalidité s'arrête quand ?"
    answer = answer_right("invalidite", "renewal", read_params(question, TODAY), on=TODAY, question=question)
    assert "62 ans et 9 mois ou 63 ans selon votre mois de naissance" in answer.sentences[0]


def test_what_is_it_is_answered_by_the_cards_summary():
    answer = answer_right("capital_deces", "what_is", on=TODAY, question="le capital deces c'est quoi, c verse a qui ?",
                          ranking=[("what_is", 0.5), ("who", 0.3)])
    assert answer.sentences[0].startswith("Le capital décès est une somme versée une seule fois")
