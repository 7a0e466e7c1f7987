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


def last_question_text(tracker: Tracker) -> str:
    """The person's last typed message before the current one (a button tap carries no facts:
    "Vérifier si j'y ai droit" after "mon mari est décédé, il était au chômage…" reads that sentence)."""
    user_texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    for text in reversed(user_texts[:-1]):
        if text and not is_button_payload(text):
            return text
    return ""
