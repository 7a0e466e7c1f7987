"""components/web_socketio.py: the socket.io channel joins the session's room and keeps link buttons."""
from typing import Any, Dict, List, Set

import pytest

from components.web_socketio import WebSocketIOInput, WebSocketIOOutput, quick_reply

SESSION = "0123456789abcdef0123456789abcdef"


class FakeServer:
    """Records what the channel does with python-socketio's AsyncServer (coroutine API, 5.10+)."""

    def __init__(self) -> None:
        self.rooms_of: Dict[str, Set[str]] = {}
        self.emitted: List[tuple] = []

    def rooms(self, sid: str, namespace: Any = None) -> List[str]:
        return [sid, *sorted(self.rooms_of.get(sid, set()))]

    async def enter_room(self, sid: str, room: str, namespace: Any = None) -> None:
        self.rooms_of.setdefault(sid, set()).add(room)

    async def leave_room(self, sid: str, room: str, namespace: Any = None) -> None:
        self.rooms_of.get(sid, set()).discard(room)

    async def emit(self, event: str, data: Any = None, room: Any = None, namespace: Any = None, **kwargs) -> None:
        self.emitted.append((event, data, room))


@pytest.fixture
def channel():
    received = []

    async def on_new_message(message):
        received.append(message)

    channel = WebSocketIOInput(session_persistence=True)
    channel.blueprint(on_new_message)
    handlers = channel.sio.handlers["/"]
    fake = FakeServer()
    # The handlers look the server's methods up when they run: point them at the fake.
    for name in ("rooms", "enter_room", "leave_room", "emit"):
        setattr(channel.sio, name, getattr(fake, name))
    return handlers, fake, received


def test_link_buttons_stay_links():
    assert quick_reply({"title": "Oui", "payload": "/affirm"}) == {"content_type": "text", "title": "Oui", "payload": "/affirm"}
    link = {"type": "web_url", "title": "ameli.fr", "url": "https://www.ameli.fr"}
    assert quick_reply(link) == link


async def test_output_sends_text_parts_then_every_button_with_the_last():
    fake = FakeServer()
    output = WebSocketIOOutput(fake, "bot_uttered")
    buttons = [{"type": "web_url", "title": "Kit", "url": "https://monkit.depistage-colorectal.fr"},
               {"title": "Autre sujet", "payload": "/help"}]
    await output.send_text_with_buttons(SESSION, "Première partie\n\nSeconde partie", buttons)
    assert [e[1] for e in fake.emitted] == [
        {"text": "Première partie"},
        {"text": "Seconde partie", "quick_replies": [quick_reply(b) for b in buttons]},
    ]
    assert all(e[0] == "bot_uttered" and e[2] == SESSION for e in fake.emitted)


async def test_session_request_joins_the_room_and_leaves_the_previous_one(channel):
    handlers, fake, _ = channel
    await handlers["session_request"]("sid-1", {"session_id": SESSION})
    assert fake.rooms_of["sid-1"] == {SESSION}
    assert fake.emitted[-1] == ("session_confirm", SESSION, "sid-1")
    other = "fedcba9876543210fedcba9876543210"
    await handlers["session_request"]("sid-1", {"session_id": other})  # "Nouvelle conversation"
    assert fake.rooms_of["sid-1"] == {other}


@pytest.mark.parametrize("data", [None, {}, {"session_id": "x"}, {"session_id": "../../etc"}, {"session_id": 42}])
async def test_a_bad_session_id_is_replaced(channel, data):
    handlers, fake, _ = channel
    await handlers["session_request"]("sid-1", data)
    event, session_id, room = fake.emitted[-1]
    assert event == "session_confirm" and room == "sid-1" and len(session_id) == 32
    assert fake.rooms_of["sid-1"] == {session_id}


async def test_messages_only_in_the_session_the_socket_joined(channel):
    handlers, fake, received = channel
    await handlers["user_uttered"]("sid-1", {"message": "bonjour", "session_id": SESSION})
    assert received == []  # no session_request for it: ignored
    await handlers["session_request"]("sid-1", {"session_id": SESSION})
    await handlers["user_uttered"]("sid-1", {"message": "bonjour", "session_id": SESSION})
    assert [(m.text, m.sender_id, m.input_channel) for m in received] == [("bonjour", SESSION, "socketio")]
    assert isinstance(received[0].output_channel, WebSocketIOOutput)
