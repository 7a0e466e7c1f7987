"""Every item of the five CPAM conventions is either known (a key of bot/knowledge) or deliberately
left out (bot/knowledge/convention_exclusions.yml, with the reason): tests/data/convention_items.csv
says which, item by item."""
import csv
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.contacts import ContactSource, Item, Motif, load_contacts
from bot.knowledge import load_rights
from bot.prevention import load_prevention
from bot.saisine.validation import load_form

from tests.unit.shared_folder import SEEDS_DIR, require_shared

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "tests" / "data" / "convention_items.csv"
EXCLUSIONS = ROOT / "bot" / "knowledge" / "convention_exclusions.yml"
SEED_FILES = ("000_1e62a3a5c6a2baa9.txt", "001_0df64a3406572078.txt", "002_84bb2e6237f2527d.txt",
              "003_ac92b8f57fc016c9.txt", "004_5b9dc41b8a6eec73.txt")
COLUMNS = ["item_id", "seed_file", "place", "what_it_says", "knowledge_key", "exclusion_id"]
REASONS = {"named_staff", "outdated", "garbled", "internal"}


@lru_cache(maxsize=1)
def _rows() -> tuple:
    with TABLE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return tuple(reader)


@lru_cache(maxsize=1)
def _exclusions() -> dict:
    data = yaml.safe_load(EXCLUSIONS.read_text(encoding="utf-8"))
    return {e["id"]: e for e in data["exclusions"]}


_ROOTS = {"contacts": load_contacts, "rights": load_rights, "prevention": load_prevention, "saisine_form": load_form}


def resolve(key: str) -> Any:
    """A dotted key in the loaded knowledge: attributes and mapping keys by name, list elements by
    their `id` ("contacts.cpams.vaucluse.items.vau_ces", "rights.c2s.who", "prevention.offers.eps")."""
    root, *path = key.split(".")
    node = _ROOTS[root]()
    for name in path:
        if isinstance(node, dict):
            node = node[name]
        elif isinstance(node, (list, tuple)):
            matches = [n for n in node if (n.get("id") if isinstance(n, dict) else getattr(n, "id", None)) == name]
            if len(matches) != 1:
                raise KeyError(f"{key}: no single element with id {name!r}")
            node = matches[0]
        else:
            node = getattr(node, name)
    if node in (None, "", [], {}):
        raise KeyError(f"{key}: empty")
    return node


def test_the_table_is_well_formed():
    rows = _rows()
    ids = Counter(r["item_id"] for r in rows)
    assert not [i for i, n in ids.items() if n > 1], "duplicate item ids"
    for r in rows:
        assert re.fullmatch(r"\d{3}-\d{3}", r["item_id"]) and r["item_id"][:3] == r["seed_file"][:3], r
        assert r["seed_file"] in SEED_FILES, r
        assert r["place"].strip() and r["what_it_says"].strip(), r
        assert not re.search(r"\blignes? \d", r["place"]), r  # the place as written in the convention
        assert bool(r["knowledge_key"]) != bool(r["exclusion_id"]), f"{r['item_id']}: a key or an exclusion, not both"


@pytest.mark.parametrize("seed_file", SEED_FILES)
def test_each_convention_has_its_items(seed_file):
    rows = [r for r in _rows() if r["seed_file"] == seed_file]
    assert len(rows) >= 40, seed_file
    assert sum(1 for r in rows if r["knowledge_key"]) >= 25, seed_file
    require_shared()
    assert (SEEDS_DIR / seed_file).exists()


def test_every_knowledge_key_resolves():
    bad = []
    for r in _rows():
        if r["knowledge_key"]:
            try:
                resolve(r["knowledge_key"])
            except (KeyError, AttributeError) as e:
                bad.append(f"{r['item_id']}: {e}")
    assert not bad, "\n".join(bad)


def test_every_exclusion_exists_has_a_reason_and_is_used():
    exclusions = _exclusions()
    used = {r["exclusion_id"] for r in _rows() if r["exclusion_id"]}
    assert used <= set(exclusions), used - set(exclusions)
    assert set(exclusions) <= used, f"exclusions no item uses: {set(exclusions) - used}"
    for e in exclusions.values():
        assert e["reason"] in REASONS and e["text"].strip(), e["id"]
        if e["reason"] in ("outdated", "garbled"):
            assert resolve(e["replaced_by"]) is not None, e["id"]
        else:
            assert "replaced_by" not in e, e["id"]


def test_every_convention_fact_of_the_contacts_is_in_the_table():
    """The other way round: whatever contacts.yml took from a convention is listed, so the table
    stays the full inventory when an item is added."""
    k = load_contacts()
    keys = {r["knowledge_key"] for r in _rows()}
    missing = []
    for name, items in (("national", k.national), ("partner_rules", k.partner_rules), ("motifs", k.motifs)):
        missing += [f"contacts.{name}.{i.id}" for i in items
                    if k.source(i.source_id).seed_file and f"contacts.{name}.{i.id}" not in keys]
    for cpam in k.cpams:
        missing += [f"contacts.cpams.{cpam.id}.items.{i.id}" for i in cpam.items
                    if f"contacts.cpams.{cpam.id}.items.{i.id}" not in keys]
    assert not missing, missing


def test_convention_facts_carry_their_cpam_and_year():
    k = load_contacts()
    for r in _rows():
        key = r["knowledge_key"]
        if not key.startswith("contacts."):
            continue
        node = resolve(key)
        source = k.source(node.source_id) if isinstance(node, (Item, Motif)) else node
        if isinstance(source, ContactSource) and source.seed_file:
            assert source.convention and source.convention_year, r["item_id"]
            assert str(source.convention_year) in source.title, source.id


def test_the_items_the_issue_found_missing_are_in():
    keys = {r["knowledge_key"] for r in _rows()}
    for key in ("contacts.cpams.vaucluse.items.vau_aides_financieres",  # glasses, forfait journalier, aide à domicile, soins palliatifs
                "contacts.cpams.finistere.items.fin_aides_financieres",
                "contacts.cpams.finistere.items.fin_rdv_maternite", "contacts.cpams.finistere.items.fin_rdv_jeunes",
                "contacts.cpams.finistere.items.fin_ateliers_jeunes", "contacts.cpams.finistere.items.fin_retour_emploi",
                "contacts.cpams.cpam76.items.s76_eps_uc_irsa", "contacts.national.mon_espace_sante",
                "contacts.cpams.vaucluse.items.vau_violation_48h", "contacts.partner_rules.ep_nombre_gestionnaires",
                "contacts.partner_rules.ep_gratuit", "contacts.partner_rules.ep_perte_identifiants",
                "contacts.national.mas_ame", "contacts.cpams.vaucluse.items.vau_delais"):
        assert key in keys, key
        resolve(key)
    aides = resolve("contacts.cpams.vaucluse.items.vau_aides_financieres").text
    for word in ("lunettes", "forfait journalier", "aide ménagère à domicile", "soins palliatifs"):
        assert word in aides
    opposition = resolve("contacts.national.mon_espace_sante").text
    assert "opposez" in opposition and "monespacesante.fr" in opposition
    assert resolve("contacts.cpams.vaucluse.items.vau_delais").audience == "both"  # the public sees the 5/15 days


def test_named_staff_stay_out_of_the_knowledge():
    raw = (ROOT / "bot" / "knowledge" / "contacts.yml").read_text(encoding="utf-8")
    for name in ("VIROT", "Virot", "LEFORT", "Lefort", "Pust", "Laamari", "BOINA", "SERVILLAT", "FENEYROL", "BOYER",
                 "MEZRAR", "Nicolaï", "VIEUXBLED", "LISA", "BREDA", "APOIX", "QUINIOU", "WENDLING", "BAERT", "DUFLOS"):
        assert name not in raw, name
