"""Starts the whole assistant as `make run` does — backend, outbox courier, action server, Rasa
server — on free ports and SQLite files in a given folder. Used by the integration tests and the
benchmark, so both measure the real thing.

    with Stack(workdir) as stack:           # or stack.start() / stack.stop()
        stack.rasa_url, stack.processes["backend"].stop(), stack.paths["saisine_db"]
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "assistant.tar.gz"
STARTUP_TIMEOUT_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, processes: list, log_files: list, timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process, log in zip(processes, log_files):
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited:\n{Path(log).read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout} s")


class Process:
    """One server process that can be stopped and started again (e.g. the backend, for an outage)."""

    def __init__(self, command: List[str], env: Dict[str, str], log: Path, health_url: str = ""):
        self.command, self.env, self.log, self.health_url = command, env, log, health_url
        self.process: Optional[subprocess.Popen] = None

    @property
    def pid(self) -> Optional[int]:
        return self.process.pid if self.process else None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env,
                                        stdout=open(self.log, "a"), stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        if self.health_url:
            wait_until_ready(self.health_url, [self.process], [self.log])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Stack:
    def __init__(self, workdir: Path, model: Path = MODEL, extra_env: Optional[Dict[str, str]] = None):
        workdir.mkdir(parents=True, exist_ok=True)
        rasa_port, action_port, web_port = free_port(), free_port(), free_port()
        self.paths = {name: workdir / f"{name[:-3]}.db" for name in ("tracker_db", "saisine_db", "outbox_db")}
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.backend_url = f"http://127.0.0.1:{web_port}"
        env = dict(
            os.environ,
            TRACKER_STORE_URL=f"sqlite:///{self.paths['tracker_db']}",
            ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
            SAISINE_STORE_URL=f"sqlite:///{self.paths['saisine_db']}",
            OUTBOX_URL=f"sqlite:///{self.paths['outbox_db']}",
            WEB_PORT=str(web_port),
            BACKEND_URL=self.backend_url,
            RASA_PUBLIC_URL=self.rasa_url,
            OUTBOX_POLL_SECONDS="1",
            RASA_TELEMETRY_ENABLED="false",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            TF_CPP_MIN_LOG_LEVEL="2",
            **(extra_env or {}),
        )
        python, rasa = sys.executable, str(Path(sys.executable).with_name("rasa"))
        self.processes = {
            "backend": Process([python, "-m", "bot.backend"], env, workdir / "backend.log", f"{self.backend_url}/health"),
            "courier": Process([python, "-m", "bot.saisine"], env, workdir / "courier.log"),
            "actions": Process([rasa, "run", "actions", "--actions", "actions", "--port", str(action_port)],
                               env, workdir / "actions.log", f"http://127.0.0.1:{action_port}/health"),
            "rasa": Process([rasa, "run", "--model", str(model), "--port", str(rasa_port), "--interface", "127.0.0.1",
                             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
                             "--cors", self.backend_url],  # the web pages' origin, exactly
                            env, workdir / "rasa.log", f"{self.rasa_url}/"),
        }

    @property
    def logs(self) -> List[Path]:
        return [p.log for p in self.processes.values()]

    def start(self) -> float:
        """Starts every process; returns the seconds until all of them answered."""
        started = time.monotonic()
        for process in self.processes.values():
            process.start()
        try:
            for process in self.processes.values():
                process.wait_ready()
        except Exception:
            self.stop()
            raise
        return time.monotonic() - started

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
