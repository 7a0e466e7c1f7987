"""Starts the real assistant (action server + Rasa server on the trained model, SQLite tracker
store in a temporary folder) once for the integration tests, and talks to it over HTTP."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "assistant.tar.gz"
STARTUP_TIMEOUT_SECONDS = 240


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_ready(url: str, processes: list, log_files: list) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for process, log in zip(processes, log_files):
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited:\n{Path(log).read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"{url} not ready after {STARTUP_TIMEOUT_SECONDS} s")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """Base URL of a running Rasa server wired to a running action server."""
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does it).")
    workdir = tmp_path_factory.mktemp("assistant")
    rasa_port, action_port = _free_port(), _free_port()
    tracker_db = workdir / "trackers.db"
    env = dict(
        os.environ,
        TRACKER_STORE_URL=f"sqlite:///{tracker_db}",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    rasa_bin = str(Path(sys.executable).with_name("rasa"))
    logs = [workdir / "actions.log", workdir / "rasa.log"]
    commands = [
        [rasa_bin, "run", "actions", "--actions", "actions", "--port", str(action_port)],
        [rasa_bin, "run", "--model", str(MODEL), "--port", str(rasa_port), "--interface", "127.0.0.1",
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
    ]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        for command, log in zip(commands, logs)
    ]
    try:
        _wait_until_ready(f"http://127.0.0.1:{action_port}/health", processes, logs)
        _wait_until_ready(f"http://127.0.0.1:{rasa_port}/", processes, logs)
        yield {"url": f"http://127.0.0.1:{rasa_port}", "tracker_db": tracker_db, "logs": logs}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


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
