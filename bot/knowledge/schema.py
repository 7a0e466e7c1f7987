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
    text: str
    source_id: str

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


class Period(StrictModel):
    valid_from: date
    valid_to: Optional[date] = None  # None: no known end
    source_id: str
    to_check: bool = False  # shown as "à vérifier" even if the source is official
    note: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        end = values.get("valid_to")
        if end is not None and end < values["valid_from"]:
            raise ValueError("valid_to is before valid_from")
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
    kind: Literal["actif", "retraite"]
    pass_percent: float
    value: float


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


# --- dated lookup -----------------------------------------------------------------------------

P = TypeVar("P", bound=Period)


@dataclass(frozen=True)
class Dated(Generic[P]):
    """A period picked for a date, with its source. `outdated`: its validity ended before `on`."""

    period: P
    source: Source
    on: date
    outdated: bool

    @property
    def needs_check(self) -> bool:
        """Not from an official page (or flagged): the bot says "à vérifier"."""
        return self.source.needs_check or self.period.to_check

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
    def needs_check(self) -> bool:
        return self.confidence != "official" or self.dated.period.to_check


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
    independant: List[IndependantAmount]
    priority_deadline_months: Quantity
    non_priority_deadline_months: Quantity
    lookback_months: Quantity  # the deceased's situation in the 3 months before death


class InvaliditeFigures(StrictModel):
    categories: List[InvalidityCategory]
    maximums: List[InvalidityMaximums]
    minimum: List[AmountPeriod]
    third_person_increase: List[AmountPeriod]
    retirement_age: Quantity
    retirement_age_alt: Quantity  # the higher age one source gives (2023 reform)
    capacity_loss: Quantity
    affiliation_months: Quantity
    hours_worked: Quantity
    smic_hours_contributions: Quantity

    def category(self, work_capacity: str) -> InvalidityCategory:
        return next(c for c in self.categories if c.work_capacity == work_capacity)


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


class RightCard(StrictModel):
    id: RightId
    label: str
    short_label: str
    summary: str
    who: List[Line]
    covers: List[Line]
    how_to_apply: List[Line]
    delays: List[Line]
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
        """Yearly resource ceiling in force on `on` (default today); the latest known one if expired."""
        on = on or date.today()
        tables = [t for t in self.figures.ceilings if t.territory == territory]
        if not tables:
            raise FigureNotFound(f"no C2S ceiling for territory {territory!r}")
        dated = self.dated(tables, on)
        scale = dated.period.free if kind == "free" else dated.period.participative
        return Ceiling(
            amount=scale.for_size(household_size),
            household_size=household_size,
            territory=territory,
            kind=kind,
            dated=dated,
            confidence=dated.source.confidence,
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
        return self.dated([p for p in self.figures.independant if p.kind == kind], on)


class InvaliditeCard(RightCard):
    figures: InvaliditeFigures

    def maximums(self, on: Optional[date] = None) -> Dated[InvalidityMaximums]:
        return self.dated(self.figures.maximums, on or date.today())

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
