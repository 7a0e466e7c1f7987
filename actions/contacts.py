"""The right contact for a need and a place, in the assuré's or the partner's view.

The need and the place are remembered for the conversation, so "et je suis à Brest" said later
completes the previous question. A question on another topic (a right, the health examination)
that names a place gets the local service too, in the same reply (utter_local_services).
"""
from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_facts import is_button_payload
from bot import topics
from bot.aspects import OVERVIEW
from bot.formatting import source_line
from bot.questions import aspect_of, contact_aspect, entity_values, language_of
from bot.contacts import (
    NEEDS,
    Place,
    answer_contact,
    contact_source_line,
    is_shortened,
    room_after,
    contacts_for,
    find_need,
    is_partner_message,
    local_services,
    render_contacts,
    resolve_place,
)


def place_to_slot(place: Place) -> Dict[str, Any]:
    return {**asdict(replace(place, candidates=())), "possible_cpams": list(place.possible_cpams)}


def place_from_slot(value: Optional[Dict[str, Any]]) -> Optional[Place]:
    if not value:
        return None
    return Place(**{**value, "possible_cpams": tuple(value.get("possible_cpams") or ()), "candidates": ()})




def need_buttons(partner: bool = False) -> List[Dict[str, str]]:
    return [
        {"title": need.label[0].upper() + need.label[1:], "payload": '/ask_contact{"contact_need":"%s"}' % need.id}
        for need in NEEDS if partner or not need.for_partners
    ]


def local_reply(tracker: Tracker, topic_need: Optional[str], answer_chars: int = 0) -> Optional[str]:
    """After an answer on a topic (a right, prevention): the local service the message's place selects,
    or the contacts of a service it also names (MAS, médiateur…), in what the answer leaves of the
    600-character first reply (bot.contacts.room_after). None when there is none."""
    text = (tracker.latest_message or {}).get("text") or ""
    if not text or is_button_payload(text):
        return None
    partner = bool(tracker.get_slot("partner_mode")) or is_partner_message(text)
    return local_services(text, topic_need, partner, full=False, limit=room_after(answer_chars))


def utter_local_services(dispatcher: CollectingDispatcher, tracker: Tracker, topic_need: Optional[str],
                         answer_chars: int = 0) -> None:
    reply = local_reply(tracker, topic_need, answer_chars)
    if reply:
        dispatcher.utter_message(text=reply)


def place_buttons(place: Place) -> List[Dict[str, str]]:
    """One button per commune of the same name; the département code settles it."""
    return [
        {"title": f"{c.commune} ({c.departement_name}, {c.departement})", "payload": f"{c.commune} {c.departement}"}
        for c in place.candidates
    ]


class ActionAnswerContact(Action):
    def name(self) -> Text:
        return "action_answer_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        text = "" if is_button_payload(message.get("text") or "") else message.get("text") or ""
        partner = bool(tracker.get_slot("partner_mode")) or intent == "declare_partner" or is_partner_message(text)
        need = next(tracker.get_latest_entity_values("contact_need"), None) or find_need(text) or tracker.get_slot("contact_need")
        said_place = resolve_place(text) if text else None
        events: List[EventType] = [SlotSet("partner_mode", partner)]

        if said_place is not None and said_place.needs_question:
            dispatcher.utter_message(text=said_place.understood + " Laquelle ?", buttons=place_buttons(said_place))
            return events + [SlotSet("contact_need", need)]
        place = said_place or place_from_slot(tracker.get_slot("contact_place"))
        if said_place is not None:
            events.append(SlotSet("contact_place", place_to_slot(said_place)))

        reading = aspect_of(message, "contact", entity_values(message, "aspect"))
        language = language_of(message)
        aspect = contact_aspect(message, reading, need, typed=bool(text))
        if intent == "ask_contact" and text and aspect != OVERVIEW:
            # The question names what it wants (the number, its cost, the mediator…), or no particular
            # need: answered at once ("le numéro de la sécu" is the 3646), no menu of needs first.
            answer = answer_contact(aspect, need=need, place=place, partner=partner, language=language)
            lines = [answer.text]
            if answer.sources and not answer.gap:
                source = answer.sources[0]
                lines.append(source_line(source.display_url, source.checked, "en") if language == "en"
                             else contact_source_line(source))
            if need is not None and place is None and language == "fr":
                lines.append(topics.ASK_PLACE)  # the local CPAM's own contacts for this need depend on the place
            dispatcher.utter_message(text="\n".join(lines), buttons=[topics.OTHER_TOPIC_BUTTON])
            return events + [SlotSet("contact_need", need)]

        if need is None:
            if intent == "inform" and said_place is None:
                dispatcher.utter_message(response="utter_no_question_pending")
                return events
            if intent == "declare_partner":
                dispatcher.utter_message(response="utter_partner_welcome")
            elif said_place is not None:
                dispatcher.utter_message(text=said_place.understood)
            dispatcher.utter_message(response="utter_which_need", buttons=need_buttons(partner))
            return events

        buttons = [topics.OTHER_TOPIC_BUTTON]
        contacts = contacts_for(need, place, partner=partner)
        full = OVERVIEW in entity_values(message, "aspect")  # the "Plus de détails" button
        if not full and is_shortened(contacts):
            buttons = [topics.more_details_button(need)] + buttons
        if need == "renoncement":  # the MAS form can be filled in right here, with consent
            buttons = [topics.PREPARE_SAISINE_BUTTON] + buttons
        text = render_contacts(contacts, full=full)
        if place is None and not full:
            # the local CPAM's contacts need the place: asked in the same message, within the first reply
            text += "\n" + topics.ASK_PLACE
        dispatcher.utter_message(text=text, buttons=buttons)
        return events + [SlotSet("contact_need", need)]
