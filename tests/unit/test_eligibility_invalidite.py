"""Pension d'invalidité: categories, age limits, AT/MP origin, work conditions."""
from datetime import date

import pytest

from bot.eligibility import assess, needed_facts
from bot.eligibility.invalidite import FACTS
from bot.eligibility.verdict import eur
from bot.knowledge import get_right

TODAY = date(2026, 11, 24)
CARD = get_right("invalidite")


def s(**over):
    base = {
        "age": 45,
        "origin": "maladie",
        "capacity_reduced_two_thirds": True,
        "affiliated_12_months": True,
        "worked_600_hours": True,
        "work_capacity": "cannot_work",
    }
    return {**base, **over}


@pytest.mark.parametrize("category", CARD.figures.categories, ids=lambda c: f"cat{c.number}")
def test_each_category_from_card(category):
    v = assess("invalidite", s(work_capacity=category.work_capacity), TODAY)
    mx = CARD.maximums(TODAY).period
    cap = mx.category_1 if category.number == 1 else mx.category_2_3
    assert v.status == "likely_eligible"
    assert v.figures["category"] == category.number and v.figures["rate_percent"] == category.rate_percent
    assert f"catégorie {category.number}" in v.headline
    text = " ".join(v.reasons)
    assert eur(cap) in text and "calcul à partir du plafond mensuel de la Sécurité sociale" in text
    assert ("third_person_increase" in v.figures) == category.third_person_increase


def test_expected_values():
    # 30 % and 50 % of the 2026 monthly ceiling (4 005 €), computed.
    assert assess("invalidite", s(work_capacity="can_work"), TODAY).figures["maximum"] == 1201.50
    v = assess("invalidite", s(work_capacity="needs_third_person"), TODAY)
    assert v.figures["maximum"] == 2002.50 and v.figures["third_person_increase"] == 1288.13
    text = " ".join(v.reasons)
    assert "1 288,13 €" in text and "en vigueur du 01/04/2025 au 31/03/2026" in text
    assert v.figures["minimum"] == 328.07 and "2024" in text and "en vigueur du 01/04/2024 au 31/03/2025" in text
    assert "335,29" not in text
    assert assess("invalidite", s(work_capacity="can_work"), date(2025, 6, 1)).figures["maximum"] == 1177.50


def test_end_of_pension_follows_the_legal_age_by_date_of_birth():
    today = date(2026, 12, 7)
    assert assess("invalidite", s(age=61), today).status == "likely_eligible"
    # 62 on 7/12/2026: born 8/12/1963–7/12/1964, legal age 62 y 9 m: it depends on the month of birth.
    v = assess("invalidite", s(age=62), today)
    assert v.status == "depends" and v.missing == []
    assert "62 ans et 9 mois" in v.reasons[0]
    # 63: born 1962–1963 (62 y 6 m or 62 y 9 m): surely reached.
    v = assess("invalidite", s(age=63), today)
    assert v.status == "not_eligible" and "inaptitude" in v.headline
    assert needed_facts("invalidite", {"age": 64}) == []
    assert needed_facts("invalidite", {"age": 62}) == list(FACTS[1:])


@pytest.mark.parametrize("birth,label", [
    (date(1961, 8, 31), "62 ans"), (date(1961, 9, 1), "62 ans et 3 mois"), (date(1962, 6, 1), "62 ans et 6 mois"),
    (date(1964, 5, 10), "62 ans et 9 mois"), (date(1965, 3, 31), "62 ans et 9 mois"), (date(1965, 4, 1), "63 ans"),
    (date(1968, 1, 1), "63 ans et 9 mois"), (date(1975, 1, 1), "64 ans"),
])
def test_legal_retirement_age_by_date_of_birth(birth, label):
    assert CARD.figures.retirement_age_for(birth).label == label


@pytest.mark.parametrize("origin", ["accident_travail", "maladie_professionnelle"])
def test_work_accident_or_disease_goes_to_rente_atmp(origin):
    v = assess("invalidite", {"origin": origin}, TODAY)
    assert v.status == "not_eligible" and "rente AT/MP" in v.headline
    assert needed_facts("invalidite", {"origin": origin}) == []


@pytest.mark.parametrize("origin", ["maladie", "accident_vie_privee"])
def test_private_origins_continue(origin):
    assert assess("invalidite", s(origin=origin), TODAY).status == "likely_eligible"


def test_missing_hours():
    v = assess("invalidite", s(worked_600_hours=None), TODAY)
    assert v.status == "depends" and v.missing == ["worked_600_hours"]
    v = assess("invalidite", s(worked_600_hours=False), TODAY)
    assert v.status == "not_eligible" and "600 heures" in " ".join(v.reasons)


@pytest.mark.parametrize("name", ["capacity_reduced_two_thirds", "affiliated_12_months", "worked_600_hours"])
def test_each_failed_condition_stops_the_questions(name):
    partial = {name: False}
    assert assess("invalidite", partial, TODAY).status == "not_eligible"
    assert needed_facts("invalidite", partial) == []


def test_needed_facts_order():
    assert needed_facts("invalidite", {}) == list(FACTS)
    assert needed_facts("invalidite", {"age": 40, "origin": "maladie"}) == list(FACTS[2:])
    assert needed_facts("invalidite", s(work_capacity=None)) == ["work_capacity"]
