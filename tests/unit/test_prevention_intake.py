"""Reading who a prevention question is about, and the prevention form's answers."""
from datetime import date

import pytest

from bot.prevention_intake import (
    NOT_GIVEN,
    person_facts,
    read_answer,
    read_values,
    slots_from_sentence,
    slots_to_ask,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pour ma mère de 70 ans", {"for_whom": "parent", "sex": "female", "age_years": 70, "age_months": None}),
        ("ma fille de 18 mois, quels vaccins ?", {"for_whom": "child", "sex": "female", "age_years": 1, "age_months": 18}),
        ("mon fils a 6 ans", {"for_whom": "child", "sex": "male", "age_years": 6, "age_months": None}),
        ("quels examens de prévention pour moi ? j'ai 52 ans, je suis une femme",
         {"for_whom": "self", "sex": "female", "age_years": 52, "age_months": None}),
        ("j'ai cinquante-deux ans", {"for_whom": "self", "age_years": 52, "age_months": None}),
        ("né en 1973, quels dépistages ?", {"for_whom": "self", "age_years": 53, "age_months": None}),
        ("je suis enceinte, le dentiste est gratuit ?", {"for_whom": "self", "sex": "female", "pregnant": True}),
        ("le dépistage du cancer du sein c'est tous les 2 ans ?", {"for_whom": "self"}),
    ],
)
def test_a_sentence_says_who_the_question_is_about(text, expected):
    assert person_facts(text, today=TODAY) == expected


def test_a_woman_of_52_needs_no_more_question():
    values = slots_from_sentence("j'ai 52 ans, je suis une femme", today=TODAY)
    assert slots_to_ask(values, today=TODAY) == []


def test_a_boy_of_6_is_not_asked_his_sex_or_anything_else():
    assert slots_to_ask(slots_from_sentence("mon fils a 6 ans", today=TODAY), today=TODAY) == []


def test_the_age_is_asked_first():
    assert slots_to_ask({}, today=TODAY) == ["prevention_age_years"]


def test_sex_is_asked_only_when_it_changes_the_answer_and_not_again_once_declined():
    values = {"prevention_age_years": 26}
    assert slots_to_ask(values, today=TODAY) == ["prevention_sex"]
    values["prevention_sex"] = NOT_GIVEN
    assert slots_to_ask(values, today=TODAY) == []


def test_pregnancy_is_asked_of_a_woman_of_childbearing_age_and_can_be_declined():
    values = {"prevention_age_years": 30, "prevention_sex": "female"}
    assert slots_to_ask(values, today=TODAY) == ["prevention_pregnant"]
    values.update(read_answer("prevention_pregnant", "je préfère ne pas répondre").value)
    assert slots_to_ask(values, today=TODAY) == []


def test_a_man_is_never_asked_about_pregnancy():
    assert "prevention_pregnant" not in slots_to_ask({"prevention_age_years": 30, "prevention_sex": "male"}, today=TODAY)


@pytest.mark.parametrize(
    "answer, years, months",
    [("52", 52, None), ("52 ans", 52, None), ("cinquante-deux ans", 52, None), ("18 mois", 1, 18), ("12/03/1973", 53, None)],
)
def test_ages_are_read_in_the_usual_ways(answer, years, months):
    parsed = read_answer("prevention_age_years", answer, today=TODAY)
    assert parsed.value == {"prevention_age_years": years, "prevention_age_months": months}


def test_a_bare_number_of_months_is_read_as_months():
    assert read_answer("prevention_age_months", "14", today=TODAY).value == {
        "prevention_age_years": 1, "prevention_age_months": 14}


@pytest.mark.parametrize("answer", ["200 ans", "-3", "je sais pas", "né le 12/03/2030", "", "😀"])
def test_bad_ages_get_a_clear_french_re_ask(answer):
    parsed = read_answer("prevention_age_years", answer, today=TODAY)
    assert not parsed.ok
    assert parsed.error and ("vous" in parsed.error.lower() or "pouvez" in parsed.error.lower())


@pytest.mark.parametrize("answer, value", [("une femme", "female"), ("homme", "male"), ("je préfère ne pas le dire", NOT_GIVEN)])
def test_sex_answers(answer, value):
    assert read_answer("prevention_sex", answer).value == {"prevention_sex": value}


def test_raw_text_in_a_slot_is_not_taken_for_an_answer():
    assert read_values({"prevention_sex": "femme", "prevention_age_years": "52"}) == {
        "prevention_sex": None, "prevention_age_years": None}
