"""The eligibility form: asks only the facts bot.eligibility still needs, reads each answer with
bot.facts, and hands the situation to bot.eligibility for the verdict."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_facts import FACT_SLOTS, situation_from
from bot import eligibility, topics
from bot.answers import render_right_summary, render_verdict
from bot.facts import read_fact, to_slot_value
from bot.knowledge import get_right

# A question asked in the middle of the form is answered, then the form asks again.
DIGRESSION_CONFIDENCE = 0.6


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
            if not _answer_digression(dispatcher, tracker):
                dispatcher.utter_message(text=parsed.error)
        if switched_right:
            dispatcher.utter_message(
                response="utter_eligibility_intro", right_label=get_right(switched_right).label
            )
        tracker.slots.update(updates)
        return [SlotSet(slot, value) for slot, value in updates.items()]


def _answer_digression(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answers a question asked instead of an answer; True when it did."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    if (intent.get("confidence") or 0) < DIGRESSION_CONFIDENCE:
        return False
    right = topics.right_for_intent(intent.get("name"))
    if right is not None:
        dispatcher.utter_message(text=render_right_summary(right))
    elif intent.get("name") == "help":
        dispatcher.utter_message(response="utter_menu")
    elif intent.get("name") in ("bot_challenge", "out_of_scope"):
        dispatcher.utter_message(response=f"utter_{'iamabot' if intent['name'] == 'bot_challenge' else 'out_of_scope'}")
    else:
        return False
    dispatcher.utter_message(response="utter_back_to_questions")
    return True


class ActionEligibilityVerdict(Action):
    def name(self) -> Text:
        return "action_eligibility_verdict"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        right: Optional[str] = tracker.get_slot("right")
        if right in eligibility.RIGHTS:
            verdict = eligibility.assess(right, situation_from(tracker))
            dispatcher.utter_message(
                text=render_verdict(verdict),
                buttons=[
                    {"title": "En savoir plus", "payload": f"/ask_{right}"},
                    topics.OTHER_TOPIC_BUTTON,
                ],
            )
        # Each check starts afresh: the answers are personal and not kept once used.
        return [SlotSet(fact, None) for fact in FACT_SLOTS] + [SlotSet("eligibility_requested", False)]


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
