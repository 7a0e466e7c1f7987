"""Yearly legal parameters that other figures are computed from (bot/knowledge/parameters.yml).

    pass_annual(on)            the PASS in force on `on` (a DatedValue)
    pmss(on)                   the monthly ceiling, PASS / 12
    outre_mer_c2s_majoration(on)
    revaluation_margin()       0.05: how near an ended or calculated ceiling a verdict says "à vérifier"

A figure computed from a parameter (an invalidity maximum, a self-employed capital décès, an overseas
C2S ceiling) is never an amount read in an official table: its Dated carries `derived_from`, and
the answers say it is a calculation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

from bot.knowledge import parse_knowledge, read_yaml_mapping
from bot.knowledge.schema import AmountPeriod, FigureNotFound, Source, StrictModel, pick_period

PARAMETERS_FILE = Path(__file__).parent / "parameters.yml"


class ParameterSource(StrictModel):
    title: str
    url: str
    page_date: Optional[date] = None
    checked: date
    confidence: str

    def as_source(self, parameter_id: str) -> Source:
        return Source(id=f"parametre_{parameter_id}", title=self.title, url=self.url, page_date=self.page_date,
                      checked=self.checked, confidence=self.confidence)


class ParameterPeriod(AmountPeriod):
    source_id: str = ""  # the source is inline here
    source: ParameterSource


class Parameter(StrictModel):
    label: str
    unit: str
    periods: List[ParameterPeriod]


class Margin(StrictModel):
    label: str
    unit: str
    value: float
    reason: str


class Parameters(StrictModel):
    plafond_annuel_securite_sociale: Parameter
    majoration_outre_mer_c2s: Parameter
    revaluation_margin: Margin

    def by_id(self) -> Dict[str, Parameter]:
        return {"plafond_annuel_securite_sociale": self.plafond_annuel_securite_sociale,
                "majoration_outre_mer_c2s": self.majoration_outre_mer_c2s}


@dataclass(frozen=True)
class DatedValue:
    """A parameter's value in force on `on`; `outdated` when its period ended before `on`."""

    parameter_id: str
    label: str
    period: ParameterPeriod
    on: date

    @property
    def value(self) -> float:
        return self.period.value

    @property
    def outdated(self) -> bool:
        return self.period.valid_to is not None and self.period.valid_to < self.on

    @property
    def source(self) -> Source:
        return self.period.source.as_source(self.parameter_id)


@lru_cache(maxsize=None)
def load_parameters(path: Path = PARAMETERS_FILE) -> Parameters:
    return parse_knowledge(Parameters, read_yaml_mapping(path, "parameters"), path, "parameters")


def parameter(parameter_id: str, on: date) -> DatedValue:
    param = load_parameters().by_id()[parameter_id]
    try:
        period = pick_period(param.periods, on)
    except FigureNotFound as e:
        raise FigureNotFound(f"{parameter_id}: {e}") from e
    return DatedValue(parameter_id, param.label, period, on)


def pass_annual(on: date) -> DatedValue:
    return parameter("plafond_annuel_securite_sociale", on)


def pmss(on: date) -> float:
    """The monthly ceiling of the social security (PMSS) in force on `on`: PASS / 12."""
    return round(pass_annual(on).value / 12, 2)


def outre_mer_c2s_majoration(on: date) -> DatedValue:
    return parameter("majoration_outre_mer_c2s", on)


def revaluation_margin() -> float:
    return load_parameters().revaluation_margin.value / 100
