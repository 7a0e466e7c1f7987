"""Pension d'invalidité (general scheme): conditions, then category 1/2/3 from the work capacity."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, List, Mapping, Optional

from bot.knowledge import FigureNotFound, get_right
from bot.eligibility.verdict import (
    Evidence, Verdict, add_months, eur, fact, line_for, make_verdict, qualifier, unknown,
)

RIGHT = "invalidite"
FACTS = (
    "age",
    "origin",
    "capacity_reduced_two_thirds",
    "affiliated_12_months",
    "worked_600_hours",  # or contributions on 2 030 × SMIC horaire over 12 months
    "work_capacity",
)
AT_MP = ("accident_travail", "maladie_professionnelle")


def needed_facts(situation: Mapping[str, Any]) -> List[str]:
    return assess(situation).missing


def legal_ages_for_age(card, age: int, today: date):
    """The legal retirement ages (RetirementAge rows) of everyone who is `age` years old on `today`:
    born between (today − age − 1 year, the next day) and (today − age years)."""
    latest = add_months(today, -12 * age)
    earliest = add_months(today, -12 * (age + 1)) + timedelta(days=1)
    return [r for r in card.figures.retirement_ages
            if (r.born_from is None or r.born_from <= latest) and r.born_to >= earliest]


def retirement_reached(card, age: int, today: date) -> Optional[bool]:
    """True when the legal retirement age is surely reached at `age` (whole years), False when surely
    not, None when it depends on the exact date of birth (or on a generation the knowledge lacks)."""
    rows = legal_ages_for_age(card, age, today)
    if not rows:
        return None
    legal = [r.years + r.months / 12 for r in rows]
    if age >= max(legal):
        return True
    if age + 1 <= min(legal):
        return False
    return None


def _blocker(situation, card, ev: Evidence, today: date):
    """(headline, reasons, next_steps) for the first known condition that rules the pension out."""
    age = fact(situation, "age")
    if age is not None and retirement_reached(card, age, today):
        ev.cite(card, card.figures.retirement_age.source_id)
        return (
            "À votre âge, la pension d'invalidité n'est plus possible : c'est une retraite pour inaptitude qui prend le relais.",
            [f"Vous avez {age} ans, soit l'âge légal de la retraite ou plus ; la pension d'invalidité est alors remplacée par une retraite pour inaptitude au travail."],
            ["Renseignez-vous auprès de votre caisse de retraite sur la retraite pour inaptitude."],
        )
    if fact(situation, "origin") in AT_MP:
        return (
            "Pour un accident du travail ou une maladie professionnelle, ce n'est pas la pension d'invalidité qui s'applique, mais une rente AT/MP.",
            [line_for(card.who, "sp_f672", "rente AT/MP")],
            ["Contactez votre CPAM (service accidents du travail et maladies professionnelles) pour la rente AT/MP."],
        )
    checks = [
        ("capacity_reduced_two_thirds", "Votre capacité de travail ou de gain doit être réduite d'au moins deux tiers."),
        ("affiliated_12_months", "Il faut être immatriculé à la Sécurité sociale depuis au moins 12 mois au début de l'arrêt de travail qui a conduit à l'invalidité."),
        ("worked_600_hours", "Il faut avoir travaillé au moins 600 heures dans les 12 mois précédents, ou cotisé sur au moins 2 030 fois le SMIC horaire."),
    ]
    for name, why in checks:
        if fact(situation, name) is False:
            return (
                "D'après vos réponses, vous ne remplissez pas les conditions de la pension d'invalidité.",
                [why],
                ["Parlez-en à votre médecin et à votre CPAM : d'autres aides peuvent exister (par exemple l'AAH)."],
            )
    return None


def assess(situation: Mapping[str, Any], today: Optional[date] = None) -> Verdict:
    today = today or date.today()
    card = get_right(RIGHT)
    f = card.figures
    ev = Evidence().cite(card, "sp_f672")

    blocked = _blocker(situation, card, ev, today)
    if blocked:
        headline, reasons, steps = blocked
        return make_verdict(RIGHT, "not_eligible", headline, ev, reasons, steps)
    missing = unknown(situation, FACTS)
    if missing:
        return make_verdict(
            RIGHT, "depends", "Pour savoir si une pension d'invalidité est possible, j'ai besoin de quelques informations.",
            ev, missing=missing,
        )

    age = fact(situation, "age")
    cat = f.category(fact(situation, "work_capacity"))
    ev.cite(card, cat.source_id)
    figures = {"category": cat.number, "rate_percent": cat.rate_percent}
    reasons = [
        "Votre capacité de travail est réduite d'au moins deux tiers, pour une cause qui n'est pas professionnelle.",
        "Vous remplissez les conditions d'immatriculation (12 mois) et de travail (600 heures ou cotisations équivalentes).",
        f"Catégorie {cat.number} ({cat.label}) : {cat.rate_percent:g} % de votre salaire annuel moyen des 10 meilleures années.",
    ]
    try:
        mx = card.maximums(today)
        cap = mx.period.category_1 if cat.number == 1 else mx.period.category_2_3
        reasons.append(f"Au maximum {eur(cap)} par mois en {mx.period.valid_from.year}{qualifier(mx)}.")
        figures["maximum"] = cap
        ev.add(mx.source)
        if cat.third_person_increase:
            mtp = card.third_person_increase(today)
            reasons.append(f"Plus la majoration pour tierce personne : {eur(mtp.period.value)} par mois en {mtp.period.valid_from.year}{qualifier(mtp)}.")
            figures["third_person_increase"] = mtp.period.value
            ev.cite(card, mtp.source.id)
        mn = card.minimum(today)
        reasons.append(f"Montant minimum : {eur(mn.period.value)} par mois en {mn.period.valid_from.year}{qualifier(mn)}.")
        figures["minimum"] = mn.period.value
        ev.cite(card, mn.source.id)
    except FigureNotFound:
        pass
    steps = [l.text for l in card.how_to_apply[:1]] + [card.delays[0].text]

    if age >= f.retirement_age.value and retirement_reached(card, age, today) is not False:
        ev.cite(card, f.retirement_age.source_id)
        ages = legal_ages_for_age(card, age, today)
        which = " ou ".join(sorted({r.label for r in ages})) or "selon votre date de naissance"
        return make_verdict(
            RIGHT, "depends",
            "Vous remplissez les conditions, mais votre âge est proche de l'âge légal de la retraite : cela dépend de votre date de naissance.",
            ev,
            [f"Vous avez {age} ans. La pension d'invalidité s'arrête à l'âge légal de la retraite, qui est pour vous de {which} "
             f"selon votre date de naissance (règle de la LFSS 2026, chiffre à vérifier)."]
            + reasons,
            ["Demandez à votre CPAM ou à votre caisse de retraite quel est votre âge légal de départ."] + steps,
            figures=figures,
        )
    return make_verdict(
        RIGHT, "likely_eligible",
        f"Vous pourriez avoir droit à une pension d'invalidité de catégorie {cat.number} ({cat.rate_percent:g} % de votre salaire annuel moyen).",
        ev, reasons, steps, figures=figures,
    )
