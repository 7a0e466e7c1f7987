"""The figures of a right card as tables and lists for the reference page.

Walks the card's typed `figures` in their order; the French labels below name the fields, every
value comes from the card (or, for the AME ceiling, from bot.knowledge.ame_ceiling).
"""
from __future__ import annotations

from datetime import date
from typing import Any, List, Optional, Sequence

from bot.formatting import eur, fr_date
from bot.knowledge import ame_ceiling
from bot.knowledge.schema import (
    AmeCeilingRule,
    AmountPeriod,
    CeilingTable,
    IndependantAmount,
    IndependantRule,
    InvalidityCategory,
    InvalidityMaximumRule,
    InvalidityMaximums,
    Line,
    ParticipationTable,
    Period,
    Quantity,
    RetirementAge,
    RightCard,
)
from bot.web.citations import Citations, needs_check_mark
from bot.web.html import Markup, concat, el

LABELS = {
    "residence_months": "Résidence en France, sans interruption",
    "exemptions": "Sans condition de durée de résidence si",
    "decision_months": "Délai de décision",
    "conditions": "Conditions",
    "amounts": "Montant du capital décès",
    "independant": "Capital décès d'un travailleur indépendant",
    "priority_deadline_months": "Délai de demande pour les personnes à la charge du défunt",
    "non_priority_deadline_months": "Délai de demande pour les autres bénéficiaires",
    "lookback_months": "Situation du défunt examinée avant le décès",
    "categories": "Catégories d'invalidité",
    "maximums": "Montants mensuels maximaux",
    "minimum": "Montant mensuel minimal",
    "third_person_increase": "Majoration pour tierce personne, par mois",
    "retirement_age": "Fin de la pension (départ à la retraite), au plus tôt",
    "retirement_ages": "Âge légal de la retraite selon la date de naissance",
    "capacity_loss": "Réduction de la capacité de travail ou de gain, au moins",
    "affiliation_months": "Affiliation à l'Assurance Maladie",
    "hours_worked": "Ou heures travaillées",
    "smic_hours_contributions": "Ou cotisations sur un salaire d'au moins",
}
TERRITORY = {"metropole": "métropole", "outre_mer": "outre-mer (hors Mayotte)"}
INDEPENDANT = {"actif": "en activité", "retraite": "retraité"}


def period_text(period: Period, today: date) -> str:
    if period.valid_to is None:
        text = f"depuis le {fr_date(period.valid_from)}"
    else:
        text = f"du {fr_date(period.valid_from)} au {fr_date(period.valid_to)}"
    if period.valid_to is not None and period.valid_to < today:
        text += " (période terminée : à mettre à jour)"
    return text


def _number(value: float) -> str:
    """2030 -> "2 030", 0.5 -> "0,5" (French digit grouping and decimal comma)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:g}".replace(".", ",")


def quantity_text(q: Quantity) -> str:
    if q.unit.startswith("part "):
        return f"{_number(round(q.value * 100, 2))} % {q.unit[len('part '):]}"
    return f"{_number(q.value)} {q.unit}"


class FigureRenderer:
    def __init__(self, card: RightCard, cite: Citations, today: date):
        self.card = card
        self.cite = cite
        self.today = today

    def _check(self, period: Period) -> str:
        return needs_check_mark(self.card.source(period.source_id), period.to_check)

    def _note(self, note: Optional[str]) -> Optional[Markup]:
        """Editors' notes stay in the data: they are never shown on the page."""
        return None

    def _table(self, caption: Any, head: Sequence[str], rows: List[List[Any]]) -> Markup:
        return el("table",
                  el("caption", caption),
                  el("thead", el("tr", [el("th", h, scope="col") for h in head])),
                  el("tbody", [el("tr", el("th", r[0], scope="row"), [el("td", c) for c in r[1:]]) for r in rows]))

    def quantity(self, name: str, q: Quantity) -> Markup:
        return el("li", el("strong", f"{LABELS[name]} : "), quantity_text(q),
                  needs_check_mark(self.card.source(q.source_id)), self.cite.cite(q.source_id), self._note(q.note))

    def lines(self, name: str, lines: List[Line]) -> Markup:
        return el("li", el("strong", f"{LABELS[name]} :"),
                  el("ul", [el("li", line.text, self.cite.cite(line.source_id)) for line in lines]))

    def ame_ceiling(self, rule: AmeCeilingRule) -> Markup:
        ceiling = ame_ceiling(1, "metropole", self.today)
        return el("li", el("strong", "Plafond de ressources : "),
                  f"celui de la C2S gratuite, soit {eur(ceiling.amount)} par an pour 1 personne en métropole "
                  f"({period_text(ceiling.dated.period, self.today)}) (à vérifier)", self.cite.cite(rule.source_id))

    def ceilings(self, table: CeilingTable) -> Markup:
        sizes = sorted(table.free.sizes)
        rows = [[f"{n} personne{'s' if n > 1 else ''}", eur(table.free.sizes[n]), eur(table.participative.sizes[n])]
                for n in sizes]
        rows.append(["Par personne en plus", eur(table.free.extra_person), eur(table.participative.extra_person)])
        caption = concat(f"Plafonds annuels de ressources, {TERRITORY[table.territory]}, "
                         f"{period_text(table, self.today)}{self._check(table)}", self.cite.cite(table.source_id))
        return el("li", self._table(caption, ["Foyer", "C2S gratuite", "C2S avec participation"], rows),
                  self._note(table.note))

    def participation(self, table: ParticipationTable) -> Markup:
        rows = [[b.label, eur(b.amount), eur(b.amount_alsace_moselle)] for b in table.brackets]
        caption = concat(f"Participation mensuelle par personne selon l'âge, {period_text(table, self.today)}"
                         f"{self._check(table)}", self.cite.cite(table.source_id))
        return el("li", self._table(caption, ["Âge", "Montant", "Alsace-Moselle"], rows), self._note(table.note))

    def periods(self, name: str, periods: List[Period]) -> Markup:
        rows = []
        for p in periods:
            cells: List[Any] = [period_text(p, self.today)]
            if isinstance(p, InvalidityMaximums):
                cells += [eur(p.category_1), eur(p.category_2_3)]
            elif isinstance(p, IndependantAmount):
                cells += [INDEPENDANT[p.kind], f"{_number(p.pass_percent)} % du plafond annuel de la Sécurité sociale",
                          eur(p.value)]
            else:
                cells.append(eur(p.value))
            cells.append([self._check(p).strip(), self.cite.cite(p.source_id), self._note(p.note)])
            rows.append(cells)
        head = ["Période"]
        if isinstance(periods[0], InvalidityMaximums):
            head += ["Catégorie 1", "Catégories 2 et 3"]
        elif isinstance(periods[0], IndependantAmount):
            head += ["Situation", "Calcul", "Montant"]
        else:
            head.append("Montant")
        return el("li", self._table(LABELS[name], head + ["Source"], rows))

    def independant(self, rules: List[IndependantRule]) -> Markup:
        """Each rule with its amount for the current year, computed from the PASS (said so)."""
        rows = []
        for rule in rules:
            dated = self.card.independant_amount(rule.kind, self.today)
            rows.append([INDEPENDANT[rule.kind], f"{_number(rule.pass_percent)} % du plafond annuel de la Sécurité sociale",
                         f"{eur(dated.period.value)} en {dated.period.valid_from.year} (calcul)", self.cite.cite(rule.source_id)])
        return el("li", self._table(LABELS["independant"], ["Situation", "Règle", "Montant", "Source"], rows))

    def maximum_rule(self, rule: InvalidityMaximumRule) -> Markup:
        dated = self.card.maximums(self.today)
        return el("li", el("strong", f"{LABELS['maximums']} : "),
                  f"{_number(rule.category_1_pmss_percent)} % (catégorie 1) et {_number(rule.category_2_3_pmss_percent)} % "
                  f"(catégories 2 et 3) du plafond mensuel de la Sécurité sociale, soit {eur(dated.period.category_1)} et "
                  f"{eur(dated.period.category_2_3)} en {dated.period.valid_from.year} (calcul)", self.cite.cite(rule.source_id))

    def retirement_ages(self, ages: List[RetirementAge]) -> Markup:
        rows = [[(f"du {fr_date(a.born_from)} au {fr_date(a.born_to)}" if a.born_from else f"avant le {fr_date(a.born_to)} inclus"),
                 a.label, self.cite.cite(a.source_id)] for a in ages]
        return el("li", self._table(LABELS["retirement_ages"], ["Né(e)", "Âge légal", "Source"], rows))

    def categories(self, categories: List[InvalidityCategory]) -> Markup:
        rows = [[f"Catégorie {c.number}", c.label, f"{_number(c.rate_percent)} % du salaire annuel moyen"
                 + (" + majoration pour tierce personne" if c.third_person_increase else ""),
                 self.cite.cite(c.source_id)] for c in categories]
        return el("li", self._table(LABELS["categories"], ["Catégorie", "Situation", "Pension", "Source"], rows))

    def render(self) -> Markup:
        items = []
        for name in self.card.figures.__fields__:
            value = getattr(self.card.figures, name)
            if isinstance(value, Quantity):
                items.append(self.quantity(name, value))
            elif isinstance(value, AmeCeilingRule):
                items.append(self.ame_ceiling(value))
            elif isinstance(value, InvalidityMaximumRule):
                items.append(self.maximum_rule(value))
            elif value and isinstance(value[0], IndependantRule):
                items.append(self.independant(value))
            elif value and isinstance(value[0], RetirementAge):
                items.append(self.retirement_ages(value))
            elif value and isinstance(value[0], Line):
                items.append(self.lines(name, value))
            elif value and isinstance(value[0], CeilingTable):
                items += [self.ceilings(t) for t in value]
            elif value and isinstance(value[0], ParticipationTable):
                items += [self.participation(t) for t in value]
            elif value and isinstance(value[0], InvalidityCategory):
                items.append(self.categories(value))
            elif value and isinstance(value[0], (AmountPeriod, IndependantAmount, InvalidityMaximums)):
                items.append(self.periods(name, value))
            else:
                raise TypeError(f"{self.card.id}.figures.{name}: no renderer for {type(value).__name__}")
        return el("ul", items, class_="figures")


def render_figures(card: RightCard, cite: Citations, today: date) -> Markup:
    return FigureRenderer(card, cite, today).render()
