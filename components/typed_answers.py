"""Messages that are only an e-mail address, a date in figures, a phone number or a NIR are answers.

The intent classifier reads character n-grams: DIET once classified "ondine.brisebarre@exemple.fr" as `help` (0.87), and
the rule for `help` shows the menu in the middle of the MAS form. Such a message is never a request
for help or to stop, so this component, after the intent classifier and the FallbackClassifier, gives it the `inform`
intent with full confidence; the form's own validation then reads the value (and refuses a NIR).
The recognition itself is domain logic: bot.saisine.validation.bare_value_kind.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.saisine.validation import bare_value_kind

ANSWER_INTENT = "inform"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TypedAnswerClassifier(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TypedAnswerClassifier":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if bare_value_kind(message.get(TEXT)):
                intent = {"name": ANSWER_INTENT, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
