"""Reading the aspect and the language the NLU gave a message (bot.questions)."""
from __future__ import annotations

import pytest

from bot.questions import aspect_of, entity_values, language_of


def parsed(*ranking, language=("fr", 0.99), entities=()):
    return {
        "aspect": {"name": ranking[0][0], "confidence": ranking[0][1],
                   "ranking": [{"name": n, "confidence": c} for n, c in ranking]} if ranking else None,
        "language": {"name": language[0], "confidence": language[1]},
        "entities": [{"entity": e, "value": v} for e, v in entities],
    }


@pytest.mark.parametrize("message, family, expected", [
    # the best aspect of the subject's family wins…
    (parsed(("delay", 0.8), ("apply", 0.1)), "right", "delay"),
    # …an aspect of another family is skipped (a prevention "age" read for a right question)
    (parsed(("age", 0.6), ("cost", 0.3)), "right", "cost"),
    (parsed(("cost", 0.6), ("coverage", 0.3)), "prevention", "coverage"),
    (parsed(("phone", 0.9)), "contact", "phone"),
    # own entitlement is a right aspect only
    (parsed(("own_case", 0.6), ("age", 0.3)), "prevention", "age"),
    # unsure: the family's default (a right's short summary, an offer's overview)
    (parsed(("delay", 0.2)), "right", "what_is"),
    (parsed(), "prevention", "overview"),
])
def test_the_aspect_is_the_best_one_of_the_subjects_family(message, family, expected):
    assert aspect_of(message, family).aspect == expected


def test_a_button_payload_says_the_aspect_outright():
    message = parsed(("delay", 0.9), entities=[("aspect", "apply")])
    assert aspect_of(message, "right", entity_values(message, "aspect")).aspect == "apply"


def test_an_own_entitlement_reading_behind_a_factual_one_makes_a_mixed_question():
    assert aspect_of(parsed(("ceiling", 0.5), ("own_case", 0.35)), "right").also_own_case
    assert not aspect_of(parsed(("ceiling", 0.85), ("own_case", 0.05)), "right").also_own_case


@pytest.mark.parametrize("language, expected", [
    (("en", 0.95), "en"), (("en", 0.55), "fr"), (("fr", 0.99), "fr"),
])
def test_english_only_when_the_nlu_is_confident(language, expected):
    assert language_of(parsed(("what_is", 0.9), language=language)) == expected


def test_a_message_without_nlu_output_is_french_with_the_default_aspect():
    assert language_of({}) == "fr"
    assert aspect_of({}, "contact").aspect == "overview"


@pytest.mark.parametrize("message, need, typed, expected", [
    # "Qui contacter ?": no aspect, no need — the menu of needs (overview)
    (parsed(("overview", 0.65), ("phone", 0.1)), None, True, "overview"),
    # "comment joindre ma caisse ?": the likeliest contact aspect when plausible
    (parsed(("overview", 0.4), ("phone", 0.3)), None, True, "phone"),
    # in English never the French menu
    (parsed(("overview", 0.7), ("phone", 0.1), language=("en", 0.95)), None, True, "phone"),
    # a need said, or a button: the reading stands
    (parsed(("overview", 0.4), ("phone", 0.3)), "carte_vitale", True, "overview"),
    (parsed(("overview", 0.4), ("phone", 0.3)), None, False, "overview"),
])
def test_a_contact_question_naming_no_aspect(message, need, typed, expected):
    from bot.questions import contact_aspect

    assert contact_aspect(message, aspect_of(message, "contact"), need, typed) == expected


def test_an_unsure_prevention_aspect_gets_the_offers_overview():
    from bot.questions import prevention_aspect

    assert prevention_aspect(aspect_of(parsed(("how", 0.8)), "prevention")) == "how"
    assert prevention_aspect(aspect_of(parsed(("how", 0.4), ("age", 0.3)), "prevention")) == "overview"
