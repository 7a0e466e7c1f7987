"""Plain French answers built from the knowledge cards and the eligibility verdicts."""
from __future__ import annotations

from datetime import date
from typing import Callable, Dict, List, Optional, Tuple

from bot.eligibility import FACT_LABELS, Verdict
from bot.eligibility.verdict import eur, fr_date, qualifier
from bot.formatting import source_line as cite
from bot.knowledge import ame_ceiling, get_right
from bot.knowledge.schema import Source

Point = Tuple[str, Optional[Source]]
MAX_SOURCE_LINES = 2


def source_line(source: Source) -> str:
    return cite(source.display_url, source.checked)


def _cited(card, line) -> Point:
    return line.text, card.source(line.source_id)


def _puma(card, on: date) -> List[Point]:
    f = card.figures
    exemptions = " ; ".join(l.text for l in f.exemptions)
    return [
        (f"Il faut travailler en France, ou y vivre de façon régulière depuis plus de {f.residence_months.value:g} mois sans interruption.",
         card.source(f.residence_months.source_id)),
        (f"Pas besoin d'attendre {f.residence_months.value:g} mois si {exemptions}.", card.source(f.exemptions[0].source_id)),
        _cited(card, card.how_to_apply[0]),
    ]


def _c2s(card, on: date) -> List[Point]:
    free = card.c2s_ceiling(1, "metropole", "free", on)
    part = card.c2s_ceiling(1, "metropole", "participative", on)
    table = card.participation_table(on)
    amounts = [b.amount for b in table.period.brackets]
    return [
        (f"Gratuite si les ressources du foyer sur 12 mois ne dépassent pas {eur(free.amount)} pour 1 personne "
         f"en métropole{qualifier(free.dated, check_at='avec le simulateur officiel')}.", free.source),
        (f"Avec participation jusqu'à {eur(part.amount)} pour 1 personne : de {eur(min(amounts))} à {eur(max(amounts))} "
         f"par mois et par personne selon l'âge{' (chiffre à vérifier)' if part.needs_check else ''}.", part.source),
        (f"{card.how_to_apply[0].text} {card.how_to_apply[1].text}", card.source(card.how_to_apply[1].source_id)),
        _cited(card, card.delays[0]),
    ]


def _ame(card, on: date) -> List[Point]:
    ceiling = ame_ceiling(1, "metropole", on)
    note = qualifier(ceiling.dated, derived_from="du plafond de la C2S gratuite")
    minors = next(l for l in card.who if l.source_id == "alexia_ame")
    return [
        (f"Plafond de ressources : {eur(ceiling.amount)} par an pour 1 personne en métropole{note}.", ceiling.source),
        _cited(card, minors),
        _cited(card, card.how_to_apply[0]),
        _cited(card, card.delays[0]),
    ]


def _soins_urgents(card, on: date) -> List[Point]:
    where = card.figures.conditions[0]
    return [
        (f"{where.text[0].upper()}{where.text[1:]}.", card.source(where.source_id)),
        _cited(card, card.how_to_apply[1]),
        _cited(card, card.covers[2]),
    ]


def _capital_deces(card, on: date) -> List[Point]:
    f = card.figures
    amount = card.amount(on)
    return [
        (f"Montant : {eur(amount.period.value)} pour un décès à partir du {fr_date(amount.period.valid_from)}{qualifier(amount)}.", amount.source),
        (f"Délais : {f.priority_deadline_months.value:g} mois après le décès pour les personnes qui étaient à la charge "
         f"du défunt, {f.non_priority_deadline_months.value / 12:g} ans pour les autres.",
         card.source(f.non_priority_deadline_months.source_id)),
        (f"{card.how_to_apply[0].text} {card.how_to_apply[1].text}", card.source(card.how_to_apply[0].source_id)),
    ]


def _invalidite(card, on: date) -> List[Point]:
    mx = card.maximums(on)
    mtp = card.third_person_increase(on)
    return [
        (f"Catégorie 1 : 30 % du salaire annuel moyen, au maximum {eur(mx.period.category_1)} par mois ; "
         f"catégories 2 et 3 : 50 %, au maximum {eur(mx.period.category_2_3)} par mois, en "
         f"{mx.period.valid_from.year}{qualifier(mx)}.", mx.source),
        (f"Catégorie 3 : plus la majoration pour tierce personne, {eur(mtp.period.value)} par mois en "
         f"{mtp.period.valid_from.year}{qualifier(mtp)}.", mtp.source),
        _cited(card, card.how_to_apply[0]),
    ]


_POINTS: Dict[str, Callable[..., List[Point]]] = {
    "puma": _puma,
    "c2s": _c2s,
    "ame": _ame,
    "soins_urgents": _soins_urgents,
    "capital_deces": _capital_deces,
    "invalidite": _invalidite,
}


def _source_lines(sources: List[Optional[Source]]) -> List[str]:
    lines, seen = [], set()
    for s in sources:
        if s is None or s.display_url in seen:
            continue
        seen.add(s.display_url)
        lines.append(source_line(s))
        if len(lines) == MAX_SOURCE_LINES:
            break
    return lines


def render_right_summary(right_id: str, on: Optional[date] = None) -> str:
    """Summary of a right: what it is, 2–4 key points with the key figure, and its source."""
    on = on or date.today()
    card = get_right(right_id)
    points = _POINTS[right_id](card, on)
    lines = [f"{card.label}", card.summary]
    lines += [f"- {text}" for text, _ in points]
    lines += _source_lines([s for _, s in points])
    return "\n".join(lines)


def render_verdict(verdict: Verdict) -> str:
    """Headline, why, what is still needed, what to do, the 'indicatif' line and the source."""
    lines = [verdict.headline]
    lines += [f"- {r}" for r in verdict.reasons]
    if verdict.missing:
        asked = ", ".join(FACT_LABELS.get(m, m) for m in verdict.missing)
        lines.append(f"Pour vous répondre, j'ai besoin de savoir : {asked}.")
    if verdict.next_steps:
        lines.append("À faire :")
        lines += [f"- {s}" for s in verdict.next_steps]
    lines.append(verdict.indicative)
    lines += _source_lines(list(verdict.sources))
    return "\n".join(lines)
