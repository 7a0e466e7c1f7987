"""Rasa's SpacyNLP without the spaCy components nothing in the pipeline reads.

Rasa 3.6 loads fr_core_news_md with only the dependency parser disabled: the parser stays in memory
and the named-entity recogniser runs on every message. Our pipeline reads the static word vectors
(SpacyFeaturizer) and the tokens (SpacyTokenizer); no component reads dependencies or spaCy
entities. (Since the linear intent classifier replaced DIET's CountVectors, no component reads
lemmas or part-of-speech tags either: excluding the tagger too is the next candidate, to be measured.)
Leaving out `parser` and `ner` gives the same tokens, lemmas and vectors (checked by
tests/unit/test_spacy_nlp_component.py) for about 70 MB less and half the spaCy time per message.
Rasa also loaded the model twice per process (see `_load_once`); once is enough.

The class keeps the name `SpacyNLP` on purpose: SpacyTokenizer and SpacyFeaturizer find their model
provider by that class name (`model_from="SpacyNLP"` in Rasa's recipe), and they accept a subclass.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Text, Tuple

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils import spacy_utils
from rasa.shared.exceptions import InvalidConfigException

# What the pipeline never reads: the dependency parse and spaCy's named entities.
UNUSED_SPACY_COMPONENTS = ["parser", "ner"]


def load_spacy_model(name: Text, exclude: List[Text]) -> spacy_utils.SpacyModel:
    """fr_core_news_md without the `exclude`d components; a clear error when the model is missing."""
    return _load_once(name, tuple(exclude))


# Rasa builds two graph nodes from this component (one provides the model to the tokenizer and
# featurizer, one processes messages) and calls `create` for each: without this cache the server
# holds two copies of fr_core_news_md. spaCy only reads a loaded pipeline, so one copy serves both.
@lru_cache(maxsize=4)
def _load_once(name: Text, exclude: Tuple[Text, ...]) -> spacy_utils.SpacyModel:
    import spacy

    if not name:
        raise InvalidConfigException("SpacyNLP needs `model:` in config.yml, e.g. fr_core_news_md.")
    try:
        language = spacy.load(name, exclude=list(exclude))
    except OSError as error:
        raise InvalidConfigException(
            f"The spaCy model {name} is not installed: `make install` installs it (pyproject.toml)."
        ) from error
    return spacy_utils.SpacyModel(model=language, model_name=name)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**spacy_utils.SpacyNLP.get_default_config(), "exclude": list(UNUSED_SPACY_COMPONENTS)}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SpacyNLP":
        config = {**cls.get_default_config(), **config}
        model = load_spacy_model(config.get("model"), config["exclude"])
        cls.ensure_proper_language_model(model.model)
        return cls(model, config)
