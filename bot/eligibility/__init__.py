"""Eligibility rules, one module per right, reading their figures from bot.knowledge.

    needed_facts(right, situation) -> facts still needed, in asking order
    assess(right, situation, today=None) -> Verdict

A situation is a plain dict of facts (the form slots use the same names); a fact given as None
is unknown. No Rasa import here.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Mapping, Optional

from bot.eligibility import ame, c2s, capital_deces, coverage, invalidite, puma, soins_urgents
from bot.eligibility.verdict import FACT_CHOICES, STATUSES, ParticipationLine, Verdict, check_choices

RIGHTS = ("puma", "c2s", "ame", "soins_urgents", "capital_deces", "invalidite")

_MODULES = {
    "puma": puma,
    "c2s": c2s,
    "ame": ame,
    "soins_urgents": soins_urgents,
    "capital_deces": capital_deces,
    "invalidite": invalidite,
}

# Every fact each right may ask, in asking order.
FACTS: Dict[str, tuple] = {right: module.FACTS for right, module in _MODULES.items()}

# Short French description of each fact (for "il me manque : …").
FACT_LABELS: Dict[str, str] = {
    "minimum_benefit": "si vous touchez le RSA ou l'ASPA",
    "household_size": "le nombre de personnes de votre foyer",
    "annual_resources": "les ressources de votre foyer sur les 12 derniers mois",
    "territory": "où vous habitez (métropole, outre-mer ou Mayotte)",
    "household_ages": "l'âge de chaque personne du foyer",
    "works_in_france": "si vous travaillez en France",
    "residence_status": "votre situation de séjour (régulière, irrégulière ou demande d'asile)",
    "residence_over_3_months": "si vous vivez en France depuis plus de 3 mois sans interruption",
    "is_minor": "si la personne concernée a moins de 18 ans",
    "urgent_care": "si vous avez besoin de soins urgents",
    "deceased_status": "la situation de la personne décédée dans les 3 mois avant son décès",
    "death_date": "la date du décès",
    "asker_link": "votre lien avec la personne décédée",
    "dependent_on_deceased": "si vous étiez à la charge de la personne décédée",
    "age": "votre âge",
    "origin": "l'origine de votre état (maladie, accident de la vie privée, accident du travail ou maladie professionnelle)",
    "capacity_reduced_two_thirds": "si votre capacité de travail est réduite d'au moins deux tiers",
    "affiliated_12_months": "si vous êtes immatriculé à la Sécurité sociale depuis au moins 12 mois",
    "worked_600_hours": "si vous avez travaillé au moins 600 heures sur les 12 derniers mois (ou cotisé l'équivalent)",
    "work_capacity": "si vous pouvez encore travailler",
}

__all__ = [
    "RIGHTS", "FACTS", "FACT_LABELS", "FACT_CHOICES", "STATUSES", "Verdict", "ParticipationLine", "needed_facts", "assess", "coverage",
]


def _module(right: str):
    try:
        return _MODULES[right]
    except KeyError:
        raise KeyError(f"unknown right {right!r} (expected one of {', '.join(RIGHTS)})") from None


def needed_facts(right: str, situation: Mapping[str, Any]) -> List[str]:
    """Facts that still matter for `right`, in asking order, given what `situation` already says."""
    check_choices(situation)
    return list(_module(right).needed_facts(situation or {}))


def assess(right: str, situation: Mapping[str, Any], today: Optional[date] = None) -> Verdict:
    """Verdict on `right` for `situation` as of `today` (default: the system date)."""
    check_choices(situation)
    return _module(right).assess(situation or {}, today)
