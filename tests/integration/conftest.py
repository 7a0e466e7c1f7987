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


class Process:
    """One server process the tests may stop and start again (the backend, to simulate an outage)."""

    def __init__(self, command: list, env: dict, log: Path, health_url: str):
        self.command, self.env, self.log, self.health_url = command, env, log, health_url
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env,
                                        stdout=open(self.log, "a"), stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        _wait_until_ready(self.health_url, [self.process], [self.log])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The whole assistant as `make run` starts it, on free ports and temporary SQLite files:
    backend, outbox courier, action server, Rasa server. Yields URLs, paths and the processes."""
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does it).")
    workdir = tmp_path_factory.mktemp("assistant")
    rasa_port, action_port, web_port = _free_port(), _free_port(), _free_port()
    paths = {
        "tracker_db": workdir / "trackers.db",
        "saisine_db": workdir / "saisines.db",
        "outbox_db": workdir / "outbox.db",
    }
    env = dict(
        os.environ,
        TRACKER_STORE_URL=f"sqlite:///{paths['tracker_db']}",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        SAISINE_STORE_URL=f"sqlite:///{paths['saisine_db']}",
        OUTBOX_URL=f"sqlite:///{paths['outbox_db']}",
        WEB_PORT=str(web_port),
        BACKEND_URL=f"http://127.0.0.1:{web_port}",
        OUTBOX_POLL_SECONDS="1",
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    python, rasa_bin = sys.executable, str(Path(sys.executable).with_name("rasa"))
    processes = {
        "backend": Process([python, "-m", "bot.backend"], env, workdir / "backend.log",
                           f"http://127.0.0.1:{web_port}/health"),
        "courier": Process([python, "-m", "bot.saisine"], env, workdir / "courier.log", ""),
        "actions": Process([rasa_bin, "run", "actions", "--actions", "actions", "--port", str(action_port)],
                           env, workdir / "actions.log", f"http://127.0.0.1:{action_port}/health"),
        "rasa": Process([rasa_bin, "run", "--model", str(MODEL), "--port", str(rasa_port), "--interface",
                         "127.0.0.1", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
                        env, workdir / "rasa.log", f"http://127.0.0.1:{rasa_port}/"),
    }
    try:
        for process in processes.values():
            process.start()
        for process in processes.values():
            if process.health_url:
                process.wait_ready()
        yield {
            "url": f"http://127.0.0.1:{rasa_port}", "backend_url": f"http://127.0.0.1:{web_port}",
            "logs": [p.log for p in processes.values()], "processes": processes, **paths,
        }
    finally:
        for process in processes.values():
            process.stop()


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
