"""The intent classifier (components/linear_intent_classifier.py): it learns from phrasings, reads
typos and missing accents, gives probabilities the FallbackClassifier can trust, and loads back only
what it saved itself."""
from __future__ import annotations

import numpy as np
import pytest
import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.preprocessing import FunctionTransformer

from components.linear_intent_classifier import LinearIntentClassifier, UntrustedModelError

PHRASINGS = {
    "greet": ["bonjour", "bonsoir madame", "salut", "coucou", "bonjour à vous", "hello", "bjr", "salut le bot"],
    "thanks": ["merci", "merci beaucoup", "merci bien", "je vous remercie", "mrc", "merci pour votre aide",
               "c'est gentil merci", "super merci"],
    "ask_c2s": ["c'est quoi la complémentaire santé solidaire", "la css c'est quoi", "j'ai droit à la c2s ?",
                "complémentaire santé gratuite", "comment avoir la c2s", "mutuelle solidaire",
                "la complémentaire santé solidaire pour moi", "demande de c2s"],
    "ask_ame": ["aide médicale de l'état", "j'ai droit à l'ame ?", "c'est quoi l'ame", "ame sans papiers",
                "aide médicale état demande", "renouveler mon ame", "l'ame pour les étrangers",
                "comment obtenir l'aide médicale de l'état"],
}


def message(text: str, intent: str = None, vector=None) -> Message:
    made = Message(data={TEXT: text, **({"intent": intent} if intent else {})})
    if vector is not None:  # what SpacyFeaturizer adds: a sentence vector
        made.add_features(Features(np.array([vector], dtype=np.float32), "sentence", TEXT, "SpacyFeaturizer"))
    return made


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def trained(storage) -> LinearIntentClassifier:
    classifier = LinearIntentClassifier.create({}, storage, Resource("intents"),
                                               ExecutionContext(GraphSchema({}), "test"))
    examples = [message(text, intent) for intent, texts in PHRASINGS.items() for text in texts]
    classifier.train(TrainingData(examples))
    return classifier


def predicted(classifier, text: str):
    return classifier.process([message(text)])[0]


@pytest.mark.parametrize("text, intent", [
    ("bonjuor", "greet"),                      # typo
    ("MERCI BCP", "thanks"),                   # capitals, SMS
    ("complementaire sante solidaire", "ask_c2s"),  # no accents
    ("aide medicale etat", "ask_ame"),
])
def test_typos_capitals_and_missing_accents_are_understood(storage, text, intent):
    assert predicted(trained(storage), text).get("intent")["name"] == intent


def test_confidences_are_probabilities_ranked_best_first(storage):
    result = predicted(trained(storage), "merci beaucoup madame")
    ranking = result.get("intent_ranking")
    confidences = [entry["confidence"] for entry in ranking]
    assert result.get("intent") == ranking[0]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 <= c <= 1 for c in confidences) and sum(confidences) == pytest.approx(1, abs=1e-6)


def test_gibberish_is_less_certain_than_a_clear_phrasing(storage):
    classifier = trained(storage)
    clear = predicted(classifier, "merci beaucoup").get("intent")["confidence"]
    gibberish = predicted(classifier, "zqxwv kkkj").get("intent")["confidence"]
    assert gibberish < clear


def test_the_saved_model_loads_back_with_the_same_answers(storage):
    classifier = trained(storage)
    loaded = LinearIntentClassifier.load({}, storage, Resource("intents"), ExecutionContext(GraphSchema({}), "test"))
    for text in ("bonjuor", "la c2s", "ame", "merci"):
        assert predicted(loaded, text).get("intent") == predicted(classifier, text).get("intent")


def test_a_model_file_holding_other_python_types_is_refused(storage):
    with storage.write_to(Resource("intents")) as directory:
        sio.dump({"classifier": FunctionTransformer(func=print)}, directory / "linear_intent_classifier.skops")
    with pytest.raises(UntrustedModelError, match="builtins.print"):
        LinearIntentClassifier.load({}, storage, Resource("intents"), ExecutionContext(GraphSchema({}), "test"))


def test_an_empty_message_gets_no_intent_at_confidence_zero_as_the_fallback_classifier_needs(storage):
    result = predicted(trained(storage), "   ")
    assert result.get("intent") == {"name": None, "confidence": 0.0} and result.get("intent_ranking") == []


def test_the_spacy_sentence_vector_is_used_when_present(storage):
    """With the dense vector, two phrasings that share no letters can still be told apart."""
    classifier = LinearIntentClassifier.create({"dense_weight": 5.0}, storage, Resource("intents"),
                                               ExecutionContext(GraphSchema({}), "test"))
    polite, medical = [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]
    examples = [message(text, intent, polite if intent in ("greet", "thanks") else medical)
                for intent, texts in PHRASINGS.items() for text in texts]
    classifier.train(TrainingData(examples))
    features = classifier._features([message("xyz", vector=medical)])
    assert features.shape[1] == classifier._features([message("xyz", vector=polite)]).shape[1]
    assert predicted_with(classifier, "xyz", medical) in ("ask_c2s", "ask_ame")
    assert predicted_with(classifier, "xyz", polite) in ("greet", "thanks")


def predicted_with(classifier, text, vector):
    return classifier.process([message(text, vector=vector)])[0].get("intent")["name"]


def test_one_intent_only_trains_nothing_and_predicts_nothing(storage):
    classifier = LinearIntentClassifier.create({}, storage, Resource("intents"), ExecutionContext(GraphSchema({}), "t"))
    classifier.train(TrainingData([message("bonjour", "greet"), message("salut", "greet")]))
    assert predicted(classifier, "bonjour").get("intent") == {"name": None, "confidence": 0.0}


def test_rasas_fallback_classifier_runs_after_it_on_an_empty_message(storage):
    """Found by the hostile-message test: with no intent at all, the FallbackClassifier raised
    KeyError('intent') and the person got no answer."""
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier

    fallback = FallbackClassifier.create({**FallbackClassifier.get_default_config(), "threshold": 0.4}, storage,
                                         Resource("fallback"), ExecutionContext(GraphSchema({}), "test"))
    result = fallback.process(trained(storage).process([message(""), message("merci beaucoup")]))
    assert result[0].get("intent")["name"] == "nlu_fallback"
    assert result[1].get("intent")["name"] == "thanks"
