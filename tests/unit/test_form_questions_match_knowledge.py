"""The eligibility forms' questions (domain.yml responses) quote a few thresholds of the rules; the
rules themselves live in bot/knowledge/. These tests fail when a figure changes on one side only,
so a threshold updated in a card cannot leave the question asking about the old one."""
from pathlib import Path

import pytest
import yaml

from bot.knowledge import get_right

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))


def question(response: str) -> str:
    return " ".join(variant["text"] for variant in DOMAIN["responses"][response])


@pytest.mark.parametrize("response, right, figure, wording", [
    ("utter_ask_residence_over_3_months", "ame", "residence_months", "plus de {} mois"),
    ("utter_ask_residence_over_3_months", "puma", "residence_months", "plus de {} mois"),
    ("utter_ask_residence_over_3_months", "soins_urgents", "residence_months", "plus de {} mois"),
    ("utter_ask_deceased_status", "capital_deces", "lookback_months", "Dans les {} mois avant le décès"),
    ("utter_ask_affiliated_12_months", "invalidite", "affiliation_months", "au moins {} mois"),
    ("utter_ask_worked_600_hours", "invalidite", "hours_worked", "au moins {} heures dans les 12 mois"),
])
def test_a_threshold_in_a_question_is_the_one_of_the_rule(response, right, figure, wording):
    value = getattr(get_right(right).figures, figure).value
    assert value == int(value)
    assert wording.format(int(value)) in question(response)


def test_the_capacity_question_asks_about_the_rules_two_thirds():
    assert round(get_right("invalidite").figures.capacity_loss.value, 2) == 0.67
    assert "au moins deux tiers" in question("utter_ask_capacity_reduced_two_thirds")


def test_the_minor_question_uses_the_age_of_majority_the_ame_card_relies_on():
    assert any("enfants mineurs" in condition.text for condition in get_right("ame").who)
    assert "moins de 18 ans" in question("utter_ask_is_minor")
