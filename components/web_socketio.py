"""Rasa's socket.io channel, fixed for the web widget and the kiosk (same URL, same events).

Rasa 3.6.21's SocketIOInput fails in two ways with the python-socketio 5.x installed beside it:
- `enter_room` became a coroutine and Rasa does not await it: with `session_persistence: true` the
  socket never joins its session's room, so no bot message ever reaches the browser;
- a link button ({"type": "web_url", "title", "url"}, sent by the prevention answers) has no
  `payload`, and SocketIOOutput raises KeyError: the whole answer is lost.

WebSocketIOInput re-registers the two handlers concerned. A socket follows one conversation at a
time (a new session_request leaves the previous room) and may only speak in the session it joined.
Subclasses guard each message in `handle_user_message` (components.public_channels).
"""
from __future__ import annotations

import inspect
import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

log = logging.getLogger(__name__)

# Browsers send crypto.randomUUID() hex; anything else gets a fresh id from the server.
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def quick_reply(button: Dict[Text, Any]) -> Dict[Text, Any]:
    """Rasa's socket.io quick reply, or a link kept as a link."""
    if button.get("type") == "web_url" or ("url" in button and "payload" not in button):
        return {"type": "web_url", "title": button["title"], "url": button["url"]}
    return {"content_type": "text", "title": button["title"], "payload": button["payload"]}


class WebSocketIOOutput(SocketIOOutput):
    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        messages: List[Dict[Text, Any]] = [{"text": part} for part in text.strip().split("\n\n")]
        # As Rasa does: every button goes with the last part of the text.
        messages[-1]["quick_replies"] = [quick_reply(b) for b in buttons]
        for message in messages:
            await self._send_message(recipient_id, message)


def client_address(request: Any) -> Optional[Text]:
    """The client's address; behind a proxy Sanic reads it from X-Forwarded-For only when told to
    trust the proxy (SANIC_PROXIES_COUNT / SANIC_FORWARDED_SECRET in the environment)."""
    if request is None:
        return None
    return request.remote_addr or request.ip or None


async def _maybe_await(result: Any) -> Any:
    # enter_room/leave_room are plain methods in python-socketio < 5.10, coroutines since.
    return await result if inspect.isawaitable(result) else result


class WebSocketIOInput(SocketIOInput):
    """Rasa's socketio channel (name "socketio", path /socket.io) with the fixes above."""

    async def handle_user_message(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                                  message: UserMessage, client: Text) -> None:
        """Hands one message to Rasa; components.public_channels adds its guards here."""
        await on_new_message(message)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WebSocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        if sio is None:  # no server was made (a stubbed parent in tests): no handler to replace
            return blueprint

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id = asked if isinstance(asked, str) and SESSION_ID.match(asked) else uuid.uuid4().hex
            if self.session_persistence:
                for room in sio.rooms(sid, namespace=self.namespace):
                    if room not in (sid, session_id):
                        await _maybe_await(sio.leave_room(sid, room, namespace=self.namespace))
                await _maybe_await(sio.enter_room(sid, session_id, namespace=self.namespace))
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                sender_id = data.get("session_id")
                # Only the session this socket asked for: a socket cannot write into another one.
                if not sender_id or sender_id not in sio.rooms(sid, namespace=self.namespace):
                    log.warning("socket.io message ignored: no session_request for its session_id")
                    return
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            environ = sio.get_environ(sid, namespace=self.namespace) or {}
            await self.handle_user_message(
                on_new_message,
                UserMessage(
                    data.get("message", ""),
                    WebSocketIOOutput(sio, self.bot_message_evt),
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else {},
                ),
                client=client_address(environ.get("sanic.request")) or sid,
            )

        # `on` replaces the handlers Rasa registered for these events.
        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
