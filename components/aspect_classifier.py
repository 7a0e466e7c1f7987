"""What a question asks about its subject (the aspect), and the language it is written in.

The intent says the subject ("ask_c2s"); this component says the aspect ("delay", "documents",
"own_case"…, names in bot/aspects.py) beside it, so one subject's questions get different answers
without a second intent per pair. It learns from the `aspect` metadata of the NLU blocks:

    - intent: ask_c2s
      metadata:
        aspect: delay
      examples: |
        - combien de temps pour avoir une réponse pour la css ?

Aspects are learnt across subjects (a delay question reads alike for the C2S and the AME), which is
why it is a second classifier and not 6 × 13 combined intents: measured by `make nlu-eval`'s folds,
see docs/answering.md. It uses the same features and calibrated linear SVM as the intent classifier
(components/linear_intent_classifier.py). Examples whose block also says `language: en` teach a
second, fr/en, classifier on the same features, so an English question gets an English reply.

Output, read by the action server in `latest_message`:
    "aspect": {"name": "delay", "confidence": 0.83, "ranking": [{"name":…, "confidence":…}, …]}
    "language": {"name": "en", "confidence": 0.97}
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import METADATA, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.linear_intent_classifier import LinearIntentClassifier

logger = logging.getLogger(__name__)

ASPECT = "aspect"
LANGUAGE = "language"
DEFAULT_LANGUAGE = "fr"


def block_metadata(message: Message) -> Dict[str, Any]:
    """The metadata of the NLU block an example comes from ({} when it has none)."""
    metadata = message.get(METADATA) or {}
    return metadata.get(METADATA_INTENT) or {}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class AspectClassifier(LinearIntentClassifier):
    MODEL_FILE = "aspect_classifier.skops"

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "AspectClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT)]
        labelled = [e for e in examples if block_metadata(e).get(ASPECT)]
        aspects = np.array([block_metadata(e)[ASPECT] for e in labelled])
        if len(set(aspects)) < 2:
            logger.warning("AspectClassifier found fewer than two aspects in the NLU metadata: it will predict none.")
            return self._resource
        self.model = self._vectorizers()
        # The vocabulary comes from every example, so the language model reads the same features.
        all_features = self._features(examples, fit=True)
        index = {id(e): i for i, e in enumerate(examples)}
        self.model["classifier"] = self._calibrated_svm(all_features[[index[id(e)] for e in labelled]], aspects)
        languages = np.array([block_metadata(e).get(LANGUAGE, DEFAULT_LANGUAGE) for e in examples])
        if len(set(languages)) > 1:
            self.model["language"] = self._calibrated_svm(all_features, languages)
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        readable = [m for m in messages if (m.get(TEXT) or "").strip()] if self.model is not None else []
        for message in messages:
            message.set(ASPECT, None, add_to_output=True)
            message.set(LANGUAGE, {"name": DEFAULT_LANGUAGE, "confidence": 0.0}, add_to_output=True)
        if not readable:
            return messages
        features = self._features(readable)
        aspect_probabilities = self.model["classifier"].predict_proba(features)
        aspect_names = self.model["classifier"].classes_
        for message, row in zip(readable, aspect_probabilities):
            # every aspect is ranked: the action keeps those of the subject's family (bot.questions)
            order = np.argsort(row)[::-1]
            ranking = [{"name": str(aspect_names[i]), "confidence": float(row[i])} for i in order]
            message.set(ASPECT, {**ranking[0], "ranking": ranking}, add_to_output=True)
        language_model = self.model.get("language")
        if language_model is not None:
            for message, row in zip(readable, language_model.predict_proba(features)):
                best = int(np.argmax(row))
                message.set(LANGUAGE, {"name": str(language_model.classes_[best]), "confidence": float(row[best])},
                            add_to_output=True)
        return messages
