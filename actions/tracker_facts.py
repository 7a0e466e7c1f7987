"""Reads the eligibility situation out of the tracker's slots."""
from __future__ import annotations

from typing import Any, Dict

from rasa_sdk import Tracker

from bot.facts import known_facts, to_fact_value

FACT_SLOTS = sorted(known_facts())


def situation_from(tracker: Tracker) -> Dict[str, Any]:
    return {fact: to_fact_value(fact, tracker.get_slot(fact)) for fact in FACT_SLOTS}


def is_button_payload(text: str) -> bool:
    return text.startswith("/")
