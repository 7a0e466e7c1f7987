"""Reads the eligibility situation out of the tracker's slots."""
from __future__ import annotations

from typing import Any, Dict

from rasa_sdk import Tracker

from bot.facts import is_read_value, known_facts, to_fact_value

FACT_SLOTS = sorted(known_facts())


def situation_from(tracker: Tracker) -> Dict[str, Any]:
    """The facts already read; raw answers not yet validated count as unknown."""
    situation = {}
    for fact in FACT_SLOTS:
        value = tracker.get_slot(fact)
        situation[fact] = to_fact_value(fact, value) if is_read_value(fact, value) else None
    return situation


def is_button_payload(text: str) -> bool:
    return text.startswith("/")
