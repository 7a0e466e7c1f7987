"""Capital décès: each status of the deceased, beneficiaries, deadlines at their exact boundary days."""
from datetime import date, timedelta

import pytest

from bot.answers import render_verdict
from bot.eligibility import assess, needed_facts
from bot.eligibility.capital_deces import OPENING, deadlines
from bot.eligibility.verdict import eur
from bot.knowledge import get_right

TODAY = date(2026, 11, 24)
CARD = get_right("capital_deces")


def s(status="salarie", death=date(2026, 10, 1), link="conjoint", dependent=False):
    return {"deceased_status": status, "death_date": death, "asker_link": link, "dependent_on_deceased": dependent}


@pytest.mark.parametrize("status", sorted(OPENING))
def test_each_opening_status_is_eligible(status):
    v = assess("capital_deces", s(status), TODAY)
    assert v.status == "likely_eligible"
    assert "S3180" in " ".join(v.next_steps)
    assert v.figures["amount"] > 0


@pytest.mark.parametrize("status", ["retraite_salarie", "autre"])
def test_retired_employee_and_other_are_not_eligible(status):
    v = assess("capital_deces", {"deceased_status": status}, TODAY)
    assert v.status == "not_eligible"
    assert needed_facts("capital_deces", {"deceased_status": status}) == []


def test_amount_is_the_one_in_force_on_the_death_date():
    for death in (date(2025, 4, 1), date(2024, 6, 1), date(2025, 3, 31)):
        v = assess("capital_deces", s(death=death), min(TODAY, death + timedelta(days=10)))
        expected = CARD.amount(death).period.value
        assert v.figures["amount"] == expected
        assert eur(expected) in " ".join(v.reasons)
    v = assess("capital_deces", s(death=date(2025, 6, 1)), TODAY)
    assert v.figures["amount"] == 3977 and "chiffre à vérifier" in " ".join(v.reasons)


def test_amount_after_known_period_is_said_as_ended():
    v = assess("capital_deces", s(death=date(2026, 10, 1)), TODAY)
    text = " ".join(v.reasons)
    assert v.figures["amount"] == 3977
    assert "en vigueur du 01/04/2025 au 31/03/2026" in text and "pas encore intégré" in text


@pytest.mark.parametrize("status,kind,death,value", [
    # 20 % and 8 % of the PASS of the year of death: 47 100 € in 2025, 48 060 € in 2026.
    ("independant_actif", "actif", date(2026, 10, 1), 9612.00),
    ("independant_retraite", "retraite", date(2026, 10, 1), 3844.80),
    ("independant_actif", "actif", date(2025, 6, 1), 9420.00),
    ("independant_actif", "actif", date(2025, 1, 15), 9420.00),
])
def test_self_employed_amount_is_computed_from_the_pass_of_the_year_of_death(status, kind, death, value):
    v = assess("capital_deces", s(status, death=death), TODAY)
    text = " ".join(v.reasons)
    assert v.figures["amount"] == value == CARD.independant_amount(kind, death).period.value
    assert str(death.year) in text and eur(value) in text
    assert "calcul à partir du plafond annuel de la Sécurité sociale" in text


def test_priority_deadline_boundary_days():
    death = date(2026, 1, 31)
    first, last = deadlines(death)
    assert first == date(2026, 2, 28) and last == date(2028, 1, 31)
    on_day = assess("capital_deces", s(death=death, dependent=True), first)
    assert on_day.status == "likely_eligible" and "prioritaire" in on_day.headline and "28/02/2026" in on_day.headline
    day_after = assess("capital_deces", s(death=death, dependent=True), first + timedelta(days=1))
    assert day_after.status == "likely_eligible" and "prioritaire" not in day_after.headline
    assert "31/01/2028" in day_after.headline
    assert any("est dépassé" in r for r in day_after.reasons)


def test_general_deadline_boundary_days():
    death = date(2024, 11, 24)
    last = deadlines(death)[1]
    assert last == date(2026, 11, 24)
    assert assess("capital_deces", s(death=death), last).status == "likely_eligible"
    late = assess("capital_deces", s(death=death), last + timedelta(days=1))
    assert late.status == "not_eligible" and "24/11/2026" in late.headline


def test_deadlines_from_leap_day():
    assert deadlines(date(2024, 2, 29)) == (date(2024, 3, 29), date(2026, 2, 28))


def test_deadline_lines_say_open_or_past():
    v = assess("capital_deces", s(death=date(2026, 11, 1), dependent=False), TODAY)
    text = " ".join(v.reasons)
    assert "01/12/2026" in text and "01/11/2028" in text and "délai encore ouvert" in text


def test_needed_facts():
    assert needed_facts("capital_deces", {}) == ["deceased_status", "death_date", "asker_link", "dependent_on_deceased"]
    assert needed_facts("capital_deces", {"deceased_status": "salarie"}) == ["death_date", "asker_link", "dependent_on_deceased"]
    # More than a month ago: being dependent no longer changes anything.
    assert needed_facts("capital_deces", {"deceased_status": "salarie", "death_date": date(2026, 1, 1)}) == ["asker_link"]
    # More than two years ago: nothing else matters.
    assert needed_facts("capital_deces", {"death_date": date(2020, 1, 1)}) == []


def test_other_link():
    assert assess("capital_deces", s(link="autre", dependent=False, death=date(2026, 11, 20)), TODAY).status == "not_eligible"
    v = assess("capital_deces", s(link="autre", dependent=True, death=date(2026, 11, 20)), TODAY)
    assert v.status == "depends" and v.missing == []


def test_three_year_limit_is_never_stated():
    for death in (date(2026, 11, 1), date(2025, 1, 1), date(2020, 1, 1)):
        text = render_verdict(assess("capital_deces", s(death=death), TODAY))
        assert "3 ans" not in text and "trois ans" not in text
