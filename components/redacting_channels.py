"""Input channels that remove a NIR from every message before Rasa sees it.

A NIR typed by mistake must be stored nowhere (seed 003, line 637), not even in the tracker store.
Redacting at the channel is the only place that covers everything downstream at once: the tracker
store, slot values, the action server, logs and event brokers all receive the redacted text, and
the forms recognise the placeholder (bot.parsing.NIR_PLACEHOLDER) to explain the refusal.

credentials.yml names these classes instead of `rest:` and `socketio:`; they keep the same URLs.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from bot.parsing import redact_nir
from components.web_socketio import WebSocketIOInput

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def redacting(on_new_message: OnNewMessage) -> OnNewMessage:
    async def handle(message: UserMessage) -> Any:
        message.text = redact_nir(message.text) if message.text else message.text
        return await on_new_message(message)

    return handle


class RedactingRestInput(RestInput):
    """POST /webhooks/rest/webhook, as Rasa's rest channel."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_message(self, req: Request) -> Optional[Text]:
        # Also redacted here because the rest channel logs the text when a turn fails.
        text = super()._extract_message(req)
        return redact_nir(text) if isinstance(text, str) else text

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(redacting(on_new_message))


class RedactingSocketIOInput(WebSocketIOInput):
    """The socket.io channel of the web widget and the kiosk, as Rasa's socketio channel."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(redacting(on_new_message))
