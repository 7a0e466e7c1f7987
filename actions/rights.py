"""Answers the question asked about a right (its aspect, for the person's parameters), or starts the
eligibility check when the person asks about their own entitlement."""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contacts import local_reply
from actions.eligibility_form import utter_verdict
from actions.tracker_facts import is_button_payload, last_question_text
from bot import eligibility, topics
from bot.answers import MAX_FIRST_REPLY, answer_right, render_right_summary
from bot.aspects import OVERVIEW, OWN_CASE
from bot.contacts import NEED_OF_RIGHT
from bot.facts import describe_facts, facts_in_sentence
from bot.knowledge import get_right
from bot.question_params import read_params
from bot.questions import aspect_of, aspect_ranking, entity_values, language_of


class ActionAnswerRight(Action):
    def name(self) -> Text:
        return "action_answer_right"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        right = topics.right_for_intent(intent) or next(
            tracker.get_latest_entity_values("right"), None
        ) or tracker.get_slot("right")
        if right is None:
            dispatcher.utter_message(response="utter_which_right")
            return [SlotSet("eligibility_requested", False)]

        reading = aspect_of(message, "right", entity_values(message, "aspect"))
        if intent == "check_eligibility" or reading.aspect == OWN_CASE:
            if reading.aspect == OWN_CASE and not is_button_payload(text):
                # "je peux avoir l'AME ?": the rule that decides it first, then the questions of the check
                rule = answer_right(right, "who", read_params(text, date.today()), question=text).shortened()
                dispatcher.utter_message(text=rule.text())
            said = last_question_text(tracker) if is_button_payload(text) else text
            return self.start_check(dispatcher, right, said)

        language = language_of(message)
        need = NEED_OF_RIGHT.get(right)
        if reading.aspect == OVERVIEW:
            local = local_reply(tracker, need)
            dispatcher.utter_message(text=render_right_summary(right), buttons=topics.right_buttons(right, OVERVIEW))
            if local:
                dispatcher.utter_message(text=local)
            return [SlotSet("right", right), SlotSet("eligibility_requested", False)]

        params = None if is_button_payload(text) else read_params(text, date.today())
        answer = answer_right(right, reading.aspect, params, language=language,
                              question="" if is_button_payload(text) else text,
                              ranking=aspect_ranking(message, "right"))
        # the local service of the place named in the question, or a service it also asks about (MAS…),
        # in what the answer leaves of the first reply: the answer keeps its most direct sentence for it
        local = local_reply(tracker, need, len(answer.text()))
        if local and len(answer.text()) + len(local) + 1 > MAX_FIRST_REPLY:
            answer = answer.shortened()
            local = local_reply(tracker, need, len(answer.text()))
        reply = answer.text()
        if reading.also_own_case and language == "fr":  # a mixed question: the answer, then the offer
            reply += "\n" + topics.OFFER_TO_CHECK
        dispatcher.utter_message(text=reply, buttons=topics.right_buttons(right, reading.aspect, language))
        if local:  # a place or a service was named: its contact is part of the answer
            dispatcher.utter_message(text=local)
        return [SlotSet("right", right), SlotSet("eligibility_requested", False)]

    @staticmethod
    def start_check(dispatcher: CollectingDispatcher, right: str, text: str) -> List[EventType]:
        dispatcher.utter_message(response="utter_eligibility_intro", right_label=get_right(right).label)
        # Facts already given in the question ("900 € par mois, seule") are not asked again.
        prefilled = facts_in_sentence(text, eligibility.FACTS[right]) if text else {}
        noted = describe_facts(prefilled)
        if noted:
            dispatcher.utter_message(text=noted)
        if not eligibility.needed_facts(right, prefilled):
            # The sentence said everything that matters ("je touche le RSA, ai-je droit à la C2S ?").
            utter_verdict(dispatcher, right, prefilled)
            return [SlotSet("right", right), SlotSet("eligibility_requested", False)]
        return [
            SlotSet("right", right),
            SlotSet("requested_slot", None),
            *[SlotSet(fact, value) for fact, value in prefilled.items()],
            SlotSet("eligibility_requested", True),
        ]
