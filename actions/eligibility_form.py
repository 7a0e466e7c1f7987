"""The eligibility form: asks only the facts bot.eligibility still needs, reads each answer with
bot.facts, and hands the situation to bot.eligibility for the verdict."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.digressions import answer_digression
from actions.tracker_facts import FACT_SLOTS, situation_from
from bot import eligibility, topics
from bot.answers import render_verdict
from bot.facts import read_fact, to_slot_value
from bot.knowledge import get_right

class ValidateEligibilityForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_eligibility_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        right = tracker.get_slot("right")
        if right not in eligibility.RIGHTS:
            return []
        return eligibility.needed_facts(right, situation_from(tracker))

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        to_validate = tracker.slots_to_validate()
        switched_right = to_validate.get("right")
        updates: Dict[Text, Any] = {}
        for slot, value in to_validate.items():
            if slot not in FACT_SLOTS or value is None:
                continue
            if switched_right and isinstance(value, str):
                updates[slot] = None  # the button text was a topic switch, not an answer
                continue
            parsed = read_fact(slot, value)
            if parsed.ok:
                updates[slot] = to_slot_value(parsed.value)
                if parsed.interpretation:
                    dispatcher.utter_message(text=parsed.interpretation)
                continue
            updates[slot] = None
            if not answer_digression(dispatcher, tracker):
                dispatcher.utter_message(text=parsed.error)
        if switched_right:
            dispatcher.utter_message(
                response="utter_eligibility_intro", right_label=get_right(switched_right).label
            )
        tracker.slots.update(updates)
        return [SlotSet(slot, value) for slot, value in updates.items()]


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
