"""A question asked instead of an answer, in the middle of a form: answer it, then the form asks
its question again. Shared by every form's validator."""
from __future__ import annotations

from datetime import date

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import topics
from bot.parsing import looks_like_nir
from bot.saisine.validation import has_markup
from bot.answers import answer_right
from bot.aspects import OVERVIEW
from bot.contacts import contacts_from_text, render_contacts
from bot.prevention import find_offer, offer_reply
from bot.question_params import read_params
from bot.questions import aspect_of, aspect_ranking, language_of

# Below this NLU confidence an unreadable answer is treated as a bad answer, not a question.
DIGRESSION_CONFIDENCE = 0.6
SMALL_TALK_RESPONSES = {
    "help": "utter_menu",
    "bot_challenge": "utter_iamabot",
    "out_of_scope": "utter_out_of_scope",
}


def answer_digression(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answers a question asked instead of an answer; True when it did."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    name = intent.get("name")
    if (intent.get("confidence") or 0) < DIGRESSION_CONFIDENCE:
        return False
    if looks_like_nir(message.get("text") or "") or has_markup(message.get("text")):
        return False  # a NIR or markup is refused and explained by the form, never taken for a question
    right = topics.right_for_intent(name)
    offer = find_offer(message.get("text") or "") if name == "ask_prevention" else None
    text = message.get("text") or ""
    if right is not None:  # the aspect asked, as outside a form (never the form's own "ai-je droit")
        reading = aspect_of(message, "right")
        aspect = reading.aspect if reading.aspect not in (OVERVIEW, "own_case") else "what_is"
        answer = answer_right(right, aspect, read_params(text, date.today()), language=language_of(message),
                              question=text, ranking=aspect_ranking(message, "right"))
        dispatcher.utter_message(text=answer.text())
    elif offer is not None:
        dispatcher.utter_message(text=offer_reply(offer, aspect_of(message, "prevention").aspect))
    elif name == "ask_contact":
        contact = contacts_from_text(message.get("text") or "", partner=bool(tracker.get_slot("partner_mode")))
        dispatcher.utter_message(text=render_contacts(contact))
    elif name in SMALL_TALK_RESPONSES:
        dispatcher.utter_message(response=SMALL_TALK_RESPONSES[name])
    else:
        return False
    dispatcher.utter_message(response="utter_back_to_questions")
    return True
