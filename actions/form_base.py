"""Behaviour shared by the forms whose questions are chosen by bot/ and whose answers are read
by bot/: ask only what is still needed, read each typed answer, tell back how it was understood,
re-ask in French when it cannot be read, and answer a question asked instead of an answer."""
from __future__ import annotations

from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.digressions import answer_digression
from bot.parsing import Parsed


class AnswerReadingForm(FormValidationAction):
    @abstractmethod
    def name(self) -> Text:  # abstract: the base itself is never registered as an action
        raise NotImplementedError

    @abstractmethod
    def slots_to_ask(self, tracker: Tracker) -> List[Text]:
        """The slots still to ask, in order, given the answers already read."""

    @abstractmethod
    def read(self, slot: Text, value: Any, tracker: Tracker) -> Optional[Parsed]:
        """Reads one raw answer; the Parsed value is a dict of slot values. None: nothing to read."""

    def skip_reading(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
        """True when this turn's text is not an answer at all (a topic switch); hook for subclasses."""
        return False

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return self.slots_to_ask(tracker)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        skip = self.skip_reading(tracker, dispatcher)
        updates: Dict[Text, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            parsed = self.read(slot, value, tracker)
            if parsed is None:
                continue
            if skip:
                updates[slot] = None
            elif parsed.ok:
                updates.update(parsed.value)
                if parsed.interpretation:
                    dispatcher.utter_message(text=parsed.interpretation)
            else:
                updates[slot] = None
                if not answer_digression(dispatcher, tracker):
                    dispatcher.utter_message(text=parsed.error)
        tracker.slots.update(updates)
        return [SlotSet(slot, value) for slot, value in updates.items()]
