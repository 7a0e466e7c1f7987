"""C2S verdicts, table-driven from the ceilings and brackets in the knowledge card."""
from datetime import date

import pytest

from bot.eligibility import assess, needed_facts
from bot.eligibility.verdict import eur
from bot.knowledge import get_right

# A day when the mainland table was in force: boundaries are firm there. (On a day after its end,
# or overseas where the ceiling is a calculation, a verdict near a ceiling is "à vérifier":
# tests/unit/test_figures_in_force.py.)
TODAY = date(2025, 6, 1)
CARD = get_right("c2s")
SIZES = range(1, 7)
TERRITORIES = ("metropole",)


def situation(size, resources, territory="metropole", **extra):
    return {"minimum_benefit": "none", "household_size": size, "annual_resources": resources, "territory": territory, **extra}


def ceiling(size, territory, kind):
    return CARD.c2s_ceiling(size, territory, kind, TODAY).amount


FREE_CASES = [
    (size, territory, delta)
    for territory in TERRITORIES
    for size in SIZES
    for delta in (-1, 0, 1)
]


@pytest.mark.parametrize("size,territory,delta", FREE_CASES)
def test_around_free_ceiling(size, territory, delta):
    limit = ceiling(size, territory, "free")
    v = assess("c2s", situation(size, limit + delta, territory, household_ages=[40] * size), TODAY)
    assert v.status == "likely_eligible"
    assert v.variant == ("gratuite" if delta <= 0 else "participative")
    assert v.figures["ceiling_free"] == limit
    assert eur(limit) in " ".join(v.reasons)


@pytest.mark.parametrize("size,territory,delta", FREE_CASES)
def test_around_participative_ceiling(size, territory, delta):
    limit = ceiling(size, territory, "participative")
    v = assess("c2s", situation(size, limit + delta, territory, household_ages=[40] * size), TODAY)
    if delta <= 0:
        assert (v.status, v.variant) == ("likely_eligible", "participative")
        assert v.figures["participation_total"] == 14 * size
    else:
        assert v.status == "not_eligible" and v.variant is None
    assert eur(limit) in " ".join(v.reasons)


def test_extra_persons_add_the_per_person_amount():
    table = CARD.figures.ceilings[0]
    assert ceiling(5, "metropole", "free") == table.free.sizes[4] + table.free.extra_person
    assert ceiling(6, "metropole", "participative") == table.participative.sizes[4] + 2 * table.participative.extra_person


def test_900_euros_a_month_alone_is_participative():
    s = {"minimum_benefit": "none", "household_size": 1, "annual_resources": 10800, "territory": "metropole"}
    # Checked against facts.md: free ceiling 10 339 €, participative 13 957 € (1 person, mainland).
    assert ceiling(1, "metropole", "free") == 10339 and ceiling(1, "metropole", "participative") == 13957
    v = assess("c2s", s, TODAY)
    assert v.variant == "participative"
    assert v.missing == ["household_ages"] and v.status == "depends"
    text = " ".join(v.reasons)
    assert "10 800 €" in text and "10 339 €" in text and "13 957 €" in text
    assert "dépassent le plafond de la C2S gratuite" in text
    assert needed_facts("c2s", s) == ["household_ages"]
    v = assess("c2s", {**s, "household_ages": [35]}, TODAY)
    assert (v.status, v.variant) == ("likely_eligible", "participative")
    assert v.headline == "Vous avez probablement droit à la Complémentaire santé solidaire avec participation."
    assert [p.amount for p in v.monthly_participation] == [14]


def test_free_headline_and_no_age_question():
    s = situation(1, 9000)
    v = assess("c2s", s, TODAY)
    assert v.headline == "Vous avez probablement droit à la Complémentaire santé solidaire gratuite."
    assert needed_facts("c2s", s) == [] and v.monthly_participation == []


def test_ended_figures_are_said_with_their_period():
    v = assess("c2s", situation(1, 9000), date(2026, 12, 7))
    text = " ".join(v.reasons)
    assert "en vigueur du 01/04/2025 au 31/03/2026" in text and "pas encore intégré" in text
    v = assess("c2s", situation(1, 9000), date(2025, 6, 1))
    assert "en vigueur du" not in " ".join(v.reasons)
    assert "chiffre à vérifier" in " ".join(v.reasons)  # secondary source


# --- participation by age -----------------------------------------------------------------


BRACKETS = CARD.participation_table(TODAY).period.brackets
BOUNDARY_AGES = sorted({b.min_age for b in BRACKETS} | {b.max_age for b in BRACKETS if b.max_age is not None})


@pytest.mark.parametrize("age", BOUNDARY_AGES)
def test_each_bracket_boundary_from_card(age):
    bracket = next(b for b in BRACKETS if b.contains(age))
    v = assess("c2s", {"minimum_benefit": "aspa", "household_ages": [age]}, TODAY)
    assert v.monthly_participation[0].amount == bracket.amount
    assert v.monthly_participation[0].amount_alsace_moselle == bracket.amount_alsace_moselle


@pytest.mark.parametrize(
    "age,amount,alsace",
    [(29, 8, 2.80), (30, 14, 4.90), (49, 14, 4.90), (50, 21, 7.30), (59, 21, 7.30), (60, 25, 8.70), (69, 25, 8.70), (70, 30, 10.50)],
)
def test_participation_boundaries_29_30_49_50_59_60_69_70(age, amount, alsace):
    v = assess("c2s", {"minimum_benefit": "aspa", "household_ages": [age]}, TODAY)
    assert (v.monthly_participation[0].amount, v.monthly_participation[0].amount_alsace_moselle) == (amount, alsace)


def test_household_total():
    s = situation(3, ceiling(3, "metropole", "free") + 100, household_ages=[29, 30, 70])
    v = assess("c2s", s, TODAY)
    assert v.figures["participation_total"] == 52
    assert v.figures["participation_total_alsace_moselle"] == pytest.approx(18.2)
    assert "52 €" in " ".join(v.reasons)


# --- RSA / ASPA / needed facts ------------------------------------------------------------


def test_rsa_gives_free_c2s_without_income_question():
    assert needed_facts("c2s", {"minimum_benefit": "rsa"}) == []
    v = assess("c2s", {"minimum_benefit": "rsa"}, TODAY)
    assert (v.status, v.variant) == ("likely_eligible", "gratuite")
    assert "automatiquement" in v.headline


def test_aspa_presumes_participative_and_asks_only_ages():
    assert needed_facts("c2s", {"minimum_benefit": "aspa"}) == ["household_ages"]
    v = assess("c2s", {"minimum_benefit": "aspa", "household_ages": [72, 68]}, TODAY)
    assert (v.status, v.variant) == ("likely_eligible", "participative")
    assert v.figures["participation_total"] == 55
    assert "annual_resources" not in v.figures


def test_needed_facts_order_and_none_is_unknown():
    expected = ["minimum_benefit", "household_size", "annual_resources", "territory"]
    assert needed_facts("c2s", {}) == expected
    assert needed_facts("c2s", {"minimum_benefit": None, "household_size": None}) == expected
    assert needed_facts("c2s", {"minimum_benefit": "none"}) == expected[1:]
    assert needed_facts("c2s", {"minimum_benefit": "none", "household_size": 2}) == ["annual_resources", "territory"]


def test_not_eligible_asks_nothing_more():
    s = situation(1, 20000)
    assert needed_facts("c2s", s) == []
    v = assess("c2s", s, TODAY)
    assert v.status == "not_eligible"
    assert v.indicative.startswith("Résultat indicatif : seule la CPAM décide. Pour une réponse officielle :")
    assert "https://www.ameli.fr/simulateur-droits" in v.indicative


def test_mayotte_has_no_known_ceiling():
    v = assess("c2s", situation(1, 5000, "mayotte"), TODAY)
    assert v.status == "depends" and v.missing == []


def test_verdict_carries_its_sources():
    v = assess("c2s", situation(2, 12000), TODAY)
    assert any(s.id == "efl_plafonds" for s in v.sources)
    assert all(s.url.startswith("https://") for s in v.sources)


def test_unknown_choice_is_refused():
    with pytest.raises(ValueError, match="minimum_benefit"):
        assess("c2s", {"minimum_benefit": "rmi"}, TODAY)
    with pytest.raises(ValueError, match="territory"):
        needed_facts("c2s", {"territory": "corse"})


def test_empty_age_list_is_unknown():
    s = situation(1, 10800, household_ages=[])
    assert needed_facts("c2s", s) == ["household_ages"]
