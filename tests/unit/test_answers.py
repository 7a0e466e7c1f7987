"""Rendering of right summaries and verdicts (plain French, French number format, source line)."""
import re
from datetime import date

import pytest

from bot.answers import render_right_summary, render_verdict
from bot.eligibility import RIGHTS, assess
from bot.eligibility.verdict import eur, fr_date

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("value,text", [(10339, "10 339 €"), (1177.5, "1 177,50 €"), (8, "8 €"), (2.8, "2,80 €"), (9273.6, "9 273,60 €")])
def test_eur(value, text):
    assert eur(value) == text


def test_fr_date():
    assert fr_date(date(2025, 4, 1)) == "01/04/2025"


@pytest.mark.parametrize("right", RIGHTS)
def test_each_summary_is_short_and_sourced(right):
    text = render_right_summary(right, TODAY)
    lines = text.splitlines()
    assert 2 <= sum(1 for l in lines if l.startswith("- ")) <= 4
    assert any(re.fullmatch(r"Source : https://\S+ \(vérifié le \d\d/\d\d/20\d\d\)", l) for l in lines)


@pytest.mark.parametrize(
    "right,figure,flag",
    [("c2s", "10 339 €", "chiffre à vérifier"), ("capital_deces", "3 977 €", "chiffre à vérifier"),
     # computed from a parameter: said as a calculation, never as the official amount
     ("ame", "10 339 €", "calcul à partir du plafond de la C2S gratuite"),
     ("invalidite", "1 201,50 €", "calcul à partir du plafond mensuel de la Sécurité sociale 2026"),
     ("invalidite", "2 002,50 €", "pas un montant officiel publié")],
)
def test_key_figures_are_flagged_when_not_official(right, figure, flag):
    text = render_right_summary(right, TODAY)
    assert figure in text and flag in text


def test_summary_says_when_a_figure_has_ended():
    assert "en vigueur du" not in render_right_summary("c2s", date(2025, 6, 1)).split("\n")[2]
    assert "en vigueur du 01/04/2025 au 31/03/2026" in render_right_summary("c2s", TODAY)


def test_render_verdict_has_all_parts():
    v = assess("c2s", {"minimum_benefit": "none", "household_size": 1, "annual_resources": 10800, "territory": "metropole"}, TODAY)
    text = render_verdict(v)
    assert text.splitlines()[0] == v.headline
    assert "10 800 €" in text and "l'âge de chaque personne du foyer" in text
    assert v.indicative in text and "Source : https://" in text


def test_render_verdict_shows_canonical_service_public_page():
    v = assess("puma", {"works_in_france": True}, TODAY)
    text = render_verdict(v)
    assert "https://www.service-public.fr/particuliers/vosdroits/F34308" in text
    assert "mairie-" not in text
