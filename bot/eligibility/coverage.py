"""Which basic cover applies: PUMa, AME or soins urgents.

The three rights share one list of facts and one routing, so that asking about the AME for someone
in a regular situation answers "c'est la PUMa qui s'applique".
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.knowledge import ame_ceiling, get_right
from bot.eligibility.verdict import (
    APPLY_ANYWAY,
    REVALUATION_MAY_CHANGE,
    TERRITORY_LABELS,
    Evidence,
    Verdict,
    eur,
    fact,
    line_for,
    make_verdict,
    persons,
    qualifier,
    uncertain_near,
    unknown,
)

RIGHTS = ("puma", "ame", "soins_urgents")
# Asking order. Only the facts that matter for the person's path are asked (see route()).
FACTS = (
    "works_in_france",
    "residence_status",
    "residence_over_3_months",
    "is_minor",  # only if irregular for 3 months or less (minors get the AME without waiting)
    "household_size",  # household_size / annual_resources: only for the AME
    "annual_resources",
    "urgent_care",  # only when neither PUMa nor AME applies
)

NAME = {"puma": "la PUMa", "ame": "l'AME", "soins_urgents": "la prise en charge des soins urgents"}
NOT_NAME = {"puma": "la PUMa", "ame": "l'AME", "soins_urgents": "les soins urgents"}

NO_COVER = "Pour l'instant, aucune prise en charge ne s'applique à votre situation, sauf pour des soins urgents à l'hôpital."


@dataclass(frozen=True)
class Route:
    scheme: Optional[str]  # the scheme that applies; None: none applies now, or not known yet
    status: str  # that scheme's status for the person
    headline: str = ""
    reasons: Tuple[str, ...] = ()
    next_steps: Tuple[str, ...] = ()
    missing: Tuple[str, ...] = ()
    figures: Dict[str, Any] = field(default_factory=dict)
    cited: Tuple[Tuple[str, str], ...] = ()  # (card id, source id)


def _pending(missing: List[str]) -> Route:
    return Route(scheme=None, status="depends", missing=tuple(missing))


def _puma_steps() -> Tuple[str, ...]:
    card = get_right("puma")
    return tuple(l.text for l in card.how_to_apply) + (
        "Si vos ressources sont faibles, vous pouvez aussi demander la Complémentaire santé solidaire.",
    )


def _puma_likely(reason: str, cited: Tuple[Tuple[str, str], ...]) -> Route:
    return Route(
        scheme="puma",
        status="likely_eligible",
        headline="Vous avez probablement droit à la PUMa (protection universelle maladie) : vos frais de santé sont pris en charge.",
        reasons=(reason,),
        next_steps=_puma_steps(),
        cited=cited + (("puma", "ameli_contact"),),
    )


def _urgent(situation, why_not: str, later: str, cited: Tuple[Tuple[str, str], ...]) -> Route:
    """No PUMa/AME: only urgent hospital care is covered."""
    su = get_right("soins_urgents")
    urgent = fact(situation, "urgent_care")
    if urgent is None:
        return _pending(["urgent_care"])
    cited = cited + (("soins_urgents", "actup_soins_urgents"), ("soins_urgents", "cpam29_offre"))
    if urgent:
        return Route(
            scheme="soins_urgents",
            status="likely_eligible",
            headline="Vos soins urgents à l'hôpital peuvent être pris en charge (dispositif soins urgents et vitaux).",
            reasons=(why_not, line_for(su.who, "cpam29_offre", "besoin de soins urgents")),
            next_steps=tuple(l.text for l in su.how_to_apply[:2]) + (later,),
            cited=cited,
        )
    return Route(
        scheme=None,
        status="not_eligible",
        headline=NO_COVER,
        reasons=(why_not,),
        next_steps=(
            "Si vous avez besoin de soins urgents, allez à l'hôpital : ils peuvent être pris en charge, sans dossier à faire de votre côté.",
            line_for(su.covers, "actup_soins_urgents", "PASS"),
            later,
        ),
        cited=cited,
    )


def _ame(situation, today: date, minor: bool) -> Route:
    ame = get_right("ame")
    missing = unknown(situation, ("household_size", "annual_resources"))
    if missing:
        return _pending(missing)
    size = fact(situation, "household_size")
    resources = fact(situation, "annual_resources")
    territory = fact(situation, "territory") or "metropole"  # never asked here; used if already known
    later = "Vous pourrez redemander l'AME si vos ressources baissent."
    if territory == "mayotte":
        return _urgent(
            situation, line_for(ame.who, "ameli_ame", "Mayotte"),
            "Renseignez-vous auprès de la caisse de sécurité sociale de Mayotte ou du service social de l'hôpital.",
            (("ame", "ameli_ame"),),
        )
    ceiling = ame_ceiling(size, territory, today)
    where = TERRITORY_LABELS.get(territory, territory)
    note = qualifier(ceiling.dated, derived_from="du plafond de la C2S gratuite")
    figures = {"annual_resources": resources, "household_size": size, "ceiling": ceiling.amount}
    cited = (("ame", "ameli_ame"), ("ame", ceiling.source.id), ("c2s", ceiling.dated.source.id))
    them = f"Vos ressources ({eur(resources)} sur 12 mois)"
    limit = f"le plafond de l'AME de {eur(ceiling.amount)} pour {persons(size)} {where}{note}"
    if uncertain_near(resources, ceiling):
        # The ceiling is a calculation from an ended C2S table: near it, no firm yes or no.
        return Route(
            scheme="ame",
            status="depends",
            headline="À vérifier : vos ressources sont proches du plafond de l'AME, je ne peux pas vous donner une réponse sûre.",
            reasons=(f"{them} sont proches du {limit}.",
                     REVALUATION_MAY_CHANGE),
            next_steps=(APPLY_ANYWAY,)
            + tuple(l.text for l in ame.how_to_apply[:2]),
            figures=figures,
            cited=cited + (("ame", "sp_f12029"),),
        )
    if resources > ceiling.amount:
        route = _urgent(situation, f"{them} dépassent {limit}.", later, cited)
        return route if route.missing else replace(route, figures=figures)
    first = (
        line_for(ame.who, "alexia_ame")
        if minor
        else "Vous êtes en situation irrégulière et vivez en France depuis plus de 3 mois sans interruption."
    )
    reasons = [first, f"{them} ne dépassent pas {limit}."]
    if fact(situation, "territory") is None:
        reasons.append("J'ai pris le plafond de la métropole ; en outre-mer, il est plus élevé.")
    if minor:
        cited += (("ame", "alexia_ame"),)
    return Route(
        scheme="ame",
        status="likely_eligible",
        headline="Vous avez probablement droit à l'aide médicale de l'État (AME).",
        reasons=tuple(reasons),
        next_steps=tuple(l.text for l in ame.how_to_apply) + (ame.delays[0].text,),
        figures=figures,
        cited=cited + (("ame", "sp_f12029"),),
    )


def _branch(status: str, over: bool, situation, today: date) -> Route:
    puma = get_right("puma")
    if status == "regular" and over:
        return _puma_likely(
            "Vous êtes en situation régulière et vivez en France depuis plus de 3 mois sans interruption.",
            (("puma", "sp_f34308"), ("puma", "sp_f13842")),
        )
    if status == "regular":
        exemptions = " ; ".join(l.text for l in puma.figures.exemptions)
        return Route(
            scheme="puma",
            status="depends",
            headline="Vous pouvez avoir droit à la PUMa sans attendre 3 mois si vous êtes dans l'un des cas prévus.",
            reasons=(
                "En principe, il faut vivre en France depuis plus de 3 mois sans interruption.",
                f"Ce délai ne s'applique pas si {exemptions}.",
            ),
            next_steps=(
                "Si vous êtes dans l'un de ces cas, demandez la PUMa à votre CPAM avec un justificatif.",
                "Sinon, vous pourrez la demander après 3 mois de résidence en France.",
            ) + _puma_steps()[:1],
            cited=(("puma", "sp_f34308"), ("puma", "ameli_contact")),
        )
    if status == "asylum_seeker" and over:
        return _puma_likely(
            "Demandeur d'asile en France depuis plus de 3 mois, vous relevez de la PUMa.",
            (("puma", "cpam29_offre"), ("puma", "sp_f34308")),
        )
    if status == "asylum_seeker":
        return _urgent(
            situation,
            "Demandeur d'asile en France depuis moins de 3 mois, vous n'avez pas encore droit à la PUMa.",
            "Après 3 mois de résidence, demandez la PUMa à votre CPAM.",
            (("puma", "cpam29_offre"),),
        )
    if status == "irregular" and over:
        return _ame(situation, today, minor=False)
    if status == "irregular":
        minor = fact(situation, "is_minor")
        if minor is None:
            return _pending(["is_minor"])
        if minor:
            return _ame(situation, today, minor=True)
        return _urgent(
            situation,
            "L'AME n'est possible qu'après 3 mois de résidence en France sans interruption.",
            "Après 3 mois de résidence, vous pourrez demander l'AME (formulaire cerfa 11573*06).",
            (("ame", "ameli_ame"),),
        )
    raise ValueError(f"unknown residence_status {status!r}")


def route(situation: Mapping[str, Any], today: Optional[date] = None) -> Route:
    today = today or date.today()
    works = fact(situation, "works_in_france")
    if works:
        return _puma_likely("Vous travaillez en France.", (("puma", "sp_f34308"),))
    head = unknown(situation, ("residence_status", "residence_over_3_months"))
    branch = None
    if not head:
        branch = _branch(fact(situation, "residence_status"), fact(situation, "residence_over_3_months"), situation, today)
    if works is None:
        # Working only matters if the residence alone does not already give the PUMa.
        if branch is not None and branch.scheme == "puma" and branch.status == "likely_eligible":
            return branch
        return _pending(["works_in_france"] + head + list(branch.missing if branch else ()))
    return branch if branch is not None else _pending(head)


def needed_facts(situation: Mapping[str, Any]) -> List[str]:
    return list(route(situation).missing)


def verdict_for(right: str, situation: Mapping[str, Any], today: Optional[date] = None) -> Verdict:
    """The verdict on `right` (puma, ame or soins_urgents), pointing to the scheme that applies."""
    r = route(situation, today)
    ev = Evidence()
    for card_id, source_id in r.cited:
        ev.cite(get_right(card_id), source_id)
    if r.missing:
        return make_verdict(
            right, "depends", f"Pour savoir si {NAME[right]} s'applique à vous, j'ai besoin de quelques informations.",
            ev.cite(get_right(right), get_right(right).who[0].source_id), missing=list(r.missing),
        )
    if r.scheme == right or r.scheme is None:
        status = r.status if r.scheme == right else "not_eligible"
        return make_verdict(
            right, status, r.headline, ev, list(r.reasons), list(r.next_steps), figures=r.figures,
            applicable_right=r.scheme,
        )
    return make_verdict(
        right, "not_eligible",
        f"Dans votre situation, c'est {NAME[r.scheme]} qui s'applique, pas {NOT_NAME[right]}.",
        ev, list(r.reasons) + [r.headline], list(r.next_steps), figures=r.figures,
        applicable_right=r.scheme,
    )
