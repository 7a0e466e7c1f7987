"""The public channels remove a NIR from every message before Rasa (tracker store, slots, logs)
sees it, refuse requests that are not messages, and never leave a person in silence."""
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput

from bot import inbound
from bot.parsing import NIR_PLACEHOLDER, looks_like_nir
from components.public_channels import (MessageGuard, PublicRestInput, PublicSocketIOInput,
                                        action_server_health_url)


def with_key(number13: str) -> str:
    """Append the NIR key (97 - number mod 97); 2A and 2B count as 19 and 18."""
    digits = number13.upper().replace("2A", "19").replace("2B", "18")
    return number13 + "%02d" % (97 - int(digits) % 97)


def spaced(nir: str) -> str:
    return " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])


NIR_15 = with_key("1841275123456")
NIR_WRONG_KEY = NIR_15[:13] + "%02d" % ((int(NIR_15[13:]) + 1) % 97 or 1)


class Recorder:
    """A Rasa on_new_message callback that keeps what it received and answers like the bot."""

    def __init__(self, answer="Bonjour !"):
        self.texts, self.answer = [], answer

    async def __call__(self, message: UserMessage):
        self.texts.append(message.text)
        if self.answer:
            await message.output_channel.send_response(message.sender_id, {"text": self.answer})


async def through_channel(text):
    received, output = Recorder(), CollectingOutputChannel()
    made = MessageGuard()
    made.health_url = None
    await made.handle(received, UserMessage(text, output, sender_id="test"))
    assert [m["text"] for m in output.messages] == ["Bonjour !"]  # the bot's answer is passed back
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




async def test_a_lone_surrogate_is_replaced_before_the_nlu_sees_it():
    # spaCy raised on "\ud83d" (any JSON client can send it) and the person got silence.
    assert await through_channel("oui \ud83d") == "oui \ufffd"


def test_channel_names_stay_those_of_rasa():
    assert PublicRestInput.name() == RestInput.name() == "rest"
    assert PublicSocketIOInput.name() == SocketIOInput.name() == "socketio"


# --- never silence ----------------------------------------------------------------------------

@pytest.fixture
async def action_server_health():
    """A real HTTP /health answering 200 or 503, as the action server's."""
    servers = []

    async def start(healthy: bool) -> str:
        async def health(_):
            return web.json_response({"status": "ok"}, status=200 if healthy else 503)

        app = web.Application()
        app.router.add_get("/health", health)
        server = TestServer(app)
        await server.start_server()
        servers.append(server)
        return str(server.make_url("/health"))

    yield start
    for server in servers:
        await server.close()


async def silent_turn(health_url):
    made = MessageGuard()
    made.health_url = health_url
    output = CollectingOutputChannel()
    await made.handle(Recorder(answer=None), UserMessage("je veux faire une saisine", output, sender_id="s"))
    return [m["text"] for m in output.messages]


async def test_a_silent_turn_with_the_action_server_down_says_so_and_gives_the_national_contacts(unused_tcp_port):
    answer = await silent_turn(f"http://127.0.0.1:{unused_tcp_port}/health")  # nothing listens there
    assert len(answer) == 1 and "indisponible" in answer[0] and "réessayez" in answer[0]
    assert "3646" in answer[0] and "ameli" in answer[0]


async def test_a_silent_turn_with_the_action_server_up_asks_to_rephrase(action_server_health):
    answer = await silent_turn(await action_server_health(healthy=True))
    assert answer == [inbound.no_answer_answer()]


async def test_an_action_server_answering_503_counts_as_down(action_server_health):
    assert "indisponible" in (await silent_turn(await action_server_health(healthy=False)))[0]


async def test_a_turn_that_raises_still_gets_an_answer():
    async def failing(message):
        raise RuntimeError("tracker store unreachable")

    made = MessageGuard()
    made.health_url = None
    output = CollectingOutputChannel()
    await made.handle(failing, UserMessage("bonjour", output, sender_id="s"))
    assert [m["text"] for m in output.messages] == [inbound.no_answer_answer()]


def test_the_health_url_is_that_of_the_action_endpoint():
    assert action_server_health_url({"ACTION_ENDPOINT_URL": "http://actions:5055/webhook"}) == "http://actions:5055/health"
    assert action_server_health_url({}) is None


# --- socket.io: the same guards as REST ---------------------------------------------------------

class SocketOutput(CollectingOutputChannel):
    """Stands for the socket.io output (what the widget would show)."""


def socket_channel(monkeypatch, per_sender="2/minute"):
    monkeypatch.setenv("CHAT_RATE_LIMIT_PER_SENDER", per_sender)
    monkeypatch.delenv("ACTION_ENDPOINT_URL", raising=False)
    channel = PublicSocketIOInput()
    channel._guard = MessageGuard()
    return channel


async def test_socketio_answers_a_non_text_message_without_rasa(monkeypatch):
    channel, received, output = socket_channel(monkeypatch), Recorder(), SocketOutput()
    await channel.handle_user_message(received, UserMessage(None, output, sender_id="s"), client="10.0.0.1")
    message = UserMessage(None, output, sender_id="s")
    message.text = 123
    await channel.handle_user_message(received, message, client="10.0.0.1")
    assert received.texts == []
    assert [m["text"] for m in output.messages] == ["Je n'ai reçu aucun texte : écrivez votre question."] * 2


async def test_socketio_answers_too_long_and_too_fast_without_rasa(monkeypatch):
    channel, received, output = socket_channel(monkeypatch), Recorder(), SocketOutput()
    await channel.handle_user_message(received, UserMessage("x" * 7000, output, sender_id="s"), client="10.0.0.1")
    await channel.handle_user_message(received, UserMessage(f"sécu {NIR_15}", output, sender_id="s"), client="10.0.0.1")
    await channel.handle_user_message(received, UserMessage("bonjour", output, sender_id="s"), client="10.0.0.1")
    texts = [m["text"] for m in output.messages]
    assert "trop long" in texts[0] and texts[1] == "Bonjour !" and "Attendez" in texts[2]
    assert received.texts == [f"sécu {NIR_PLACEHOLDER}"]  # only the one message that may go on
