"""Starts the whole assistant once for the integration tests (scripts/stack.py: backend, courier,
action server, Rasa server on temporary SQLite files) and talks to it over HTTP."""
from __future__ import annotations

import uuid

import pytest
import requests

from scripts.stack import MODEL, Stack


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The whole assistant as `make run` starts it (scripts/stack.py), on free ports and temporary
    SQLite files: backend, outbox courier, action server, Rasa server."""
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does it).")
    # Every simulated person talks from 127.0.0.1 and the hostile-message test sends ~1 500
    # messages in a few minutes: no per-address limit here, and 120 a minute per conversation
    # (the defaults, 600 and 30, are proven by tests/unit/test_inbound.py and tests/scale).
    stack = Stack(tmp_path_factory.mktemp("assistant"), extra_env={
        "CHAT_RATE_LIMIT_PER_SENDER": "120/minute", "CHAT_RATE_LIMIT_PER_CLIENT": "0"})
    stack.start()
    try:
        yield {"url": stack.rasa_url, "backend_url": stack.backend_url, "logs": stack.logs,
               "processes": stack.processes, **stack.paths}
    finally:
        stack.stop()


class Conversation:
    """One person talking to the assistant through the REST channel."""

    def __init__(self, base_url: str):
        self.url = f"{base_url}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex[:12]}"

    def say(self, message: str) -> list:
        response = requests.post(self.url, json={"sender": self.sender, "message": message}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def say_text(self, message: str) -> str:
        """All the bot's answers to one message, joined, with the button titles."""
        parts = []
        for answer in self.say(message):
            parts.append(answer.get("text", ""))
            parts.extend(button["title"] for button in answer.get("buttons", []))
        return "\n".join(parts)


@pytest.fixture
def conversation(assistant):
    return Conversation(assistant["url"])
