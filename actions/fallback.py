"""First stage of the two-stage fallback: offer the most likely topics as buttons."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot import topics
from bot.english import english_help
from bot.questions import is_english


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if is_english(tracker.latest_message):  # English is no topic of its own: answer in English
            dispatcher.utter_message(text=english_help())
            return []
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        buttons = topics.likely_topics(ranking) + [topics.SOMETHING_ELSE_BUTTON]
        dispatcher.utter_message(response="utter_ask_affirmation_topics", buttons=buttons)
        return []


class ActionOutOfScope(Action):
    """Out of scope: in French, what the assistant knows; in English, what it can answer in English."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if is_english(tracker.latest_message):
            dispatcher.utter_message(text=english_help())
        else:
            dispatcher.utter_message(response="utter_out_of_scope")
        return []
