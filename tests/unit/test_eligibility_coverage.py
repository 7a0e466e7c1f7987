"""PUMa / AME / soins urgents: one routing, shared facts, each path."""
from datetime import date

import pytest

from bot.eligibility.coverage import route
from bot.eligibility import assess, needed_facts
from bot.eligibility.verdict import eur
from bot.knowledge import ame_ceiling

TODAY = date(2026, 11, 24)
TRIO = ("puma", "ame", "soins_urgents")


def base(status, over, works=False, **extra):
    return {"works_in_france": works, "residence_status": status, "residence_over_3_months": over, **extra}


def verdicts(s):
    return {right: assess(right, s, TODAY) for right in TRIO}


def test_three_rights_share_the_fact_list():
    for s in ({}, base("irregular", True), base("irregular", False), base("asylum_seeker", False)):
        assert needed_facts("puma", s) == needed_facts("ame", s) == needed_facts("soins_urgents", s)


def test_first_questions():
    assert needed_facts("ame", {}) == ["works_in_france", "residence_status", "residence_over_3_months"]
    assert needed_facts("ame", {"works_in_france": None}) == ["works_in_france", "residence_status", "residence_over_3_months"]
    assert needed_facts("ame", {"works_in_france": False}) == ["residence_status", "residence_over_3_months"]


def test_works_in_france_stops_everything():
    s = {"works_in_france": True}
    assert needed_facts("ame", s) == []
    v = verdicts(s)
    assert v["puma"].status == "likely_eligible"
    assert v["ame"].status == "not_eligible" and "c'est la PUMa qui s'applique" in v["ame"].headline
    assert v["soins_urgents"].applicable_right == "puma"


def test_regular_over_3_months_is_puma_even_if_work_unknown():
    s = {"residence_status": "regular", "residence_over_3_months": True}
    assert needed_facts("puma", s) == []
    v = verdicts(s)
    assert v["puma"].status == "likely_eligible"
    assert v["ame"].headline == "Dans votre situation, c'est la PUMa qui s'applique, pas l'AME."
    assert v["ame"].status == "not_eligible"


def test_regular_under_3_months_depends_with_exemptions():
    s = base("regular", False)
    assert needed_facts("puma", s) == []
    v = assess("puma", s, TODAY)
    assert v.status == "depends" and v.missing == []
    text = " ".join(v.reasons)
    for word in ("réfugié", "étudiant", "RSA", "regroupement familial", "volontariat"):
        assert word in text
    assert "c'est la PUMa qui s'applique" in assess("ame", s, TODAY).headline


def test_regular_never_asks_resources_minor_or_urgent_care():
    for over in (True, False):
        asked = needed_facts("ame", {"works_in_france": None, "residence_status": "regular", "residence_over_3_months": over})
        assert not {"household_size", "annual_resources", "is_minor", "urgent_care"} & set(asked)


def test_asylum_seeker_over_3_months_is_puma():
    s = base("asylum_seeker", True)
    assert needed_facts("puma", s) == []
    assert assess("puma", s, TODAY).status == "likely_eligible"
    assert assess("ame", s, TODAY).applicable_right == "puma"


def test_asylum_seeker_under_3_months_asks_urgent_care_only():
    s = base("asylum_seeker", False)
    assert needed_facts("soins_urgents", s) == ["urgent_care"]
    v = verdicts({**s, "urgent_care": True})
    assert v["soins_urgents"].status == "likely_eligible"
    assert v["puma"].status == "not_eligible" and v["puma"].applicable_right == "soins_urgents"
    assert "hôpital" in " ".join(v["soins_urgents"].next_steps)


def test_no_urgent_care_means_nothing_applies_now():
    for s in (base("asylum_seeker", False, urgent_care=False), base("irregular", False, is_minor=False, urgent_care=False)):
        for right, v in verdicts(s).items():
            assert v.status == "not_eligible" and v.applicable_right is None, right
            assert "PASS" in " ".join(v.next_steps)


def test_irregular_over_3_months_asks_household_then_resources():
    s = base("irregular", True)
    assert needed_facts("ame", s) == ["household_size", "annual_resources"]
    assert needed_facts("ame", {**s, "household_size": 2}) == ["annual_resources"]
    assert "is_minor" not in needed_facts("ame", s)


AME_CASES = [(size, delta) for size in range(1, 7) for delta in (-1, 0, 1)]


# A day when the C2S table the AME ceiling follows was in force (after it, near the ceiling, the
# verdict is "à vérifier": tests/unit/test_figures_in_force.py).
IN_FORCE = date(2025, 6, 1)


@pytest.mark.parametrize("size,delta", AME_CASES)
def test_ame_ceiling_boundaries_from_card(size, delta):
    TODAY = IN_FORCE
    limit = ame_ceiling(size, "metropole", TODAY).amount
    s = base("irregular", True, household_size=size, annual_resources=limit + delta)
    if delta <= 0:
        v = assess("ame", s, TODAY)
        assert v.status == "likely_eligible" and v.applicable_right == "ame"
        assert eur(limit) in " ".join(v.reasons)
        assert "calcul à partir du plafond de la C2S gratuite" in " ".join(v.reasons)
        assert list(route(s, TODAY).missing) == []
    else:
        assert list(route(s, TODAY).missing) == ["urgent_care"]
        v = assess("soins_urgents", {**s, "urgent_care": True}, TODAY)
        assert v.status == "likely_eligible"
        a = assess("ame", {**s, "urgent_care": True}, TODAY)
        assert a.status == "not_eligible" and a.applicable_right == "soins_urgents"
        assert eur(limit) in " ".join(a.reasons)


def test_ame_uses_outre_mer_ceiling_when_territory_known():
    limit = ame_ceiling(1, "outre_mer", TODAY).amount
    assert limit > ame_ceiling(1, "metropole", TODAY).amount
    v = assess("ame", base("irregular", True, household_size=1, annual_resources=limit - 1000, territory="outre_mer"), TODAY)
    assert v.status == "likely_eligible" and eur(limit) in " ".join(v.reasons)
    # At the computed overseas ceiling itself, no firm answer.
    v = assess("ame", base("irregular", True, household_size=1, annual_resources=limit, territory="outre_mer"), TODAY)
    assert v.status == "depends" and v.headline.startswith("À vérifier")


def test_no_ame_in_mayotte():
    s = base("irregular", True, household_size=1, annual_resources=1000, territory="mayotte", urgent_care=False)
    v = assess("ame", s, TODAY)
    assert v.status == "not_eligible" and "Mayotte" in " ".join(v.reasons)


def test_irregular_under_3_months_asks_minor_first():
    s = base("irregular", False)
    assert needed_facts("ame", s) == ["is_minor"]
    assert needed_facts("ame", {**s, "is_minor": False}) == ["urgent_care"]
    assert needed_facts("ame", {**s, "is_minor": True}) == ["household_size", "annual_resources"]


def test_minor_gets_ame_without_waiting():
    s = base("irregular", False, is_minor=True, household_size=3, annual_resources=12000)
    v = assess("ame", s, TODAY)
    assert v.status == "likely_eligible"
    assert "mineurs" in " ".join(v.reasons)


def test_irregular_under_3_months_adult_with_urgent_care():
    s = base("irregular", False, is_minor=False, urgent_care=True)
    v = verdicts(s)
    assert v["soins_urgents"].status == "likely_eligible"
    assert v["ame"].status == "not_eligible" and "3 mois" in " ".join(v["ame"].reasons)


def test_work_still_asked_when_it_could_change_the_answer():
    s = {"residence_status": "irregular", "residence_over_3_months": True}
    assert needed_facts("ame", s) == ["works_in_france", "household_size", "annual_resources"]


def test_indicative_and_sources_always_present():
    for s in ({}, base("regular", True), base("irregular", True, household_size=1, annual_resources=1)):
        for v in verdicts(s).values():
            assert v.indicative.startswith("Résultat indicatif : seule la CPAM décide.")
            assert v.sources and all(x.url.startswith("https://") for x in v.sources)
