"""Pydantic (1.10) models for the right cards in bot/knowledge/rights/*.yml.

Every text line and every figure names a `source_id`; the card's root validator checks that each
one exists in the card's `sources`. Figures are dated periods (`valid_from`/`valid_to`) so the bot
can pick the one in force on a given day and say when it only has an older figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, Generic, Iterator, List, Literal, Optional, Sequence, Tuple, TypeVar

from pydantic import BaseModel, root_validator, validator

Confidence = Literal["official", "secondary", "derived", "not_found"]
Territory = Literal["metropole", "outre_mer"]
CeilingKind = Literal["free", "participative"]
RightId = Literal["puma", "c2s", "ame", "soins_urgents", "capital_deces", "invalidite"]


class FigureNotFound(LookupError):
    """No figure period starts on or before the requested date."""


def duplicates(values: List[str]) -> List[str]:
    """The values that appear more than once, sorted (for "duplicate id" errors)."""
    return sorted({v for v in values if values.count(v) > 1})


def find_by_id(items, wanted: str, what: str):
    """The item whose `id` is `wanted`; KeyError naming `what` otherwise."""
    for item in items:
        if item.id == wanted:
            return item
    raise KeyError(f"{what}: no {wanted!r}")


class StrictModel(BaseModel):
    class Config:
        extra = "forbid"
        allow_mutation = False


def _https(url: str) -> str:
    if not url.startswith("https://") or len(url) <= len("https://"):
        raise ValueError(f"must be an https:// URL, got {url!r}")
    return url


class Source(StrictModel):
    id: str
    title: str
    url: str  # the page actually read (may be a town-hall copy of a service-public sheet)
    canonical_url: Optional[str] = None  # the official page, when `url` is a copy
    page_date: Optional[date] = None  # date shown on the page ("Vérifié le …", news date)
    checked: date  # when we read it
    confidence: Confidence
    note: Optional[str] = None

    _url = validator("url", allow_reuse=True)(_https)

    @validator("canonical_url")
    def _canonical(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else _https(v)

    @property
    def display_url(self) -> str:
        return self.canonical_url or self.url

    @property
    def needs_check(self) -> bool:
        return self.confidence != "official"


class Line(StrictModel):
    """One sentence of a card, addressable: its `id` (unique in the card) and the aspects of a
    question it answers (bot/aspects.py). `en`: the same sentence in English, for English questions."""

    id: str
    aspects: List[str]
    text: str
    en: Optional[str] = None
    source_id: str

    @validator("aspects")
    def _known_aspects(cls, v: List[str]) -> List[str]:
        from bot.aspects import RIGHT_ASPECTS

        unknown = [a for a in v if a not in RIGHT_ASPECTS]
        if unknown:
            raise ValueError(f"unknown aspect(s) {unknown}: see bot/aspects.py")
        return v

    @validator("text")
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("empty text")
        return v.strip()


class Link(StrictModel):
    title: str
    url: str

    _url = validator("url", allow_reuse=True)(_https)


class Contact(StrictModel):
    text: str  # French, reads after "Pour une réponse officielle : "
    url: Optional[str] = None
    phone: Optional[str] = None
    source_id: str

    @validator("url")
    def _url(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else _https(v)


class Quantity(StrictModel):
    """A single rule number (e.g. 3 months of residence)."""

    value: float
    unit: str
    source_id: str
    note: Optional[str] = None


class LegalReference(StrictModel):
    """The legal text that sets a figure (arrêté, décret, article of a code), apart from the page
    the figure was read on (the period's source)."""

    title: str
    url: Optional[str] = None  # Légifrance, when the exact page is known
    jo_date: Optional[date] = None  # publication in the Journal officiel

    @validator("url")
    def _url(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else _https(v)


class Period(StrictModel):
    """A figure's period of validity. `note` is for editors: it is never shown to users."""

    valid_from: date
    valid_to: Optional[date] = None  # None: no known end
    source_id: str
    reference: Optional[LegalReference] = None
    reference_missing: Optional[str] = None  # why no legal text is given (none found, rule not a figure…)
    to_check: bool = False  # shown as "à vérifier" even if the source is official
    note: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        end = values.get("valid_to")
        if end is not None and end < values["valid_from"]:
            raise ValueError("valid_to is before valid_from")
        if not values.get("reference") and not values.get("reference_missing"):
            raise ValueError("a figure needs its legal `reference`, or `reference_missing` with the reason")
        return values


class AmountPeriod(Period):
    value: float


class SizeScale(StrictModel):
    """Ceiling by household size; sizes beyond the table add `extra_person` each."""

    sizes: Dict[int, float]
    extra_person: float

    @validator("sizes")
    def _from_one(cls, v: Dict[int, float]) -> Dict[int, float]:
        if sorted(v) != list(range(1, len(v) + 1)):
            raise ValueError("household sizes must be 1, 2, … without gaps")
        return v

    def for_size(self, household_size: int) -> float:
        if household_size < 1:
            raise ValueError("household_size must be at least 1")
        top = max(self.sizes)
        if household_size <= top:
            return self.sizes[household_size]
        return self.sizes[top] + (household_size - top) * self.extra_person


class CeilingTable(Period):
    territory: Territory
    free: SizeScale
    participative: SizeScale


class ParticipationBracket(StrictModel):
    min_age: int
    max_age: Optional[int] = None  # None: no upper bound
    amount: float
    amount_alsace_moselle: float

    def contains(self, age: int) -> bool:
        return age >= self.min_age and (self.max_age is None or age <= self.max_age)

    @property
    def label(self) -> str:
        if self.min_age == 0:
            return f"{self.max_age} ans ou moins"
        if self.max_age is None:
            return f"{self.min_age} ans ou plus"
        return f"{self.min_age} à {self.max_age} ans"


class ParticipationTable(Period):
    brackets: List[ParticipationBracket]

    @validator("brackets")
    def _contiguous(cls, v: List[ParticipationBracket]) -> List[ParticipationBracket]:
        if not v or v[0].min_age != 0 or v[-1].max_age is not None:
            raise ValueError("brackets must start at age 0 and end open")
        for a, b in zip(v, v[1:]):
            if a.max_age is None or b.min_age != a.max_age + 1:
                raise ValueError("brackets must follow each other without gap")
        return v

    def bracket_for(self, age: int) -> ParticipationBracket:
        return next(b for b in self.brackets if b.contains(age))


class IndependantAmount(Period):
    """A self-employed capital décès: `pass_percent` of the PASS of the year of death (computed)."""

    kind: Literal["actif", "retraite"]
    pass_percent: float
    value: float


class IndependantRule(StrictModel):
    kind: Literal["actif", "retraite"]
    pass_percent: float
    source_id: str


class InvalidityCategory(StrictModel):
    number: int
    work_capacity: Literal["can_work", "cannot_work", "needs_third_person"]
    label: str
    rate_percent: float
    third_person_increase: bool = False
    source_id: str


class InvalidityMaximums(Period):
    category_1: float
    category_2_3: float


class InvalidityMaximumRule(StrictModel):
    """Maximums as a share of the monthly ceiling of the social security (CSS R341-5)."""

    category_1_pmss_percent: float
    category_2_3_pmss_percent: float
    source_id: str


class RetirementAge(StrictModel):
    """The legal retirement age, at which an invalidity pension becomes a retirement pension, for
    people born from `born_from` to `born_to` (inclusive)."""

    born_from: Optional[date] = None  # None: everyone born before `born_to`
    born_to: date
    years: int
    months: int = 0
    source_id: str

    def covers(self, birth: date) -> bool:
        return (self.born_from is None or birth >= self.born_from) and birth <= self.born_to

    @property
    def label(self) -> str:
        return f"{self.years} ans" + (f" et {self.months} mois" if self.months else "")


# --- dated lookup -----------------------------------------------------------------------------

P = TypeVar("P", bound=Period)


@dataclass(frozen=True)
class Dated(Generic[P]):
    """A period picked for a date, with its source. `outdated`: its validity ended before `on`."""

    period: P
    source: Source
    on: date
    outdated: bool
    # Computed from a parameter ("du plafond annuel de la Sécurité sociale 2026"), not read in an
    # official table: said as a calculation, never as the official amount.
    derived_from: Optional[str] = None

    @property
    def needs_check(self) -> bool:
        """Not from an official page, flagged, or computed: the bot says "à vérifier"."""
        return self.source.needs_check or self.period.to_check or self.derived_from is not None

    @property
    def confidence(self) -> str:
        return self.source.confidence


def pick_period(periods: Sequence[P], on: date) -> P:
    started = [p for p in periods if p.valid_from <= on]
    if not started:
        raise FigureNotFound(f"no figure valid on {on.isoformat()}")
    return max(started, key=lambda p: p.valid_from)


@dataclass(frozen=True)
class Ceiling:
    """A C2S (or AME) resource ceiling for one household size."""

    amount: float
    household_size: int
    territory: str
    kind: str
    dated: Dated[CeilingTable]
    confidence: str  # may be lowered to "derived" (AME)
    source: Source

    @property
    def outdated(self) -> bool:
        return self.dated.outdated

    @property
    def derived(self) -> bool:
        return self.confidence == "derived" or self.dated.derived_from is not None

    @property
    def needs_check(self) -> bool:
        return self.confidence != "official" or self.dated.needs_check


# --- figures per right ------------------------------------------------------------------------


class PumaFigures(StrictModel):
    residence_months: Quantity
    exemptions: List[Line]


class C2SFigures(StrictModel):
    ceilings: List[CeilingTable]
    participation: List[ParticipationTable]


class AmeCeilingRule(StrictModel):
    same_as: Literal["c2s_free"]
    source_id: str  # a "derived" source: the rule, not a published AME table


class AmeFigures(StrictModel):
    residence_months: Quantity
    ceiling: AmeCeilingRule
    decision_months: Quantity


class SoinsUrgentsFigures(StrictModel):
    residence_months: Quantity
    conditions: List[Line]


class CapitalDecesFigures(StrictModel):
    amounts: List[AmountPeriod]
    independant: List[IndependantRule]
    priority_deadline_months: Quantity
    non_priority_deadline_months: Quantity
    lookback_months: Quantity  # the deceased's situation in the 3 months before death


class InvaliditeFigures(StrictModel):
    categories: List[InvalidityCategory]
    maximums: InvalidityMaximumRule
    minimum: List[AmountPeriod]
    third_person_increase: List[AmountPeriod]
    retirement_age: Quantity  # the lowest legal age (people born before 1/9/1961)
    retirement_ages: List[RetirementAge]  # by date of birth
    capacity_loss: Quantity
    affiliation_months: Quantity
    hours_worked: Quantity
    smic_hours_contributions: Quantity

    def category(self, work_capacity: str) -> InvalidityCategory:
        return next(c for c in self.categories if c.work_capacity == work_capacity)

    def retirement_age_for(self, birth: date) -> Optional[RetirementAge]:
        """The legal retirement age for a date of birth; None where the knowledge has no row."""
        return next((r for r in self.retirement_ages if r.covers(birth)), None)


# --- the card ---------------------------------------------------------------------------------


def _walk_source_ids(obj: Any, path: Tuple[str, ...]) -> Iterator[Tuple[str, str]]:
    """Yields (dotted path, source_id) for every object in the card that cites a source."""
    if isinstance(obj, BaseModel):
        for name in obj.__fields__:
            value = getattr(obj, name)
            if name == "source_id":
                yield ".".join(path), value
            else:
                yield from _walk_source_ids(value, path + (name,))
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _walk_source_ids(item, path[:-1] + (f"{path[-1]}[{i}]",))
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _walk_source_ids(item, path + (str(key),))


LINE_SECTIONS = ("who", "covers", "how_to_apply", "delays", "details")


class RightCard(StrictModel):
    id: RightId
    label: str
    short_label: str
    summary: str
    who: List[Line]
    covers: List[Line]
    how_to_apply: List[Line]
    delays: List[Line]
    # Lines said only when their aspect is asked (documents, renewal, cumul, recourse…), and in
    # the whole card.
    details: List[Line] = []
    summary_en: Optional[str] = None
    figures: Any  # typed by each subclass
    links: List[Link]
    simulator_or_contact: Contact
    sources: List[Source]

    @validator("summary")
    def _short_summary(cls, v: str) -> str:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", v.strip()) if s]
        if not 2 <= len(sentences) <= 3:
            raise ValueError("summary must be 2–3 plain sentences")
        return " ".join(v.split())

    @validator("who", "covers", "how_to_apply", "delays", "links")
    def _not_empty(cls, v: list) -> list:
        if not v:
            raise ValueError("must list at least one item")
        return v

    @validator("sources")
    def _unique_ids(cls, v: List[Source]) -> List[Source]:
        ids = [s.id for s in v]
        dupes = duplicates(ids)
        if dupes:
            raise ValueError(f"duplicate source ids: {', '.join(dupes)}")
        return v

    @root_validator(skip_on_failure=True)
    def _unique_line_ids(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        dupes = duplicates([line.id for line in cls._lines_of(values)])
        if dupes:
            raise ValueError(f"duplicate line ids: {', '.join(dupes)}")
        return values

    @staticmethod
    def _lines_of(values: Dict[str, Any]) -> List[Line]:
        lines = [line for name in LINE_SECTIONS for line in values.get(name) or []]
        figures = values.get("figures")
        if isinstance(figures, BaseModel):  # rule lines kept beside their figure (PUMa exemptions…)
            for name in figures.__fields__:
                value = getattr(figures, name)
                if isinstance(value, list):
                    lines += [item for item in value if isinstance(item, Line)]
        return lines

    @property
    def lines(self) -> List[Line]:
        """Every addressable line of the card, in the card's order (figures' rule lines last)."""
        return self._lines_of({name: getattr(self, name) for name in (*LINE_SECTIONS, "figures")})

    def line(self, line_id: str) -> Line:
        return find_by_id(self.lines, line_id, f"{self.id} line")

    def lines_for(self, aspect: str) -> List[Line]:
        """The lines that answer one aspect, in the card's order (the first is the most direct)."""
        return [line for line in self.lines if aspect in line.aspects]

    @root_validator(skip_on_failure=True)
    def _sources_exist(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        known = {s.id for s in values["sources"]}
        bad = []
        for name, value in values.items():
            if name == "sources":
                continue
            for path, sid in _walk_source_ids(value, (name,)):
                if sid not in known:
                    bad.append(f"{path}: unknown source_id {sid!r}")
        if bad:
            raise ValueError("; ".join(bad))
        return values

    def source(self, source_id: str) -> Source:
        return find_by_id(self.sources, source_id, f"{self.id} source")

    def dated(self, periods: Sequence[P], on: date) -> Dated[P]:
        period = pick_period(periods, on)
        outdated = period.valid_to is not None and period.valid_to < on
        return Dated(period=period, source=self.source(period.source_id), on=on, outdated=outdated)


class PumaCard(RightCard):
    figures: PumaFigures


class C2SCard(RightCard):
    figures: C2SFigures

    def c2s_ceiling(
        self, household_size: int, territory: str = "metropole", kind: str = "free", on: Optional[date] = None
    ) -> Ceiling:
        """Yearly resource ceiling in force on `on` (default today); the latest known one if expired.
        Overseas (hors Mayotte), the law raises the mainland ceiling by a majoration (CSS D861-1): the
        amount is computed from the mainland table, rounded to the euro as the published tables are."""
        on = on or date.today()
        if territory not in ("metropole", "outre_mer"):
            raise FigureNotFound(f"no C2S ceiling for territory {territory!r}")
        tables = [t for t in self.figures.ceilings if t.territory == "metropole"]
        dated = self.dated(tables, on)
        scale = dated.period.free if kind == "free" else dated.period.participative
        amount = scale.for_size(household_size)
        confidence = dated.source.confidence
        if territory == "outre_mer":
            from bot.knowledge.parameters import outre_mer_c2s_majoration

            majoration = outre_mer_c2s_majoration(dated.period.valid_from)
            amount = round(amount * (1 + majoration.value / 100))
            dated = Dated(period=dated.period, source=dated.source, on=on, outdated=dated.outdated,
                          derived_from=f"du plafond de la métropole majoré de {majoration.value:g} %".replace(".", ","))
            confidence = "derived"
        return Ceiling(
            amount=amount,
            household_size=household_size,
            territory=territory,
            kind=kind,
            dated=dated,
            confidence=confidence,
            source=dated.source,
        )

    def participation_table(self, on: Optional[date] = None) -> Dated[ParticipationTable]:
        return self.dated(self.figures.participation, on or date.today())


class AmeCard(RightCard):
    figures: AmeFigures


class SoinsUrgentsCard(RightCard):
    figures: SoinsUrgentsFigures


class CapitalDecesCard(RightCard):
    figures: CapitalDecesFigures

    def amount(self, on: date) -> Dated[AmountPeriod]:
        """Flat amount for a death on `on` (the amount in force on the day of death)."""
        return self.dated(self.figures.amounts, on)

    def independant_amount(self, kind: str, on: date) -> Dated[IndependantAmount]:
        """`pass_percent` of the PASS of the year of death: a calculation from the official PASS."""
        from bot.knowledge.parameters import pass_annual

        rule = next(r for r in self.figures.independant if r.kind == kind)
        ceiling = pass_annual(on)
        period = IndependantAmount(
            kind=kind, pass_percent=rule.pass_percent, value=round(ceiling.value * rule.pass_percent / 100, 2),
            valid_from=ceiling.period.valid_from, valid_to=ceiling.period.valid_to, source_id=rule.source_id,
            reference_missing="calculé à partir du plafond annuel de la Sécurité sociale",
        )
        return Dated(period=period, source=ceiling.source, on=on, outdated=ceiling.outdated,
                     derived_from=f"du plafond annuel de la Sécurité sociale {ceiling.period.valid_from.year}")


class InvaliditeCard(RightCard):
    figures: InvaliditeFigures

    def maximums(self, on: Optional[date] = None) -> Dated[InvalidityMaximums]:
        """30 % and 50 % of the monthly ceiling of the social security of `on`'s year (CSS R341-5)."""
        from bot.knowledge.parameters import pass_annual

        on = on or date.today()
        rule = self.figures.maximums
        ceiling = pass_annual(on)
        monthly = ceiling.value / 12
        period = InvalidityMaximums(
            category_1=round(monthly * rule.category_1_pmss_percent / 100, 2),
            category_2_3=round(monthly * rule.category_2_3_pmss_percent / 100, 2),
            valid_from=ceiling.period.valid_from, valid_to=ceiling.period.valid_to, source_id=rule.source_id,
            reference_missing="calculé à partir du plafond mensuel de la Sécurité sociale",
        )
        return Dated(period=period, source=ceiling.source, on=on, outdated=ceiling.outdated,
                     derived_from=f"du plafond mensuel de la Sécurité sociale {ceiling.period.valid_from.year}")

    def minimum(self, on: Optional[date] = None) -> Dated[AmountPeriod]:
        return self.dated(self.figures.minimum, on or date.today())

    def third_person_increase(self, on: Optional[date] = None) -> Dated[AmountPeriod]:
        return self.dated(self.figures.third_person_increase, on or date.today())


CARD_MODELS = {
    "puma": PumaCard,
    "c2s": C2SCard,
    "ame": AmeCard,
    "soins_urgents": SoinsUrgentsCard,
    "capital_deces": CapitalDecesCard,
    "invalidite": InvaliditeCard,
}
