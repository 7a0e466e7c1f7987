"""Prevention by age: a direct answer on one offer, or the offers for one person, asking only
what changes the answer (bot.prevention_intake.slots_to_ask)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contacts import utter_local_services
from actions.form_base import AnswerReadingForm
from actions.tracker_facts import is_button_payload
from bot import topics
from bot.aspects import OVERVIEW
from bot.parsing import Parsed
from bot.questions import aspect_of, entity_values, language_of, prevention_aspect
from bot.prevention import direct_answer, find_offer, names_an_offer, offer_reply, next_step_buttons, offers_for, render_prevention
from bot.prevention_intake import (
    FORM_SLOTS,
    is_read,
    person_from,
    read_answer,
    read_values,
    slots_from_sentence,
    slots_to_ask,
)


def form_values(tracker: Tracker) -> Dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}


def link_buttons(links: List[Dict[str, str]]) -> List[Dict[str, str]]:
    """Next-step links as web buttons (the widget opens them; they send no message)."""
    return [{"type": "web_url", "title": link["title"], "url": link["url"]} for link in links]


def utter_offers(dispatcher: CollectingDispatcher, values: Dict[str, Any]) -> None:
    person = person_from(values)
    answer = offers_for(person)
    dispatcher.utter_message(
        text=render_prevention(answer, person),
        buttons=link_buttons(next_step_buttons(answer)) + [topics.OTHER_TOPIC_BUTTON],
    )


CLEARED = [SlotSet(slot, None) for slot in FORM_SLOTS]


def offer_buttons(offer: str, aspect: str) -> List[Dict[str, str]]:
    """At most three next steps: everything on this offer, and the plan for the person's age."""
    buttons = []
    if aspect != OVERVIEW:
        buttons.append(topics.offer_overview_button(offer))
    buttons.append(topics.PREVENTION_FOR_ME_BUTTON)
    return buttons + [topics.OTHER_TOPIC_BUTTON]


class ActionAnswerPrevention(Action):
    def name(self) -> Text:
        return "action_answer_prevention"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        said = {} if is_button_payload(text) else slots_from_sentence(text)
        offer = next(iter(entity_values(message, "prevention_offer")), None) or find_offer(text)
        person_described = "prevention_age_years" in said or said.get("prevention_pregnant") is True
        if offer is not None and person_described and not names_an_offer(text):
            offer = None  # "ma mère a 70 ans, quels vaccins ?", "enceinte de 5 mois, quels vaccins ?": her plan
        if offer is not None:
            # A question on one offer is answered for the person as far as the sentence describes them;
            # nothing the answer does not depend on is asked (no sex question for the flu vaccine).
            reading = aspect_of(message, "prevention", entity_values(message, "aspect"))
            language = language_of(message)
            person = person_from({**dict.fromkeys(FORM_SLOTS), **said})
            if OVERVIEW in entity_values(message, "aspect"):  # "Tout savoir sur ce sujet": the whole offer
                dispatcher.utter_message(text=direct_answer(offer), buttons=[topics.PREVENTION_FOR_ME_BUTTON])
            else:
                text = offer_reply(offer, prevention_aspect(reading), person, language=language)
                dispatcher.utter_message(text=text, buttons=offer_buttons(offer, reading.aspect))
                # the health examination centre of the town named in the question ("j'habite à Avignon…")
                utter_local_services(dispatcher, tracker, "prevention" if offer == "eps" else None, len(text))
                return [SlotSet("prevention_requested", False)]
            utter_local_services(dispatcher, tracker, "prevention" if offer == "eps" else None)
            return [SlotSet("prevention_requested", False)]
        values = {**dict.fromkeys(FORM_SLOTS), **said}
        if not slots_to_ask(values):
            utter_offers(dispatcher, values)
            return CLEARED + [SlotSet("prevention_requested", False)]
        return [SlotSet("requested_slot", None)] + [
            SlotSet(slot, value) for slot, value in values.items()
        ] + [SlotSet("prevention_requested", True)]


class ValidatePreventionForm(AnswerReadingForm):
    def name(self) -> Text:
        return "validate_prevention_form"

    def slots_to_ask(self, tracker: Tracker) -> List[Text]:
        return slots_to_ask(read_values(form_values(tracker)))

    def read(self, slot: Text, value: Any, tracker: Tracker) -> Optional[Parsed]:
        if slot not in FORM_SLOTS or slot == "prevention_for_whom" or value is None or is_read(slot, value):
            return None
        return read_answer(slot, value)


class ActionPreventionOffers(Action):
    def name(self) -> Text:
        return "action_prevention_offers"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        utter_offers(dispatcher, form_values(tracker))
        return CLEARED + [SlotSet("prevention_requested", False)]
