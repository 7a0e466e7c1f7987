"""The right cards load, every line and figure cites a real source, and broken cards are refused."""
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.knowledge import RIGHTS_DIR, FigureNotFound, KnowledgeError, ame_ceiling, c2s_ceiling, get_right, load_card, load_rights
from bot.knowledge.schema import RightCard, _walk_source_ids

RIGHT_IDS = ("puma", "c2s", "ame", "soins_urgents", "capital_deces", "invalidite")
TODAY = date(2026, 11, 24)


def test_every_card_loads():
    cards = load_rights()
    assert set(cards) == set(RIGHT_IDS)
    for right_id, card in cards.items():
        assert isinstance(card, RightCard)
        assert card.id == right_id
        assert card.label and card.short_label
        assert get_right(right_id) is card


def test_load_rights_is_cached():
    assert load_rights() is load_rights()


@pytest.mark.parametrize("right_id", RIGHT_IDS)
def test_every_line_and_figure_cites_a_known_source(right_id):
    card = get_right(right_id)
    ids = {s.id for s in card.sources}
    for section in ("who", "covers", "how_to_apply", "delays"):
        lines = getattr(card, section)
        assert lines, section
        for line in lines:
            assert line.text.strip()
            assert line.source_id in ids, (section, line.text)
    cited = list(_walk_source_ids(card.figures, ("figures",)))
    assert cited, "a card must have sourced figures"
    for path, source_id in cited:
        assert source_id in ids, path
    assert card.simulator_or_contact.source_id in ids


@pytest.mark.parametrize("right_id", RIGHT_IDS)
def test_every_source_has_https_url_and_checked_date(right_id):
    for source in get_right(right_id).sources:
        assert source.url.startswith("https://"), source.id
        assert source.display_url.startswith("https://")
        assert isinstance(source.checked, date)
        assert source.checked <= date(2026, 12, 7)
        assert source.confidence in ("official", "secondary", "derived", "not_found")
    for link in get_right(right_id).links:
        assert link.url.startswith("https://")


@pytest.mark.parametrize("right_id", RIGHT_IDS)
def test_summary_is_short_plain_french(right_id):
    summary = get_right(right_id).summary
    assert 2 <= summary.count(". ") + 1 <= 3
    assert "vous" in summary.lower() or "votre" in summary.lower()


def test_sources_were_checked_on_a_known_reading_day():
    # 24/11/2026: facts.md read; 7/12/2026: facts-2026.md read.
    for card in load_rights().values():
        assert all(s.checked in (date(2026, 11, 24), date(2026, 12, 7)) for s in card.sources)


def test_required_forms_are_named():
    text = lambda right: " ".join(l.text for l in get_right(right).how_to_apply)
    assert "12504*10" in text("c2s") and "S3711" in text("c2s") and "compte ameli" in text("c2s")
    assert "11573*06" in text("ame")
    assert "S3180" in text("capital_deces") and "10431*05" in text("capital_deces")
    assert "11174*05" in text("invalidite")
    assert "hôpital" in text("soins_urgents") and "PASS" in text("soins_urgents")
    assert get_right("c2s").simulator_or_contact.url == "https://www.ameli.fr/simulateur-droits"


# --- confidence of figures --------------------------------------------------------------------


def test_c2s_metropole_ceilings_are_secondary_and_dated():
    c = c2s_ceiling(1, "metropole", "free", date(2025, 6, 1))
    assert c.amount == 10339
    assert c.confidence == "secondary" and c.needs_check
    assert c.dated.period.valid_from == date(2025, 4, 1)
    assert c.dated.period.valid_to == date(2026, 3, 31)
    assert not c.outdated
    assert c2s_ceiling(1, "metropole", "participative", date(2025, 6, 1)).amount == 13957


def test_newest_period_ended_is_still_used_but_outdated():
    c = c2s_ceiling(1, "metropole", "free", TODAY)
    assert c.amount == 10339 and c.outdated


def test_outre_mer_ceiling_is_computed_from_the_mainland_one_and_said_so():
    # CSS D861-1: the mainland ceiling raised by 11,3 %, rounded to the euro (11 507 € from 1/4/2025).
    c = c2s_ceiling(1, "outre_mer", "free", date(2025, 6, 1))
    assert c.amount == round(10339 * 1.113) == 11507
    assert c.derived and c.confidence == "derived" and "11,3 %" in c.dated.derived_from
    assert not c.outdated and c2s_ceiling(1, "outre_mer", "free", TODAY).outdated


def test_no_figure_before_first_period():
    with pytest.raises(FigureNotFound):
        c2s_ceiling(1, "metropole", "free", date(2020, 1, 1))


def test_ame_ceiling_is_the_free_c2s_ceiling_marked_derived():
    for size in range(1, 7):
        a = ame_ceiling(size, "metropole", TODAY)
        assert a.amount == c2s_ceiling(size, "metropole", "free", TODAY).amount
        assert a.confidence == "derived" and a.needs_check


def test_capital_deces_amounts_by_date():
    card = get_right("capital_deces")
    current = card.amount(date(2025, 5, 1))
    assert current.period.value == 3977 and current.source.confidence == "secondary"
    assert card.amount(date(2024, 6, 1)).period.value == 3910
    assert card.amount(date(2021, 5, 1)).period.value == 3476
    assert card.amount(TODAY).outdated


def test_invalidity_figures():
    card = get_right("invalidite")
    mx = card.maximums(date(2025, 6, 1)).period
    assert (mx.category_1, mx.category_2_3) == (1177.50, 1962.50)
    mx = card.maximums(date(2026, 12, 7)).period
    assert (mx.category_1, mx.category_2_3) == (1201.50, 2002.50)
    assert card.minimum(date(2024, 6, 1)).period.value == 328.07
    assert card.third_person_increase(date(2024, 6, 1)).period.value == 1266.60
    assert [c.rate_percent for c in card.figures.categories] == [30, 50, 50]
    assert card.figures.categories[2].third_person_increase
    assert all(d.needs_check for d in (card.maximums(TODAY), card.minimum(TODAY)))  # computed; secondary


def test_not_found_facts_are_not_in_the_cards():
    raw = "\n".join(p.read_text(encoding="utf-8") for p in RIGHTS_DIR.glob("*.yml"))
    card = get_right("invalidite")
    assert all(p.valid_from.year < 2025 for p in card.figures.minimum)  # no 2025 minimum
    for wrong in ("335.29", "335,29", "333.65", "11507", "11 507 €", "3 ans pour", "trois ans", "336,65", "4 013", "10 432"):
        assert wrong not in raw, wrong


# --- broken cards -----------------------------------------------------------------------------


def _write_card(tmp_path: Path, mutate, name="c2s") -> Path:
    data = yaml.safe_load((RIGHTS_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_broken_card_unknown_source_is_rejected_with_file_and_field(tmp_path):
    path = _write_card(tmp_path, lambda d: d["who"][0].update(source_id="nowhere"))
    with pytest.raises(KnowledgeError) as err:
        load_card(path)
    msg = str(err.value)
    assert str(path) in msg and "who[0]" in msg and "nowhere" in msg


def test_broken_figure_source_is_rejected(tmp_path):
    path = _write_card(tmp_path, lambda d: d["figures"]["ceilings"][0].update(source_id="ghost"))
    with pytest.raises(KnowledgeError, match=r"figures\.ceilings\[0\].*ghost"):
        load_card(path)


def test_http_url_is_rejected(tmp_path):
    path = _write_card(tmp_path, lambda d: d["sources"][0].update(url="http://www.ameli.fr"))
    with pytest.raises(KnowledgeError, match=r"sources\.0\.url.*https"):
        load_card(path)


def test_missing_checked_date_is_rejected(tmp_path):
    path = _write_card(tmp_path, lambda d: d["sources"][0].pop("checked"))
    with pytest.raises(KnowledgeError, match=r"sources\.0\.checked"):
        load_card(path)


def test_unknown_key_is_rejected(tmp_path):
    path = _write_card(tmp_path, lambda d: d.update(colour="blue"))
    with pytest.raises(KnowledgeError, match="colour"):
        load_card(path)


def test_line_without_source_is_rejected(tmp_path):
    path = _write_card(tmp_path, lambda d: d["covers"][0].pop("source_id"), name="ame")
    with pytest.raises(KnowledgeError, match=r"(?s)ame\.yml.*covers\.0\.source_id"):
        load_card(path)


def test_bad_confidence_is_rejected(tmp_path):
    path = _write_card(tmp_path, lambda d: d["sources"][0].update(confidence="sure"), name="puma")
    with pytest.raises(KnowledgeError, match="confidence"):
        load_card(path)


def test_id_must_match_file_name(tmp_path):
    path = _write_card(tmp_path, lambda d: d.update(id="ame"))
    with pytest.raises(KnowledgeError, match="file name"):
        load_card(path)


def test_load_rights_on_a_directory_with_a_broken_card(tmp_path):
    _write_card(tmp_path, lambda d: d["delays"][0].update(source_id="nope"), name="capital_deces")
    with pytest.raises(KnowledgeError, match=r"(?s)capital_deces\.yml.*delays\[0\]"):
        load_rights(tmp_path)
