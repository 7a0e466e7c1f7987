"""Recognises messages with no word at all: empty, spaces, emoji or punctuation only.

An intent classifier has nothing to go on for such a message and may still pick an intent with confidence (an emoji
came out as "goodbye"). This component runs last and gives them the `no_words` intent, which the
assistant answers by asking for a question in words.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

NO_WORDS_INTENT = "no_words"


def has_words(text: str) -> bool:
    return any(character.isalnum() for character in text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NoWordsClassifier(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "NoWordsClassifier":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not has_words(message.get(TEXT) or ""):
                intent = {"name": NO_WORDS_INTENT, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
