"""The MAS saisine in the chat: offer, consent, the annex-4 form, confirmation, hand-off to the
outbox, withdrawal. The flow itself is bot.saisine.intake; the draft lives in one slot
(saisine_draft) and every typed answer arrives in one slot (saisine_answer)."""
from __future__ import annotations

import asyncio
import re
from datetime import date, datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import AnswerReadingForm
from actions.tracker_facts import is_button_payload
from bot import topics
from bot.contacts import contacts_for, is_partner_message, render_contacts
from bot.formatting import source_line as cite
from bot.parsing import Parsed
from bot.saisine import intake
from bot.saisine import validation as v

# The person waits for this answer: a backend that hangs must not hold the chat.
IMMEDIATE_DELIVERY_TIMEOUT_SECONDS = 3.0
CLEARED = [SlotSet("saisine_draft", None), SlotSet("saisine_answer", None)]
# The draft once handed off: only its reference, until action_saisine_finish clears it.
HANDED_OFF = "handed_off"


def _draft(tracker: Tracker) -> Dict[str, Any]:
    draft = tracker.get_slot("saisine_draft")
    return dict(draft) if isinstance(draft, dict) else intake.start_draft(None)


def _text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if is_button_payload(text) else text


def _channel(tracker: Tracker) -> str:
    """Where the consent was given: the kiosk says so in its metadata, else the Rasa channel."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    declared = metadata.get("channel") if isinstance(metadata, dict) else None
    for name in (declared, tracker.get_latest_input_channel(), "chat"):
        if isinstance(name, str) and re.fullmatch(r"[a-z][a-z0-9_]{1,29}", name):
            return name
    return "chat"


def _source_line(entry: Dict[str, Any]) -> str:
    return cite(entry["source"], date.fromisoformat(entry["checked"])) + "."


def _utter_other_contacts(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    partner = bool(tracker.get_slot("partner_mode"))
    dispatcher.utter_message(text=render_contacts(contacts_for("renoncement", None, partner=partner)),
                             buttons=[topics.OTHER_TOPIC_BUTTON])


def _outbox():
    from bot.saisine.outbox import default_outbox  # SQLAlchemy only when a saisine is handled
    return default_outbox()


def _client(timeout: float = IMMEDIATE_DELIVERY_TIMEOUT_SECONDS):
    from bot.saisine.client import BackendClient
    return BackendClient.from_env(timeout=timeout)


class ActionOfferMas(Action):
    """Someone gives up care or cannot get through: what the MAS is, and an offer."""

    def name(self) -> Text:
        return "action_offer_mas"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        offer = v.load_form()["presentation"]["offer"]
        dispatcher.utter_message(text=offer["text"].strip() + "\n" + _source_line(offer))
        dispatcher.utter_message(
            text="Souhaitez-vous qu'un conseiller vous contacte ?",
            buttons=[{"title": "Oui, je veux être contacté(e)", "payload": "/request_mas"},
                     {"title": "Non merci", "payload": "/deny"}],
        )
        role = intake.PARTNER if tracker.get_slot("partner_mode") else intake.PERSON
        return [SlotSet("saisine_draft", intake.start_draft(role, intake.detect_categories(_text(tracker))))]


class ActionStartSaisine(Action):
    """Opens a new draft; the form then asks, in order, what the draft still lacks."""

    def name(self) -> Text:
        return "action_start_saisine"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = _text(tracker)
        previous = _draft(tracker)
        # A draft with no consent yet is the one the offer just opened: keep what it read.
        from_offer = "consent" not in previous
        partner = bool(tracker.get_slot("partner_mode")) or (bool(text) and is_partner_message(text))
        role = (intake.role_from_request(text, partner) if text or partner else None) or (
            previous.get("role") if from_offer else None)
        detected = (intake.detect_categories(text) if text else {}) or (
            previous.get("detected") if from_offer else {})
        events: List[EventType] = [SlotSet("saisine_draft", intake.start_draft(role, detected)),
                                   SlotSet("saisine_answer", None)]
        if role == intake.PARTNER:
            events.append(SlotSet("partner_mode", True))
        return events


class ActionAskSaisineAnswer(Action):
    """Asks the next question of the draft (the form's single requested slot)."""

    def name(self) -> Text:
        return "action_ask_saisine_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        draft = _draft(tracker)
        field = intake.next_field(draft, datetime.now(timezone.utc).date())
        if field is None:
            return []
        asked = intake.question(field, draft)
        for text in asked.texts[:-1]:
            dispatcher.utter_message(text=text)
        dispatcher.utter_message(text=asked.texts[-1], buttons=asked.buttons)
        return []


class ValidateSaisineForm(AnswerReadingForm):
    def name(self) -> Text:
        return "validate_saisine_form"

    def slots_to_ask(self, tracker: Tracker) -> List[Text]:
        draft = _draft(tracker)
        done = bool(draft.get(HANDED_OFF)) or intake.next_field(draft, datetime.now(timezone.utc).date()) is None
        return [] if done else ["saisine_answer"]

    def read(self, slot: Text, value: Any, tracker: Tracker) -> Optional[Parsed]:
        if slot != "saisine_answer" or value is None:
            return None
        draft = _draft(tracker)
        now = datetime.now(timezone.utc)
        field = intake.next_field(draft, now.date())
        if field is None:
            return None
        parsed = intake.read_answer(field, value, draft, now, _channel(tracker))
        if not parsed.ok:
            return parsed
        return Parsed(value={"saisine_draft": parsed.value, "saisine_answer": None},
                      interpretation=parsed.interpretation)

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        draft = tracker.slots.get("saisine_draft")
        if isinstance(draft, dict) and not draft.get(HANDED_OFF) and intake.outcome(draft) == intake.CONFIRMED:
            events += await hand_off(dispatcher, draft)
        return events


async def hand_off(dispatcher: CollectingDispatcher, draft: Dict[str, Any]) -> List[EventType]:
    """Hands a confirmed saisine to the outbox and gives the person its reference.

    Called by the form's validation in the very action call that reads "Confirmer": if that call
    dies (action server killed, network cut), Rasa drops all its events, the form stays on the
    summary and the person's next "Confirmer" does it again — harmless, the draft's idempotency key
    gives back the same reference. The draft left behind holds only the reference.
    """
    saisine = intake.build_saisine(draft)
    outbox = _outbox()
    # Durable first: the reference is given only once the outbox transaction is committed.
    reference = await asyncio.to_thread(outbox.enqueue, saisine)
    async with _client() as client:
        await outbox.deliver_pending(client, reference=reference)
    delivered = await asyncio.to_thread(outbox.status, reference) == "delivered"
    next_steps = v.load_form()["presentation"]["next_steps"]
    if delivered:
        head = f"Votre demande est transmise à la Mission accompagnement santé. Votre référence : {reference}."
    else:
        head = (f"Votre demande est enregistrée sous la référence {reference}. Le service est "
                "momentanément injoignable : elle lui sera transmise automatiquement dès que possible, "
                "vous n'avez rien à refaire.")
    dispatcher.utter_message(text=head)
    dispatcher.utter_message(text=next_steps["text"].strip() + "\n" + _source_line(next_steps))
    dispatcher.utter_message(
        text=(f"Notez votre référence {reference}. Pour retirer votre accord à tout moment, écrivez "
              f"« je retire mon consentement {reference} »."),
        buttons=[topics.OTHER_TOPIC_BUTTON],
    )
    return [SlotSet("saisine_draft", {HANDED_OFF: reference}), SlotSet("saisine_answer", None),
            SlotSet("saisine_reference", reference)]


class ActionSaisineFinish(Action):
    """The form is over: the saisine was handed off (nothing to add), or say nothing was kept."""

    def name(self) -> Text:
        return "action_saisine_finish"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        draft = _draft(tracker)
        if draft.get(HANDED_OFF):
            return CLEARED
        result = intake.outcome(draft)
        if result == intake.CONFIRMED:  # a draft confirmed before hand-off moved into the form
            return await hand_off(dispatcher, draft) + CLEARED
        if result == intake.REFUSED:
            dispatcher.utter_message(response="utter_saisine_refused")
            _utter_other_contacts(dispatcher, tracker)
        else:
            dispatcher.utter_message(response="utter_saisine_cancelled")
        return CLEARED


class ActionSaisineCancel(Action):
    """"Stop" or "annuler" in the middle of the form: the draft is erased, nothing is sent. A name
    misread as "stop" is written into the draft instead and the form goes on."""

    def name(self) -> Text:
        return "action_saisine_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        draft = _draft(tracker)
        now = datetime.now(timezone.utc)
        field = intake.next_field(draft, now.date())
        text = _text(tracker)
        if intake.stop_misread_name(field, text):  # "Barre" is a surname, not "arrête"
            parsed = intake.read_answer(field, text, draft, now, _channel(tracker))
            if parsed.ok:
                return [SlotSet("saisine_draft", parsed.value), SlotSet("saisine_answer", None),
                        FollowupAction("saisine_form")]
        dispatcher.utter_message(response="utter_saisine_cancelled")
        return CLEARED + [SlotSet("requested_slot", None)]


class ActionWithdrawSaisine(Action):
    """"Je retire mon consentement MAS-2026-7K3F9Q": withdraw and erase, and say what happened."""

    def name(self) -> Text:
        return "action_withdraw_saisine"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        reference = intake.find_reference(text) or tracker.get_slot("saisine_reference")
        if reference is None:
            dispatcher.utter_message(response="utter_withdraw_needs_reference")
            return []
        dispatcher.utter_message(text=await self._withdraw(reference))
        return [SlotSet("saisine_reference", None)] if reference == tracker.get_slot("saisine_reference") else []

    async def _withdraw(self, reference: str) -> str:
        from bot.saisine.client import BackendError
        from bot.saisine.outbox import DELIVERED, PENDING, REJECTED, SENDING, WITHDRAWN

        erased = (f"C'est fait : votre accord est retiré et votre demande {reference} est effacée. "
                  "Aucun conseiller ne vous contactera à ce sujet.")
        outbox = _outbox()
        before = await asyncio.to_thread(outbox.withdraw, reference)
        if before in (PENDING, REJECTED):
            return erased
        if before in (DELIVERED, SENDING):
            async with _client() as client:
                await outbox.deliver_pending(client, reference=reference)
            if await asyncio.to_thread(outbox.status, reference) == WITHDRAWN:
                return erased
            return (f"Votre retrait est enregistré. Votre demande {reference} sera effacée par la Mission "
                    "accompagnement santé dès que le service sera joignable, sans autre démarche de votre part.")
        if before is not None:  # already withdrawn, or being erased
            return f"Votre demande {reference} est déjà retirée."
        # Not sent from this server: ask the backend directly.
        try:
            async with _client() as client:
                await client.withdraw(reference)
        except BackendError as exc:
            if exc.status == 404:
                return (f"Je ne trouve aucune demande avec la référence {reference}. Vérifiez-la "
                        "(elle ressemble à MAS-2026-7K3F9Q) et réessayez.")
            return ("Je ne peux pas joindre le service pour le moment. Réessayez dans quelques minutes, ou "
                    "écrivez à votre caisse d'assurance maladie en indiquant votre référence.")
        return erased
