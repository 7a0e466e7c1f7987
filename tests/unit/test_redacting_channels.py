"""The input channels remove a NIR from every message before Rasa (tracker store, slots, logs)
sees it, and leave every other number alone."""
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput

from bot.parsing import NIR_PLACEHOLDER, looks_like_nir
from components.redacting_channels import RedactingRestInput, RedactingSocketIOInput, redacting


def with_key(number13: str) -> str:
    """Append the NIR key (97 - number mod 97); 2A and 2B count as 19 and 18."""
    digits = number13.upper().replace("2A", "19").replace("2B", "18")
    return number13 + "%02d" % (97 - int(digits) % 97)


def spaced(nir: str) -> str:
    return " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])


NIR_15 = with_key("1841275123456")
NIR_WRONG_KEY = NIR_15[:13] + "%02d" % ((int(NIR_15[13:]) + 1) % 97 or 1)


class Recorder:
    """A Rasa on_new_message callback that keeps what it received."""

    def __init__(self):
        self.texts = []

    async def __call__(self, message: UserMessage):
        self.texts.append(message.text)
        return "handled"


async def through_channel(text):
    received = Recorder()
    result = await redacting(received)(UserMessage(text, sender_id="test"))
    assert result == "handled"  # the wrapped callback's answer is passed back
    return received.texts[0]


@pytest.mark.parametrize("typed", [
    NIR_15,
    spaced(NIR_15),
    spaced(NIR_15).replace(" ", "."),
    NIR_WRONG_KEY,  # a mistyped NIR is still one
    with_key("184122A123456"),  # Corsica
    with_key("184122B123456").lower(),
])
async def test_nir_is_redacted_before_rasa_sees_it(typed):
    text = await through_channel(f"Bonjour, mon numéro de sécu est {typed}, merci")
    assert text == f"Bonjour, mon numéro de sécu est {NIR_PLACEHOLDER}, merci"
    assert looks_like_nir(text)  # the forms still know a NIR was typed, and refuse it


@pytest.mark.parametrize("typed", [
    "06 12 34 56 78",
    "+33 6 12 34 56 78",
    "0033612345678",
    "je gagne 1 250,50 € par mois",
    "né le 14/07/1985",
    "je retire mon consentement MAS-2026-7K3F9Q",
    "1234567890123",  # not NIR-shaped: month 45
])
async def test_other_numbers_are_left_untouched(typed):
    assert await through_channel(typed) == typed


async def test_only_the_nir_is_removed_from_a_mixed_message():
    text = await through_channel(
        f"MAS-2026-7K3F9Q : sécu {spaced(NIR_15)}, tél 06 12 34 56 78, reste 900 € depuis le 01/03/2026")
    assert text == f"MAS-2026-7K3F9Q : sécu {NIR_PLACEHOLDER}, tél 06 12 34 56 78, reste 900 € depuis le 01/03/2026"


@pytest.mark.parametrize("text", [None, ""])
async def test_messages_without_text_pass_through(text):
    assert await through_channel(text) == text


def test_channel_names_stay_those_of_rasa():
    assert RedactingRestInput.name() == RestInput.name() == "rest"
    assert RedactingSocketIOInput.name() == SocketIOInput.name() == "socketio"


@pytest.mark.parametrize("channel, parent", [
    (RedactingRestInput, RestInput),
    (RedactingSocketIOInput, SocketIOInput),
])
async def test_blueprint_hands_rasa_the_redacting_callback(monkeypatch, channel, parent):
    handed = []
    monkeypatch.setattr(parent, "blueprint", lambda self, on_new_message: handed.append(on_new_message) or "bp")
    received = Recorder()
    assert channel().blueprint(received) == "bp"
    await handed[0](UserMessage(f"sécu {NIR_15}", sender_id="test"))
    assert received.texts == [f"sécu {NIR_PLACEHOLDER}"]


def test_rest_channel_redacts_the_text_it_may_log():
    request = SimpleNamespace(json={"sender": "test", "message": f"mon NIR {spaced(NIR_15)}"})
    assert RedactingRestInput()._extract_message(request) == f"mon NIR {NIR_PLACEHOLDER}"
    assert RedactingRestInput()._extract_message(SimpleNamespace(json={"sender": "test"})) is None
