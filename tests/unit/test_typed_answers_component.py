"""A message that is only an e-mail, a date, a phone number or a NIR answers the question asked:
it gets `inform`, never `help` or `stop` (which would show the menu or cancel the form)."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.saisine.validation import bare_value_kind
from components.typed_answers import TypedAnswerClassifier
from tests.unit.saisine_samples import nir


@pytest.mark.parametrize("text, kind", [
    ("ondine.brisebarre@exemple.fr", "email"),
    ("  Jean.Dupont+cpam@mail.example.org ", "email"),
    ("06 47 29 81 53", "phone"),
    ("06.47.29.81.53", "phone"),
    ("+33 6 47 29 81 53", "phone"),
    ("0596 30 12 34", "phone"),
    ("03/09/1979", "date"),
    ("3-9-79", "date"),
    ("12 345 678", "number"),
])
def test_a_bare_value_is_recognised(text, kind):
    assert bare_value_kind(text) == kind


def test_a_bare_nir_is_recognised_so_the_form_can_refuse_it():
    assert bare_value_kind(nir("2790959350123", sep=" ")) == "nir"


@pytest.mark.parametrize("text", [
    "", "   ", "aide", "stop", "1500", "3646", "mon mail c'est a@b.fr", "le 03/09/1979 je crois",
    "appelez le 06 47 29 81 53 svp", "pas@valide", "x" * 200 + "@exemple.fr", None, 42,
])
def test_anything_else_is_left_to_the_intent_classifier(text):
    assert bare_value_kind(text) is None


@pytest.mark.parametrize("text", ["ondine.brisebarre@exemple.fr", "06 47 29 81 53", "03/09/1979"])
def test_the_component_turns_a_bare_value_into_an_answer(text):
    message = Message(data={"text": text, "intent": {"name": "help", "confidence": 0.87}})
    TypedAnswerClassifier().process([message])
    assert message.get("intent") == {"name": "inform", "confidence": 1.0}
    assert message.get("intent_ranking") == [{"name": "inform", "confidence": 1.0}]


def test_the_component_leaves_words_to_the_model():
    message = Message(data={"text": "stop", "intent": {"name": "stop", "confidence": 0.99}})
    TypedAnswerClassifier().process([message])
    assert message.get("intent")["name"] == "stop"
