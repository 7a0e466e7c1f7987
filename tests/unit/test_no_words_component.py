"""Messages with no words get the no_words intent instead of a random guess."""
import pytest

from components.no_words import NO_WORDS_INTENT, NoWordsClassifier
from rasa.shared.nlu.training_data.message import Message


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "?!...", "\u200b"])
def test_messages_without_words_get_the_no_words_intent(text):
    message = Message(data={"text": text, "intent": {"name": "goodbye", "confidence": 0.9}})
    NoWordsClassifier().process([message])
    assert message.get("intent")["name"] == NO_WORDS_INTENT


@pytest.mark.parametrize("text", ["a", "c2s", "3646 ?", "😀 bonjour"])
def test_messages_with_words_keep_their_intent(text):
    message = Message(data={"text": text, "intent": {"name": "greet", "confidence": 0.9}})
    NoWordsClassifier().process([message])
    assert message.get("intent")["name"] == "greet"
