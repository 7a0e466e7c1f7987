"""How answers become eligibility facts, and what is told back to the person."""
from datetime import date

import pytest

from bot import eligibility
from bot.facts import (
    CHOICES,
    describe_facts,
    facts_in_sentence,
    is_read_value,
    known_facts,
    read_fact,
    to_fact_value,
    to_slot_value,
)


def test_every_fact_the_eligibility_modules_need_has_a_reader():
    needed = set().union(*eligibility.FACTS.values())
    assert needed == known_facts()


@pytest.mark.parametrize("fact", sorted(CHOICES))
def test_choice_values_are_the_ones_the_eligibility_modules_expect(fact):
    assert set(CHOICES[fact]) == set(eligibility.FACT_CHOICES[fact])


@pytest.mark.parametrize(
    "fact, answer, expected",
    [
        ("minimum_benefit", "RSA", "rsa"),
        ("minimum_benefit", "aucun des deux", "none"),
        ("residence_status", "je suis sans papiers", "irregular"),
        ("residence_status", "demandeur d'asile", "asylum_seeker"),
        ("residence_status", "j'ai un titre de séjour", "regular"),
        ("deceased_status", "il était au chômage", "chomeur_indemnise"),
        ("deceased_status", "retraité", "retraite_salarie"),
        ("asker_link", "c'était mon mari", "conjoint"),
        ("asker_link", "c'était mon père", "enfant"),
        ("asker_link", "c'était mon fils", "ascendant"),
        ("origin", "accident du travail", "accident_travail"),
        ("work_capacity", "besoin d'une tierce personne", "needs_third_person"),
        ("works_in_france", "oui", True),
        ("urgent_care", "non", False),
        ("household_size", "moi et mes deux enfants", 3),
        ("annual_resources", "1 500 € par mois", 18000.0),
        ("territory", "en Guadeloupe", "outre_mer"),
        ("age", "cinquante-deux ans", 52),
    ],
)
def test_answers_are_read_into_typed_facts(fact, answer, expected):
    parsed = read_fact(fact, answer)
    assert parsed.value == expected
    assert is_read_value(fact, to_slot_value(parsed.value))


def test_a_nir_typed_as_an_answer_is_refused_with_an_explanation():
    number = 1841275123456
    nir = f"1 84 12 75 123 456 {97 - number % 97:02d}"
    parsed = read_fact("household_size", nir)
    assert not parsed.ok
    assert "sécurité sociale" in parsed.error


@pytest.mark.parametrize("fact, raw", [("minimum_benefit", "aucun des deux"), ("household_size", "3"), ("death_date", "12/03/2026")])
def test_raw_text_is_not_taken_for_a_read_value(fact, raw):
    assert not is_read_value(fact, raw)


def test_dates_travel_through_slots_as_iso_strings():
    assert to_fact_value("death_date", to_slot_value(date(2026, 10, 15))) == date(2026, 10, 15)


def test_a_sentence_gives_the_facts_it_states_and_nothing_else():
    text = "mon mari est décédé le mois dernier, il était au chômage, est-ce que j'ai droit à quelque chose"
    assert facts_in_sentence(text, eligibility.FACTS["capital_deces"]) == {
        "deceased_status": "chomeur_indemnise",
        "asker_link": "conjoint",
    }


def test_a_negated_benefit_is_not_taken_as_received():
    facts = facts_in_sentence("je ne touche pas le rsa, ai-je droit à la c2s ?", eligibility.FACTS["c2s"])
    assert facts.get("minimum_benefit") != "rsa"


def test_facts_of_another_right_are_not_read():
    assert "asker_link" not in facts_in_sentence("mon mari est sans papiers", eligibility.FACTS["ame"])


def test_what_was_understood_is_told_back_in_plain_french():
    assert describe_facts({"annual_resources": 10800.0, "household_size": 1}) == (
        "J'ai noté : 10 800 € de ressources sur 12 mois ; 1 personne dans le foyer."
    )
    assert describe_facts({}) is None
