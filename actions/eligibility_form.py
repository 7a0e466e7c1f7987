"""The eligibility form: asks only the facts bot.eligibility still needs, reads each answer with
bot.facts, and hands the situation to bot.eligibility for the verdict."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.form_base import AnswerReadingForm
from actions.tracker_facts import FACT_SLOTS, situation_from
from bot import eligibility, topics
from bot.answers import render_verdict
from bot.facts import is_read_value, read_fact, to_slot_value
from bot.knowledge import get_right
from bot.parsing import Parsed

class ValidateEligibilityForm(AnswerReadingForm):
    def name(self) -> Text:
        return "validate_eligibility_form"

    def slots_to_ask(self, tracker: Tracker) -> List[Text]:
        right = tracker.get_slot("right")
        if right not in eligibility.RIGHTS:
            return []
        return eligibility.needed_facts(right, situation_from(tracker))

    def read(self, slot: Text, value: Any, tracker: Tracker) -> Optional[Parsed]:
        if slot not in FACT_SLOTS or value is None or is_read_value(slot, value):
            return None
        parsed = read_fact(slot, value)
        if not parsed.ok:
            return parsed
        return Parsed(value={slot: to_slot_value(parsed.value)}, error=None, interpretation=parsed.interpretation)

    def skip_reading(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
        """A button "Vérifier si j'y ai droit" of another right, clicked mid-form, switches the check."""
        switched_right = tracker.slots_to_validate().get("right")
        if switched_right:
            dispatcher.utter_message(response="utter_eligibility_intro", right_label=get_right(switched_right).label)
        return bool(switched_right)


def utter_verdict(dispatcher: CollectingDispatcher, right: str, situation: Dict[Text, Any]) -> None:
    verdict = eligibility.assess(right, situation)
    dispatcher.utter_message(
        text=render_verdict(verdict),
        buttons=[{"title": "En savoir plus", "payload": f"/ask_{right}"}, topics.OTHER_TOPIC_BUTTON],
    )


# Each check starts afresh: the answers are personal and not kept once used.
CLEARED_FACTS = [SlotSet(fact, None) for fact in FACT_SLOTS]


class ActionEligibilityVerdict(Action):
    def name(self) -> Text:
        return "action_eligibility_verdict"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        right: Optional[str] = tracker.get_slot("right")
        if right in eligibility.RIGHTS:
            utter_verdict(dispatcher, right, situation_from(tracker))
        return CLEARED_FACTS + [SlotSet("eligibility_requested", False)]


class ActionStopForm(Action):
    def name(self) -> Text:
        return "action_stop_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        right = tracker.get_slot("right")
        buttons = [topics.OTHER_TOPIC_BUTTON]
        if right in eligibility.RIGHTS:
            buttons.insert(0, {"title": "Reprendre les questions", "payload": topics.eligibility_payload(right)})
        dispatcher.utter_message(response="utter_form_stopped", buttons=buttons)
        return [SlotSet("eligibility_requested", False)]
