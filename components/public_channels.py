"""The assistant's public input channels: Rasa's REST and socket.io channels behind the guards of
bot.inbound. credentials.yml names these classes instead of `rest:` and `socketio:`; the URLs stay.

Every message, on both channels:
- a NIR is replaced by "[NIR retiré]" before Rasa sees it (seed 003, line 637: stored nowhere —
  not in the tracker store, slots, action server, logs); lone surrogates become U+FFFD;
- a message longer than bot.inbound.MAX_MESSAGE_CHARACTERS is answered without reaching the NLU;
- rate limits per conversation and per client address (`limits`, memory or Redis storage);
- a turn that produced no message (the action server is down, an error) gets an answer anyway:
  the person is never left in silence.

REST only: a body that is not {"sender": str, "message": str} is a 400 with a French explanation
(Rasa's channel answered 500, or shared one "default" conversation between every client without
`sender`), and the channel name recorded with the message is always "rest" (a client cannot claim
to be the kiosk). The request body is limited to MAX_REQUEST_BYTES by Sanic.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Optional, Text

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import inbound
from components import action_response_validation
from components.web_socketio import WebSocketIOInput, client_address

# Every Rasa server of this project loads these channels: the action server's answers are checked
# with a validator built once (a quarter of Rasa's CPU time otherwise, see that module).
action_response_validation.install()

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

# 6 000 characters of emoji sent as JSON escapes (\ud83d\ude00) are ~72 KB: room for that, no more.
MAX_REQUEST_BYTES = 128 * 1024
HEALTH_TIMEOUT_SECONDS = 1.5


def action_server_health_url(env=os.environ) -> Optional[str]:
    """/health of the action endpoint of endpoints.yml (ACTION_ENDPOINT_URL …/webhook)."""
    url = env.get("ACTION_ENDPOINT_URL", "")
    return url.rsplit("/webhook", 1)[0] + "/health" if url.endswith("/webhook") else None


async def action_server_answers(url: Optional[str]) -> bool:
    if not url:
        return True
    try:
        timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url) as answer:
                return answer.status == 200
    except Exception:  # noqa: BLE001 — refused, reset, timeout, bad answer: all mean "down"
        return False


class MessageGuard:
    """What both channels do around Rasa's handling of one message."""

    def __init__(self) -> None:
        self.rate_limiter = inbound.MessageRateLimiter(inbound.RateLimits.from_env())
        self.health_url = action_server_health_url()

    def retry_after(self, message: UserMessage, client: str) -> Optional[int]:
        return self.rate_limiter.retry_after(message.sender_id, client)

    async def handle(self, on_new_message: OnNewMessage, message: UserMessage) -> None:
        """Hands the cleaned message to Rasa, then makes sure the person got an answer."""
        if isinstance(message.text, str):
            message.text = inbound.clean_text(message.text)
        output = message.output_channel
        sent = 0
        original_send = output.send_response

        async def counting_send(recipient_id: Text, bot_message: Any) -> None:
            nonlocal sent
            sent += 1
            await original_send(recipient_id, bot_message)

        output.send_response = counting_send  # type: ignore[method-assign]
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 — logged; the person still gets an answer below
            log.exception("the turn failed (sender's message not logged: it may hold personal data)")
        finally:
            output.send_response = original_send  # type: ignore[method-assign]
        if sent == 0:
            down = not await action_server_answers(self.health_url)
            log.warning("turn without any answer (action server %s)", "down" if down else "up")
            text = inbound.unavailable_answer() if down else inbound.no_answer_answer()
            await output.send_text_message(message.sender_id, text)


class PublicRestInput(RestInput):
    """POST /webhooks/rest/webhook {"sender": "…", "message": "…"} → [{"recipient_id", "text", …}]."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        guard = MessageGuard()
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.listener("before_server_start")
        async def limit_request_size(app: Any, _loop: Any) -> None:
            app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            try:
                body = request.json
            except Exception:  # noqa: BLE001 — Sanic raises its own error class on broken JSON
                body = None
            read = inbound.read_rest_body(body)
            if isinstance(read, inbound.Refusal):
                return response.json({"error": read.error}, status=400)
            collector = CollectingOutputChannel()
            message = UserMessage(read.text, collector, read.sender, input_channel=self.name(),
                                  metadata=read.metadata)
            # Counted first: a flood of oversized messages is a flood too.
            wait = guard.retry_after(message, client_address(request) or "unknown")
            if wait is not None:
                await collector.send_text_message(read.sender, inbound.rate_limited_answer(wait))
                return response.json(collector.messages, status=429, headers={"Retry-After": str(wait)})
            too_long = inbound.too_long_answer(read.text)
            if too_long:
                await collector.send_text_message(read.sender, too_long)
                return response.json(collector.messages, status=413)
            await guard.handle(on_new_message, message)
            return response.json(collector.messages)

        return webhook


class PublicSocketIOInput(WebSocketIOInput):
    """The socket.io channel of the web widget and the kiosk (name "socketio", path /socket.io)."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        self._guard = MessageGuard()
        return super().blueprint(on_new_message)

    async def handle_user_message(self, on_new_message: OnNewMessage, message: UserMessage, client: Text) -> None:
        output = message.output_channel
        if not isinstance(message.text, str):
            await output.send_text_message(message.sender_id, "Je n'ai reçu aucun texte : écrivez votre question.")
            return
        wait = self._guard.retry_after(message, client)
        if wait is not None:
            await output.send_text_message(message.sender_id, inbound.rate_limited_answer(wait))
            return
        too_long = inbound.too_long_answer(message.text)
        if too_long:
            await output.send_text_message(message.sender_id, too_long)
            return
        await self._guard.handle(on_new_message, message)
