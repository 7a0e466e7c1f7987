"""First stage of the two-stage fallback: offer the most likely topics as buttons."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot import topics


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        buttons = topics.likely_topics(ranking) + [topics.SOMETHING_ELSE_BUTTON]
        dispatcher.utter_message(response="utter_ask_affirmation_topics", buttons=buttons)
        return []
