"""A question as the NLU read it: its aspect within the subject's family, and its language.

The aspect comes from the NLU's aspect classifier (components/aspect_classifier.py), or from a
button's payload entity (`/ask_c2s{"aspect":"apply"}`), never from a regular expression here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional

from bot.aspects import FAMILIES, OVERVIEW, OWN_CASE

# Below this confidence the aspect is not trusted; the family's default answer is given instead.
MIN_ASPECT_CONFIDENCE = 0.25
# An own-entitlement reading this likely, behind a factual one, makes a mixed question: the
# answer first, then the offer to check.
MIXED_OWN_CASE_CONFIDENCE = 0.2
MIN_ENGLISH_CONFIDENCE = 0.7

DEFAULT_ASPECT = {"right": "what_is", "prevention": OVERVIEW, "contact": OVERVIEW}
# A prevention aspect read below this confidence was wrong 2 times in 3 on unseen questions, while
# the offer's short overview (for whom, how often, coverage) answers three of its five aspects: below
# it, the overview is given (measured with scripts/answer_eval.py, see docs/answering.md).
PREVENTION_SURE = 0.5


@dataclass(frozen=True)
class AspectReading:
    aspect: str
    confidence: float
    also_own_case: bool = False  # a mixed question ("quel plafond ? j'y ai droit ?")


def _allowed(family: str) -> set:
    shared = {OVERVIEW, OWN_CASE} if family == "right" else {OVERVIEW}
    return set(FAMILIES[family]) | shared


def aspect_of(parse_data: Dict[str, Any], family: str, entity_values: Iterable[str] = ()) -> AspectReading:
    """The aspect asked, restricted to the subject's family (a right, prevention, contacts)."""
    allowed = _allowed(family)
    for value in entity_values:  # a button says it outright
        if value in allowed:
            return AspectReading(value, 1.0)
    reading = parse_data.get("aspect") or {}
    ranking = [r for r in reading.get("ranking") or [] if r.get("name") in allowed]
    if not ranking or ranking[0]["confidence"] < MIN_ASPECT_CONFIDENCE:
        return AspectReading(DEFAULT_ASPECT[family], 0.0)
    best = ranking[0]
    also_own_case = best["name"] != OWN_CASE and any(
        r["name"] == OWN_CASE and r["confidence"] >= MIXED_OWN_CASE_CONFIDENCE for r in ranking[1:]
    )
    return AspectReading(best["name"], float(best["confidence"]), also_own_case)


def language_of(parse_data: Dict[str, Any]) -> str:
    """"en" when the NLU is confident the message is English, else "fr"."""
    reading = parse_data.get("language") or {}
    if reading.get("name") == "en" and float(reading.get("confidence") or 0) >= MIN_ENGLISH_CONFIDENCE:
        return "en"
    return "fr"


def entity_values(parse_data: Dict[str, Any], entity: str) -> list:
    return [e.get("value") for e in parse_data.get("entities") or [] if e.get("entity") == entity]


def is_english(parse_data: Optional[Dict[str, Any]]) -> bool:
    return language_of(parse_data or {}) == "en"


def aspect_ranking(parse_data: Dict[str, Any], family: str) -> list:
    """(aspect, probability) of the family's own aspects, best first (the shared ones left out)."""
    allowed = set(FAMILIES[family])
    reading = parse_data.get("aspect") or {}
    return [(r["name"], float(r["confidence"])) for r in reading.get("ranking") or [] if r.get("name") in allowed]


# A contact aspect this likely answers a question that names none ("comment joindre ma caisse ?").
MIN_CONTACT_ASPECT = 0.25


def contact_aspect(parse_data: Dict[str, Any], reading: AspectReading, need: Optional[str], typed: bool) -> str:
    """The contact aspect to answer. A typed question naming no need and no aspect gets its likeliest
    contact aspect when plausible; in English never the French menu of needs (the 3646 then)."""
    if reading.aspect != OVERVIEW or need is not None or not typed:
        return reading.aspect
    plausible = [a for a, p in aspect_ranking(parse_data, "contact") if p >= MIN_CONTACT_ASPECT]
    if plausible:
        return plausible[0]
    return "phone" if language_of(parse_data) == "en" else OVERVIEW


def prevention_aspect(reading: AspectReading) -> str:
    """The prevention aspect to answer: below PREVENTION_SURE, the offer's short overview."""
    return reading.aspect if reading.confidence >= PREVENTION_SURE else OVERVIEW
