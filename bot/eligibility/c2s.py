"""Complémentaire santé solidaire: free, with participation, or not eligible."""
from __future__ import annotations

from datetime import date
from typing import Any, List, Mapping, Optional

from bot.knowledge import FigureNotFound, get_right
from bot.eligibility.verdict import (
    APPLY_ANYWAY,
    REVALUATION_MAY_CHANGE,
    TERRITORY_LABELS,
    Evidence,
    ParticipationLine,
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

RIGHT = "c2s"
# Asking order. household_ages is asked only once the answer is "with participation".
FACTS = ("minimum_benefit", "household_size", "annual_resources", "territory", "household_ages")
INCOME_FACTS = ("household_size", "annual_resources", "territory")

FREE = "Vous avez probablement droit à la Complémentaire santé solidaire gratuite."
PARTICIPATIVE = "Vous avez probablement droit à la Complémentaire santé solidaire avec participation."


def needed_facts(situation: Mapping[str, Any]) -> List[str]:
    return assess(situation).missing


def _apply_steps(card) -> List[str]:
    return [card.how_to_apply[0].text, card.how_to_apply[1].text, card.delays[0].text]


def participation(ages: List[int], on: date):
    """Per-person lines, household total and Alsace-Moselle total, from the card's age brackets."""
    card = get_right(RIGHT)
    table = card.participation_table(on).period
    lines = []
    for age in ages:
        b = table.bracket_for(age)
        lines.append(ParticipationLine(age, b.label, b.amount, b.amount_alsace_moselle))
    total = round(sum(l.amount for l in lines), 2)
    total_am = round(sum(l.amount_alsace_moselle for l in lines), 2)
    return lines, total, total_am


def _participative(situation, today, ev, reasons, figures, headline) -> Verdict:
    """Participative variant: asks the ages, then computes the monthly amounts."""
    card = get_right(RIGHT)
    ev.cite(card, card.figures.participation[0].source_id)
    ages = fact(situation, "household_ages")
    steps = _apply_steps(card)
    if ages is None:
        reasons = reasons + ["La participation dépend de l'âge de chaque personne (de 8 € à 30 € par mois et par personne)."]
        return make_verdict(
            RIGHT, "depends", headline + " Pour calculer la participation, j'ai besoin de l'âge de chaque personne du foyer.",
            ev, reasons, steps, ["household_ages"], figures, variant="participative",
        )
    lines, total, total_am = participation(ages, today)
    for l in lines:
        reasons.append(f"Pour une personne de {l.age} ans ({l.bracket}) : {eur(l.amount)} par mois.")
    reasons.append(
        f"Total pour le foyer : {eur(total)} par mois (en Alsace-Moselle : {eur(total_am)}), selon l'âge au 1er janvier."
    )
    size = fact(situation, "household_size")
    if size is not None and size != len(ages):
        reasons.append(f"Calcul fait pour les {persons(len(ages))} dont vous avez donné l'âge.")
    figures.update(participation_total=total, participation_total_alsace_moselle=total_am)
    return make_verdict(
        RIGHT, "likely_eligible", headline, ev, reasons, steps, [], figures,
        variant="participative", monthly_participation=lines,
    )


def assess(situation: Mapping[str, Any], today: Optional[date] = None) -> Verdict:
    today = today or date.today()
    card = get_right(RIGHT)
    ev = Evidence()
    benefit = fact(situation, "minimum_benefit")

    if benefit is None:
        missing = ["minimum_benefit"] + unknown(situation, INCOME_FACTS)
        return make_verdict(
            RIGHT, "depends", "Pour vous répondre sur la Complémentaire santé solidaire, j'ai besoin de quelques informations.",
            ev.cite(card, "ameli_c2s"), missing=missing,
        )

    if benefit == "rsa":
        ev.cite(card, "sp_f10027_rsa").cite(card, "ameli_renouvellement")
        return make_verdict(
            RIGHT, "likely_eligible",
            "Avec le RSA, vous avez droit à la Complémentaire santé solidaire gratuite : elle vous est attribuée automatiquement, sauf si vous la refusez.",
            ev,
            reasons=[line_for(card.who, "sp_f10027_rsa"), line_for(card.delays, "ameli_renouvellement", "RSA")],
            next_steps=["Vérifiez dans votre compte ameli que votre C2S est bien ouverte ; sinon, contactez votre CPAM."],
            variant="gratuite",
        )

    if benefit == "aspa":
        ev.cite(card, "sp_f10027_aspa")
        reasons = [line_for(card.who, "sp_f10027_aspa").rstrip(".") + " (règle à vérifier)."]
        headline = "Avec l'ASPA, vous avez probablement droit à la Complémentaire santé solidaire avec participation, sans avoir à détailler vos revenus."
        return _participative(situation, today, ev, reasons, {}, headline)

    missing = unknown(situation, INCOME_FACTS)
    if missing:
        return make_verdict(
            RIGHT, "depends", "Pour savoir si vous avez droit à la Complémentaire santé solidaire, j'ai besoin de quelques informations.",
            ev.cite(card, "ameli_c2s"), missing=missing,
        )

    size = fact(situation, "household_size")
    resources = fact(situation, "annual_resources")
    territory = fact(situation, "territory")
    where = TERRITORY_LABELS.get(territory, territory)
    try:
        free = card.c2s_ceiling(size, territory, "free", today)
        part = card.c2s_ceiling(size, territory, "participative", today)
    except FigureNotFound:
        return make_verdict(
            RIGHT, "depends",
            f"Je n'ai pas de plafond vérifié pour la Complémentaire santé solidaire {where}.",
            ev.cite(card, "ameli_c2s"),
            reasons=["Les plafonds connus concernent la métropole et les départements d'outre-mer (hors Mayotte)."],
            next_steps=["Renseignez-vous auprès de votre caisse de sécurité sociale ou au 3646."],
        )
    ev.cite(card, free.source.id)
    figures = {
        "annual_resources": resources,
        "household_size": size,
        "ceiling_free": free.amount,
        "ceiling_participative": part.amount,
    }
    q = qualifier(free.dated, check_at="avec le simulateur officiel")
    valid = f"Plafonds annuels {where} à partir du {free.dated.period.valid_from.strftime('%d/%m/%Y')}{q}."
    them = f"Vos ressources ({eur(resources)} sur 12 mois)"

    near = [c for c in (free, part) if uncertain_near(resources, c)]
    if near:
        # The ceiling has ended (the next one is not integrated) or is a calculation, and the
        # person is within a yearly revaluation of it: a firm answer could be wrong.
        ceiling = near[0]
        kind = "de la C2S gratuite" if ceiling.kind == "free" else "de la C2S avec participation"
        reasons = [
            f"{them} sont proches du plafond {kind} de {eur(ceiling.amount)} pour {persons(size)} {where}.",
            valid,
            REVALUATION_MAY_CHANGE,
        ]
        return make_verdict(
            RIGHT, "depends",
            "À vérifier : vos ressources sont proches du plafond de la Complémentaire santé solidaire, je ne peux pas vous donner une réponse sûre.",
            ev, reasons,
            ["Faites le test sur le simulateur officiel : https://www.ameli.fr/simulateur-droits.",
             APPLY_ANYWAY] + _apply_steps(card)[:2],
            [], figures,
        )

    if resources <= free.amount:
        reasons = [
            f"{them} ne dépassent pas le plafond de la C2S gratuite de {eur(free.amount)} pour {persons(size)} {where}.",
            valid,
        ]
        return make_verdict(RIGHT, "likely_eligible", FREE, ev, reasons, _apply_steps(card), [], figures, variant="gratuite")

    if resources <= part.amount:
        reasons = [
            f"{them} dépassent le plafond de la C2S gratuite ({eur(free.amount)} pour {persons(size)} {where}), "
            f"mais ne dépassent pas celui de la C2S avec participation ({eur(part.amount)}).",
            valid,
        ]
        return _participative(situation, today, ev, reasons, figures, PARTICIPATIVE)

    reasons = [
        f"{them} dépassent le plafond de la C2S avec participation de {eur(part.amount)} pour {persons(size)} {where}.",
        valid,
    ]
    return make_verdict(
        RIGHT, "not_eligible",
        "Vos ressources dépassent le plafond de la Complémentaire santé solidaire.",
        ev, reasons,
        ["Si vos ressources baissent ou si votre foyer s'agrandit, vous pourrez refaire une demande.",
         "Vous pouvez vérifier votre situation sur le simulateur officiel : https://www.ameli.fr/simulateur-droits."],
        [], figures,
    )
