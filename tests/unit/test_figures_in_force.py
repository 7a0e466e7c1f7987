"""The conversation's date decides which figure applies: in force, ended (said with its period,
never as current) or computed (said as a calculation). Near an ended or computed ceiling, a verdict
is "à vérifier"; far from it, it stays firm."""
from datetime import date
from pathlib import Path
import re

import pytest

from bot.answers import render_right_summary
from bot.eligibility import assess
from bot.knowledge import RIGHTS_DIR, load_rights
from bot.knowledge.parameters import load_parameters, pass_annual, pmss

LAST_DAY_IN_FORCE, FIRST_DAY_AFTER, TODAY = date(2026, 3, 31), date(2026, 4, 1), date(2026, 12, 7)


def alone(resources, **extra):
    return {"minimum_benefit": "none", "household_size": 1, "annual_resources": resources, "territory": "metropole", **extra}


@pytest.mark.parametrize("on,ended", [(LAST_DAY_IN_FORCE, False), (FIRST_DAY_AFTER, True), (TODAY, True)])
def test_c2s_ceiling_is_said_in_force_or_ended_by_the_conversation_date(on, ended):
    text = render_right_summary("c2s", on)
    assert "10 339 €" in text
    assert ("en vigueur du 01/04/2025 au 31/03/2026" in text) is ended
    assert ("pas encore intégré ici" in text) is ended


@pytest.mark.parametrize("on,ended", [(LAST_DAY_IN_FORCE, False), (FIRST_DAY_AFTER, True), (TODAY, True)])
def test_capital_deces_amount_for_a_death_on_that_day(on, ended):
    v = assess("capital_deces", {"deceased_status": "salarie", "death_date": on, "asker_link": "conjoint",
                                 "dependent_on_deceased": True}, on)
    text = " ".join(v.reasons)
    assert v.figures["amount"] == 3977
    assert ("en vigueur du 01/04/2025 au 31/03/2026" in text) is ended


def test_10400_euros_alone_is_to_be_checked_after_the_ceiling_ended():
    # 10 400 € is above the 2025 free ceiling (10 339 €) but within the April 2026 revaluation.
    v = assess("c2s", alone(10400, household_ages=[40]), TODAY)
    assert v.status == "depends" and v.headline.startswith("À vérifier")
    assert "simulateur" in " ".join(v.next_steps)
    # The same figure while the table was in force: a firm answer.
    v = assess("c2s", alone(10400, household_ages=[40]), LAST_DAY_IN_FORCE)
    assert (v.status, v.variant) == ("likely_eligible", "participative")


@pytest.mark.parametrize("resources,status,variant", [
    (5000, "likely_eligible", "gratuite"),       # far below: a revaluation cannot change it
    (12000, "likely_eligible", "participative"),
    (20000, "not_eligible", None),
])
def test_far_from_an_ended_ceiling_the_verdict_stays_firm(resources, status, variant):
    v = assess("c2s", alone(resources, household_ages=[40]), TODAY)
    assert (v.status, v.variant) == (status, variant)


def test_near_the_computed_overseas_ceiling_is_to_be_checked_even_in_force():
    v = assess("c2s", alone(11500, territory="outre_mer", household_ages=[40]), date(2025, 6, 1))
    assert v.status == "depends" and v.headline.startswith("À vérifier")


def test_pass_and_pmss_2026_are_the_official_ones():
    assert pass_annual(TODAY).value == 48060 and pmss(TODAY) == 4005
    assert pass_annual(TODAY).source.confidence == "official"


# --- the data itself -----------------------------------------------------------------------------

RESEARCH_NOTES = re.compile(r"\.txt\b|lignes? \d|\(where\)|ne pas publier|(?:^|[\s(«\x22\x27])/[A-Za-z_.-]+/|seed 00\d", re.I)


def _periods(obj):
    from pydantic import BaseModel
    from bot.knowledge.schema import Period
    if isinstance(obj, Period):
        yield obj
    if isinstance(obj, BaseModel):
        for name in obj.__fields__:
            yield from _periods(getattr(obj, name))
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _periods(item)


@pytest.mark.parametrize("right_id", sorted(load_rights()))
def test_every_figure_has_a_period_and_a_legal_reference_or_a_reason(right_id):
    for period in _periods(load_rights()[right_id].figures):
        assert period.valid_from is not None
        assert period.reference or period.reference_missing, period


@pytest.mark.parametrize("right_id", sorted(load_rights()))
def test_no_source_is_a_bare_domain(right_id):
    for source in load_rights()[right_id].sources:
        for url in (source.url, source.display_url):
            assert re.match(r"https://[^/]+/.+", url), f"{right_id}.{source.id}: {url}"


def test_parameters_have_a_reference_and_no_bare_domain():
    for parameter in load_parameters().by_id().values():
        for period in parameter.periods:
            assert period.reference and re.match(r"https://[^/]+/.+", period.source.url)


def test_no_research_note_nor_machine_path_in_what_users_read():
    for card in load_rights().values():
        for right_date in (LAST_DAY_IN_FORCE, TODAY):
            text = render_right_summary(card.id, right_date)
            assert not RESEARCH_NOTES.search(text), text
        for group in (card.who, card.covers, card.how_to_apply, card.delays):
            for line in group:
                assert not RESEARCH_NOTES.search(line.text), line.text
        for source in card.sources:
            assert not RESEARCH_NOTES.search(source.title), source.title
