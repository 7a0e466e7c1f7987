"""Shared pieces of the eligibility modules: the Verdict, source collection and French formatting."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.formatting import eur, fr_date, persons  # noqa: F401 (re-exported for the modules)
from bot.knowledge import get_right
from bot.knowledge.schema import Dated, RightCard, Source

STATUSES = ("likely_eligible", "not_eligible", "depends")


@dataclass(frozen=True)
class ParticipationLine:
    """Monthly C2S participation for one person."""

    age: int
    bracket: str
    amount: float
    amount_alsace_moselle: float


@dataclass(frozen=True)
class Verdict:
    right: str
    status: str  # one of STATUSES
    headline: str  # one plain French sentence
    reasons: List[str]
    next_steps: List[str]
    sources: List[Source]
    missing: List[str]  # facts still needed, in asking order; non-empty => status "depends"
    figures: Dict[str, Any]  # numbers used (and deadline dates for capital décès)
    indicative: str
    variant: Optional[str] = None  # C2S: "gratuite" | "participative"
    monthly_participation: List[ParticipationLine] = field(default_factory=list)
    applicable_right: Optional[str] = None  # puma/ame/soins_urgents: the scheme that applies

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.missing and self.status != "depends":
            raise ValueError("a verdict with missing facts must be 'depends'")


# --- situation access -------------------------------------------------------------------------

# Allowed values of the categorical facts (the form's buttons use the same codes).
FACT_CHOICES: Dict[str, Tuple[str, ...]] = {
    "minimum_benefit": ("rsa", "aspa", "none"),
    "territory": ("metropole", "outre_mer", "mayotte"),
    "residence_status": ("regular", "irregular", "asylum_seeker"),
    "deceased_status": (
        "salarie", "chomeur_indemnise", "chomage_termine_moins_12_mois", "pension_invalidite", "rente_atmp_66",
        "maintien_droits", "independant_actif", "independant_retraite", "retraite_salarie", "autre",
    ),
    "asker_link": ("conjoint", "enfant", "ascendant", "autre"),
    "origin": ("maladie", "accident_vie_privee", "accident_travail", "maladie_professionnelle"),
    "work_capacity": ("can_work", "cannot_work", "needs_third_person"),
}


def check_choices(situation: Mapping[str, Any]) -> None:
    """Raises ValueError on a categorical fact with a value outside FACT_CHOICES."""
    for name, allowed in FACT_CHOICES.items():
        value = (situation or {}).get(name)
        if value is not None and value not in allowed:
            raise ValueError(f"fact {name!r} must be one of {', '.join(allowed)} (got {value!r})")



def fact(situation: Mapping[str, Any], name: str) -> Any:
    """The typed value of a fact, or None when unknown (absent or None)."""
    value = situation.get(name) if situation else None
    if value is None:
        return None
    if name == "death_date" and isinstance(value, str):
        return date.fromisoformat(value)
    if name in ("household_size", "age") and isinstance(value, float):
        return int(value)
    if name == "annual_resources":
        return float(value)
    if name == "household_ages":
        return [int(a) for a in value] or None  # an empty list tells nothing
    return value


def unknown(situation: Mapping[str, Any], names) -> List[str]:
    return [n for n in names if fact(situation, n) is None]


# --- sources ----------------------------------------------------------------------------------


class Evidence:
    """Collects the sources a verdict used, in the order they were cited, without duplicates."""

    def __init__(self) -> None:
        self._items: Dict[Tuple[str, str], Source] = {}

    def cite(self, card: RightCard, source_id: str) -> "Evidence":
        self._items.setdefault((card.id, source_id), card.source(source_id))
        return self

    def add(self, source: Source) -> "Evidence":
        self._items.setdefault(("", source.id + source.url), source)
        return self

    def sources(self) -> List[Source]:
        seen, out = set(), []
        for s in self._items.values():
            key = (s.url, s.title)
            if key not in seen:
                seen.add(key)
                out.append(s)
        return out


def line_for(lines, source_id: str, contains: str = "") -> str:
    """Text of the first card line citing `source_id` (and containing `contains`)."""
    for l in lines:
        if l.source_id == source_id and contains in l.text:
            return l.text
    raise KeyError(f"no line from {source_id!r} containing {contains!r}")


# --- French formatting ------------------------------------------------------------------------


TERRITORY_LABELS = {"metropole": "en métropole", "outre_mer": "en outre-mer", "mayotte": "à Mayotte"}


def qualifier(dated: Dated, derived_from: Optional[str] = None, check_at: str = "") -> str:
    """What a reader must know about a figure, in brackets after it, or '':
    - ended: ' (montant en vigueur du 01/04/2025 au 31/03/2026 ; le suivant n'est pas encore intégré ici :
      vérifiez <check_at>)' — never said as current;
    - computed from a parameter: ' (calcul à partir du plafond annuel de la Sécurité sociale 2026, pas un
      montant officiel publié)';
    - read on a secondary page or flagged: ' (chiffre à vérifier)'."""
    parts = []
    derived_from = derived_from or dated.derived_from
    if derived_from:
        parts.append(f"calcul à partir {derived_from}, pas un montant officiel publié")
    elif dated.needs_check:
        parts.append("chiffre à vérifier")
    if dated.outdated:
        period = dated.period
        parts.append(f"en vigueur du {fr_date(period.valid_from)} au {fr_date(period.valid_to)} ; "
                     f"le montant suivant n'est pas encore intégré ici : vérifiez {check_at or 'auprès de votre CPAM ou au 3646'}")
    return f" ({' ; '.join(parts)})" if parts else ""


# Said with every "À vérifier" verdict near an ended or computed ceiling (C2S and AME).
REVALUATION_MAY_CHANGE = "Une revalorisation annuelle du plafond peut changer la réponse."
APPLY_ANYWAY = "Vous pouvez faire la demande : la CPAM vérifiera avec le plafond en vigueur."


def uncertain_near(amount: float, ceiling: Any) -> bool:
    """True when a firm yes or no on `amount` against `ceiling` (a Ceiling) could be wrong: the ceiling
    has ended or is only a calculation, and `amount` lies within a yearly revaluation of it."""
    # The AME ceiling *is* the free C2S ceiling by law (no calculation): only the C2S table's end or
    # a computed ceiling (overseas majoration) makes the verdict uncertain.
    if not (ceiling.outdated or ceiling.dated.derived_from):
        return False
    from bot.knowledge.parameters import revaluation_margin

    return abs(amount - ceiling.amount) <= ceiling.amount * revaluation_margin()


def add_months(d: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (31/01 + 1 month -> 28 or 29/02)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# --- building verdicts ------------------------------------------------------------------------


def indicative(card: RightCard) -> str:
    return f"Résultat indicatif : seule la CPAM décide. Pour une réponse officielle : {card.simulator_or_contact.text}."


def make_verdict(
    right: str,
    status: str,
    headline: str,
    evidence: Evidence,
    reasons: Optional[List[str]] = None,
    next_steps: Optional[List[str]] = None,
    missing: Optional[List[str]] = None,
    figures: Optional[Dict[str, Any]] = None,
    **extra: Any,
) -> Verdict:
    card = get_right(right)
    evidence.cite(card, card.simulator_or_contact.source_id)
    return Verdict(
        right=right,
        status=status,
        headline=headline,
        reasons=list(reasons or []),
        next_steps=list(next_steps or []),
        sources=evidence.sources(),
        missing=list(missing or []),
        figures=dict(figures or {}),
        indicative=indicative(card),
        **extra,
    )
