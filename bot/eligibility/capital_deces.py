"""Capital décès: does the deceased's situation open the right, who can ask, by when, how much."""
from __future__ import annotations

from datetime import date
from typing import Any, List, Mapping, Optional

from bot.knowledge import FigureNotFound, get_right
from bot.eligibility.verdict import (
    Evidence,
    Verdict,
    add_months,
    eur,
    fact,
    fr_date,
    line_for,
    make_verdict,
    qualifier,
    unknown,
)

RIGHT = "capital_deces"
FACTS = ("deceased_status", "death_date", "asker_link", "dependent_on_deceased")

# Situations of the deceased (in the 3 months before death) that open the right.
OPENING = {
    "salarie": "était salariée",
    "chomeur_indemnise": "était au chômage indemnisé",
    "chomage_termine_moins_12_mois": "avait fini d'être indemnisée par le chômage depuis moins de 12 mois",
    "pension_invalidite": "touchait une pension d'invalidité",
    "rente_atmp_66": "touchait une rente AT/MP avec un taux d'incapacité d'au moins 66,66 %",
    "maintien_droits": "était en maintien de droits",
    "independant_actif": "était travailleur indépendant en activité",
    "independant_retraite": "était travailleur indépendant retraité",
}
INDEPENDANT = {"independant_actif": "actif", "independant_retraite": "retraite"}
FAMILY = {"conjoint": "conjoint ou partenaire de Pacs", "enfant": "enfant", "ascendant": "parent (ascendant)"}
RANK = {"conjoint": "en premier", "enfant": "s'il n'y a pas de conjoint ou partenaire de Pacs",
        "ascendant": "s'il n'y a ni conjoint ni enfant"}


def needed_facts(situation: Mapping[str, Any]) -> List[str]:
    return assess(situation).missing


def deadlines(death: date):
    """(priority deadline, general deadline) from the card's month counts."""
    f = get_right(RIGHT).figures
    return (
        add_months(death, int(f.priority_deadline_months.value)),
        add_months(death, int(f.non_priority_deadline_months.value)),
    )


def _amount_reason(status: str, death: date, ev: Evidence, figures: dict) -> str:
    card = get_right(RIGHT)
    try:
        if status in INDEPENDANT:
            d = card.independant_amount(INDEPENDANT[status], death)
            p = d.period
            text = (f"Montant pour un indépendant {'retraité' if p.kind == 'retraite' else 'en activité'} : "
                    f"{p.pass_percent:g} % du plafond annuel de la Sécurité sociale, soit {eur(p.value)} "
                    f"en {p.valid_from.year}{qualifier(d)}.")
        else:
            d = card.amount(death)
            text = f"Montant : {eur(d.period.value)}, somme fixe versée une seule fois{qualifier(d)}."
    except FigureNotFound:
        return "Le montant dépend de la date du décès : demandez-le à la CPAM."
    ev.add(d.source)
    figures["amount"] = d.period.value
    return text


def _deadline_lines(death: date, today: date, priority: bool) -> List[str]:
    first, last = deadlines(death)
    state = lambda d: "délai encore ouvert" if today <= d else "délai dépassé"
    lines = []
    if priority:
        lines.append(f"Demande prioritaire : au plus tard le {fr_date(first)} (1 mois après le décès) — {state(first)}.")
    lines.append(f"Demande dans tous les cas : au plus tard le {fr_date(last)} (2 ans après le décès) — {state(last)}.")
    return lines


def assess(situation: Mapping[str, Any], today: Optional[date] = None) -> Verdict:
    today = today or date.today()
    card = get_right(RIGHT)
    ev = Evidence().cite(card, "ameli_capital_deces")
    status = fact(situation, "deceased_status")
    apply_steps = [l.text for l in card.how_to_apply]

    death = fact(situation, "death_date")
    if death is not None and today > deadlines(death)[1]:
        # Past 2 years nothing else matters.
        last = deadlines(death)[1]
        return make_verdict(
            RIGHT, "not_eligible",
            f"Le délai pour demander le capital décès est dépassé : il fallait le demander au plus tard le {fr_date(last)}.",
            ev.cite(card, "sp_f3005"), [line_for(card.delays, "sp_f3005", "2 ans")],
            ["Si vous pensez avoir une raison valable, contactez la CPAM du défunt (3646)."],
            figures={"priority_deadline": deadlines(death)[0], "deadline": last},
        )
    if status is None:
        return make_verdict(
            RIGHT, "depends", "Pour savoir si le capital décès peut être versé, j'ai besoin de quelques informations.",
            ev, missing=unknown(situation, FACTS),
        )
    if status == "retraite_salarie":
        ev.cite(card, "forum_ameli_retraite")
        return make_verdict(
            RIGHT, "not_eligible", "Le capital décès de l'Assurance Maladie n'est pas versé au décès d'un salarié déjà retraité.",
            ev, [line_for(card.who, "forum_ameli_retraite")],
            ["Si vous avez un doute sur sa situation dans les 3 mois avant le décès, contactez sa CPAM (3646)."],
        )
    if status not in OPENING:
        return make_verdict(
            RIGHT, "not_eligible",
            "D'après ce que vous indiquez, la situation de la personne décédée n'ouvre pas droit au capital décès.",
            ev,
            ["Il faut que, dans les 3 mois avant le décès, la personne ait été salariée, au chômage indemnisé "
             "(ou depuis moins de 12 mois), titulaire d'une pension d'invalidité ou d'une rente AT/MP d'au moins 66,66 %, "
             "en maintien de droits, ou travailleur indépendant."],
            ["Si vous avez un doute sur sa situation, contactez sa CPAM (3646)."],
        )

    link = fact(situation, "asker_link")
    figures: dict = {}
    reasons = [f"Dans les 3 mois avant son décès, la personne décédée {OPENING[status]} : cette situation ouvre droit au capital décès."]
    if death is None:
        return make_verdict(
            RIGHT, "depends", "La situation de la personne décédée ouvre droit au capital décès ; j'ai besoin de quelques informations pour la suite.",
            ev, reasons, missing=unknown(situation, FACTS[1:]),
        )
    first, last = deadlines(death)
    figures.update(priority_deadline=first, deadline=last)
    ev.cite(card, "sp_f3005")

    priority_open = today <= first
    missing = unknown(situation, ["asker_link"] + (["dependent_on_deceased"] if priority_open else []))
    if missing:
        return make_verdict(
            RIGHT, "depends", "La situation de la personne décédée ouvre droit au capital décès ; j'ai besoin de quelques informations pour la suite.",
            ev, reasons, missing=missing, figures=figures,
        )
    dependent = bool(fact(situation, "dependent_on_deceased")) and priority_open
    reasons.append(_amount_reason(status, death, ev, figures))
    ev.cite(card, "sp_f34569")

    if dependent:
        reasons += _deadline_lines(death, today, priority=True)
        if link not in FAMILY:
            return make_verdict(
                RIGHT, "depends",
                "Vous étiez à la charge de la personne décédée : vous pourriez être bénéficiaire prioritaire du capital décès.",
                ev, reasons + [line_for(card.who, "sp_f3005", "prioritaires")],
                ["Contactez vite la CPAM du défunt pour savoir si vous pouvez le demander (3646)."] + apply_steps,
                figures=figures,
            )
        return make_verdict(
            RIGHT, "likely_eligible",
            f"Vous êtes probablement bénéficiaire prioritaire du capital décès : faites la demande au plus tard le {fr_date(first)}.",
            ev, reasons + [line_for(card.who, "sp_f3005", "prioritaires")], apply_steps, figures=figures,
        )

    if link not in FAMILY:
        return make_verdict(
            RIGHT, "not_eligible",
            "Le capital décès est versé au conjoint, aux enfants ou aux parents, ou à une personne qui était à la charge du défunt : d'après vos réponses, ce n'est pas votre cas.",
            ev, reasons[:1] + [line_for(card.who, "sp_f3005", "non prioritaires")], figures=figures,
        )
    if fact(situation, "dependent_on_deceased") and not priority_open:
        reasons.append(f"Le délai pour une demande prioritaire (1 mois, jusqu'au {fr_date(first)}) est dépassé ; vous pouvez encore faire une demande ordinaire.")
    reasons += _deadline_lines(death, today, priority=priority_open)
    reasons.append(f"Comme {FAMILY[link]}, vous pouvez le recevoir {RANK[link]} ; les personnes de même rang se le partagent.")
    if priority_open:
        reasons.append(f"Une personne qui était à la charge du défunt passe avant vous si elle le demande d'ici le {fr_date(first)}.")
    return make_verdict(
        RIGHT, "likely_eligible",
        f"Vous pouvez probablement demander le capital décès, au plus tard le {fr_date(last)}.",
        ev, reasons, apply_steps, figures=figures,
    )
